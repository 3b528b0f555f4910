package cli

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
	"github.com/spf13/cobra"
)

func (r *runner) ladderCmd() *cobra.Command {
	var calibrate, apply, team bool
	c := &cobra.Command{
		Use:   "ladder",
		Short: "The action ladder: how many people stand above each rung, beside your contact count",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			if apply && !calibrate {
				return usageError{fmt.Errorf("--apply goes with --calibrate")}
			}
			if team {
				l, err := a.TeamLadder(cmd.Context())
				if err != nil {
					return err
				}
				return r.emit(l, func(w io.Writer) { printTeamLadder(w, l) })
			}
			if calibrate {
				list, err := a.Calibrate(cmd.Context(), apply)
				if err != nil {
					return err
				}
				return r.emit(list, func(w io.Writer) { printCalibration(w, list, apply) })
			}
			l, err := a.Ladder(cmd.Context())
			if err != nil {
				return err
			}
			return r.emit(l, func(w io.Writer) { printLadder(w, l) })
		},
	}
	c.Flags().BoolVar(&calibrate, "calibrate", false, "fit each rung's threshold to your asks and favours received")
	c.Flags().BoolVar(&apply, "apply", false, "with --calibrate: use the fitted thresholds")
	c.Flags().BoolVar(&team, "team", false, "on a team's server: people above each rung for at least one member, and for each")
	c.AddCommand(r.rungCmd("set"), r.rungCmd("add"), r.ladderRmCmd())
	return c
}

// printLadder draws the curve: one bar per rung, in true proportion to the
// contacts (that 4 of 500 is under 1% is the point), each with its share;
// a rung with anyone on it keeps a sliver.
func printLadder(w io.Writer, l *app.Ladder) {
	const width = 40
	bar := func(n int) string {
		if n <= 0 || l.Contacts == 0 {
			return ""
		}
		cells := int(math.Round(float64(n) / float64(l.Contacts) * width))
		if cells == 0 {
			return "▏"
		}
		return strings.Repeat("█", cells)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "THRESHOLD\tACTION\tMINUTES\tPEOPLE\tSHARE\t\n")
	fmt.Fprintf(tw, "\tcontacts (the vanity number)\t\t%d\t\t%s\n", l.Contacts, bar(l.Contacts))
	for _, g := range l.Rungs {
		fmt.Fprintf(tw, "%5.0f\t%s (%s)\t%d\t%d\t%s\t%s\n", g.Threshold, g.Action, g.Description, g.Minutes, g.People, app.Share(g.People, l.Contacts), bar(g.People))
	}
	tw.Flush()
	if n := len(l.Rungs); n > 0 && l.Contacts > 0 {
		top := l.Rungs[n-1]
		fmt.Fprintf(w, "\nOf %d contacts, %d would %s (%.2g%%). Bars are in proportion to all contacts.\n",
			l.Contacts, top.People, top.Description, 100*float64(top.People)/float64(l.Contacts))
	}
}

