package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
	"github.com/spf13/cobra"
)

func (r *runner) askCmd() *cobra.Command {
	var in app.AskInput
	c := &cobra.Command{
		Use:   "ask REF ACTION",
		Short: "Ask someone for a ladder action, after the ask guard has looked at it",
		Long: `The guard answers go, give-first or wait, with its reasons: the tie is below the
action's threshold; you asked this person something in the last 30 days that is
unanswered or was declined; you have asked them more than you gave them this year.
Only a go is recorded, unless --force; a refusal exits 3. --check records nothing.`,
		Example: `  rapport ask ada introduce --note "to the Acme CTO"
  rapport ask ada lend-100 --check`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			in.Ref, in.Action = args[0], args[1]
			res, err := a.Ask(cmd.Context(), in)
			if err != nil {
				return err
			}
			if err := r.emit(res, func(w io.Writer) { printVerdict(w, res, in) }); err != nil {
				return err
			}
			if !res.Recorded && !in.Check {
				return guardError{rapport.Errorf(rapport.EINVALID, "the guard says %s: nothing recorded (use --force to ask anyway)", res.Verdict)}
			}
			return nil
		},
	}
	c.Flags().BoolVar(&in.Force, "force", false, "record the ask whatever the guard says")
	c.Flags().BoolVar(&in.Check, "check", false, "only show the verdict; record nothing")
	c.Flags().StringVar(&in.Note, "note", "", "what exactly you asked")
	return c
}

func printVerdict(w io.Writer, res *app.AskResult, in app.AskInput) {
	fmt.Fprintf(w, "Ask %s to %s: %s (tie %.1f, threshold %.0f)\n", res.Person.Name, res.Action, strings.ToUpper(res.Verdict), res.Strength, res.Threshold)
	for _, reason := range res.Reasons {
		fmt.Fprintf(w, "  - %s\n", reason)
	}
	if res.Ability != "" {
		fmt.Fprintf(w, "  Can they? %s\n", res.Ability)
	}
	if len(res.SuggestedGives) > 0 {
		fmt.Fprintln(w, "Give first:")
		for _, g := range res.SuggestedGives {
			toward := ""
			if g.Toward != "" {
				toward = fmt.Sprintf(" (they want: %s)", g.Toward)
			}
			fmt.Fprintf(w, "  - %s, %d min, +%.1f to the tie%s\n", g.Action, g.Minutes, g.Gain, toward)
		}
	}
	if res.Recorded {
		fmt.Fprintf(w, "Recorded as ask %s; when they answer: rapport answer %s yes|no|none\n", *res.ID, (*res.ID)[len(*res.ID)-8:])
	}
}

func (r *runner) answerCmd() *cobra.Command {
	var at string
	c := &cobra.Command{
		Use:   "answer ASK|PERSON yes|no|none",
		Short: "Record the outcome of an ask, by its id or the person (their latest open ask); a yes also logs what they did",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			when, err := rapport.ReadTime(a.Local(), "at", at)
			if err != nil {
				return err
			}
			ask, err := a.Answer(cmd.Context(), args[0], args[1], when)
			if err != nil {
				return err
			}
			return r.emit(ask, func(w io.Writer) {
				fmt.Fprintf(w, "%s's answer to %s: %s\n", ask.Person.Name, ask.Action, ask.Outcome)
			})
		},
	}
	c.Flags().StringVar(&at, "at", "", "when they answered (default now)")
	return c
}

func (r *runner) ledgerCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "ledger REF",
		Short: "Gives and asks with one person, and the balance",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			l, err := a.Ledger(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return r.emit(l, func(w io.Writer) {
				fmt.Fprintf(w, "%s: you gave %d (value %.1f), asked %d (value %.1f), received %d favours; balance %+.1f\n",
					l.Person.Name, l.Gives, l.GivenValue, l.Asks, l.AskedValue, l.Gots, l.Balance)
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				for _, e := range l.Entries {
					fmt.Fprintf(tw, "  %s\t%s\t%s\t%.1f\t%s\t%s\n", e.At.In(a.Zone()).Format("2006-01-02"), e.Type, e.Action, e.Value, e.Outcome, e.Note)
				}
				tw.Flush()
			})
		},
	}
}

func printCalibration(w io.Writer, list []app.RungCalibration, applied bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACTION\tSHIPPED\tCURRENT\tFITTED\tEVIDENCE\tYES\tBRIER (CURRENT → FITTED)")
	for _, c := range list {
		brier, fitted := "-", "no evidence yet"
		if c.N > 0 {
			brier = fmt.Sprintf("%.3f → %.3f", c.BrierDefault, c.BrierFitted)
			fitted = fmt.Sprintf("%.1f", c.Fitted)
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.1f\t%s\t%d\t%d\t%s\n", c.Action, c.Default, c.Current, fitted, c.N, c.Yes, brier)
	}
	tw.Flush()
	if applied {
		fmt.Fprintln(w, "Rungs with evidence now use their fitted thresholds.")
	} else {
		fmt.Fprintln(w, "The fit is shrunk toward your current threshold while evidence is thin. Apply it with --apply.")
	}
}