func (r *runner) rungCmd(verb string) *cobra.Command {
	var threshold, weight float64
	var minutes int
	var mode, desc string
	short := "Change a rung's threshold or minutes (or put a kind on the ladder)"
	if verb == "add" {
		short = "Add a new action to the ladder"
	}
	c := &cobra.Command{
		Use:     verb + " ACTION",
		Short:   short,
		Example: fmt.Sprintf("  rapport ladder %s beta-test --threshold 30 --minutes 60", verb),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			var e app.RungEdit
			f := cmd.Flags()
			if f.Changed("threshold") {
				e.Threshold = &threshold
			}
			if f.Changed("minutes") {
				e.Minutes = &minutes
			}
			if f.Changed("weight") {
				e.Weight = &weight
			}
			if f.Changed("mode") {
				in := form(a)
				if e.Mode = in.Mode("mode", mode); in.Err() != nil {
					return in.Err()
				}
			}
			if f.Changed("description") {
				e.Description = &desc
			}
			var k rapport.Kind
			if verb == "add" {
				k, err = a.LadderAdd(cmd.Context(), args[0], e)
			} else {
				k, err = a.LadderSet(cmd.Context(), args[0], e)
			}
			if err != nil {
				return err
			}
			return r.emit(k, func(w io.Writer) {
				fmt.Fprintf(w, "%s: threshold %.0f, %d minutes, weight %g\n", k.Name, *k.Threshold, k.Minutes, k.Weight)
			})
		},
	}
	c.Flags().Float64Var(&threshold, "threshold", 0, "least tie strength (0-100) at which people would do it for you")
	c.Flags().IntVar(&minutes, "minutes", 0, "what it costs you to do it for someone")
	c.Flags().Float64Var(&weight, "weight", 0, "how much doing it adds to a tie (default for add: 1 + threshold/10)")
	c.Flags().StringVar(&mode, "mode", "", "online, written, call, in_person or help (add's default: help)")
	c.Flags().StringVar(&desc, "description", "", "what the action is, in words")
	return c
}

func (r *runner) ladderRmCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "rm ACTION",
		Short: "Take an action off the ladder (kinds in use stay loggable)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			if err := a.LadderRemove(cmd.Context(), args[0]); err != nil {
				return err
			}
			return r.emit(map[string]string{"removed": args[0]}, func(w io.Writer) {
				fmt.Fprintf(w, "%s is off the ladder.\n", args[0])
			})
		},
	}
}

func (r *runner) whoCmd() *cobra.Command {
	var limit int
	c := &cobra.Command{
		Use:   "who ACTION",
		Short: "Who stands at or above a rung: the people who would do it for you",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			who, err := a.Who(cmd.Context(), args[0], limit)
			if err != nil {
				return err
			}
			return r.emit(who, func(w io.Writer) {
				fmt.Fprintf(w, "%d people at or above %s (threshold %.0f):\n", len(who.People), who.Action, who.Threshold)
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				for _, p := range who.People {
					fmt.Fprintf(tw, "  %5.1f\t%s\t%s\t%s\n", p.Strength, p.Layer, p.Name, p.ID)
				}
				tw.Flush()
			})
		},
	}
	c.Flags().IntVar(&limit, "limit", 0, "at most this many (0 for all)")
	return c
}

func (r *runner) kindsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "kinds",
		Short: "The kinds of interaction you can log, with their weights and rungs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			ks, err := a.Kinds(cmd.Context())
			if err != nil {
				return err
			}
			return r.emit(ks, func(w io.Writer) {
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "KIND\tWEIGHT\tMODE\tTHRESHOLD\tMINUTES\tDESCRIPTION")
				for _, k := range ks {
					th := "-"
					if k.Threshold != nil {
						th = fmt.Sprintf("%.0f", *k.Threshold)
					}
					w := fmt.Sprintf("%g", k.Weight)
					if k.Shallow {
						w += " (capped)"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", k.Name, w, k.Mode, th, k.Minutes, k.Description)
				}
				tw.Flush()
			})
		},
	}
}

// printTeamLadder draws the team ladder: the team's count, then each
// member's.
func printTeamLadder(w io.Writer, l *app.TeamLadder) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "THRESHOLD\tACTION\tTEAM"
	for _, m := range l.Members {
		head += "\t" + m.Name
	}
	fmt.Fprintln(tw, head+"\t")
	fmt.Fprintf(tw, "\tcontacts\t%d%s\t\n", l.Contacts, strings.Repeat("\t", len(l.Members)))
	for _, r := range l.Rungs {
		line := fmt.Sprintf("%5.0f\t%s\t%d", r.Threshold, r.Action, r.Team)
		for _, n := range r.Members {
			line += fmt.Sprintf("\t%d", n)
		}
		fmt.Fprintln(tw, line+"\t")
	}
	tw.Flush()
}
