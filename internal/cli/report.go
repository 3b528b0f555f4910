package cli

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
	"github.com/spf13/cobra"
)

func (r *runner) reportCmd() *cobra.Command {
	var since, until string
	var team, moves bool
	c := &cobra.Command{
		Use:   "report",
		Short: "Activity versus progress: where the minutes went and what moved on the ladder",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			from, to, err := rapport.ReadPeriod(a.Local(), since, until)
			if err != nil {
				return err
			}
			if team {
				tr, err := a.TeamReport(cmd.Context(), from, to, moves)
				if err != nil {
					return err
				}
				return r.emit(tr, func(w io.Writer) { printTeamReport(w, tr, a.Zone()) })
			}
			rep, err := a.Report(cmd.Context(), from, to)
			if err != nil {
				return err
			}
			return r.emit(rep, func(w io.Writer) { printReport(w, rep, a.Zone()) })
		},
	}
	c.Flags().StringVar(&since, "since", "", "start of the period (default 30 days ago)")
	c.Flags().StringVar(&until, "until", "", "end of the period (default now)")
	c.Flags().BoolVar(&team, "team", false, "on a team's server: gives against asks, per member and for the team")
	c.Flags().BoolVar(&moves, "moves", false, "with --team: also whose ties grew and faded (replays every member's history)")
	return c
}

func printReport(w io.Writer, r *app.Report, zone *time.Location) {
	fmt.Fprintf(w, "From %s to %s\n\n", r.Since.In(zone).Format("2006-01-02"), r.Until.In(zone).Format("2006-01-02"))
	printOutcomes(w, r.Outcomes, zone)
	fmt.Fprintln(w, "\nWhere your minutes went (activity):")
	bar := func(n, total int) string {
		if total == 0 {
			return ""
		}
		return strings.Repeat("█", int(math.Round(30*float64(n)/float64(total))))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, row := range []struct {
		label string
		m, n  int
	}{
		{"light touches", r.Minutes.Light, r.Touches.Light},
		{"conversations", r.Minutes.Conversations, r.Touches.Conversations},
		{"gives", r.Minutes.Gives, r.Touches.Gives},
	} {
		fmt.Fprintf(tw, "  %s\t%d min\t%d\t%s\n", row.label, row.m, row.n, bar(row.m, r.Minutes.Total))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nGives %d, asks %d (yes %d, no %d, no answer %d, pending %d), favours received %d\n",
		r.Gives, r.Asks.Total, r.Asks.Yes, r.Asks.No, r.Asks.None, r.Asks.Pending, r.FavoursReceived)
	fmt.Fprintf(w, "\nThe ladder: contacts %d → %d\n", r.ContactsStart, r.ContactsEnd)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, m := range r.Rungs {
		fmt.Fprintf(tw, "  %s\t%.0f\t%d → %d\t%+d\n", m.Action, m.Threshold, m.Start, m.End, m.End-m.Start)
	}
	tw.Flush()
	for _, l := range []struct {
		label string
		moves []app.Move
	}{{"Grew", r.Grew}, {"Faded", r.Faded}} {
		if len(l.moves) == 0 {
			continue
		}
		fmt.Fprintf(w, "%s:\n", l.label)
		for _, m := range l.moves {
			fmt.Fprintf(w, "  %s %.1f → %.1f\n", m.Person.Name, m.From, m.To)
		}
	}
}

// printOutcomes leads the report: what happened for you, by goal, then the
// response to your outreach and the gives against the offers.
func printOutcomes(w io.Writer, o app.Outcomes, zone *time.Location) {
	fmt.Fprintln(w, "What it brought (outcomes):")
	line := func(x app.Outcome) string {
		who := ""
		if x.Person != nil {
			who = x.Person.Name
		}
		switch x.Type {
		case "favour":
			return fmt.Sprintf("%s  %s did %s for you", x.At.In(zone).Format("2006-01-02"), who, x.Action)
		case "yes":
			return fmt.Sprintf("%s  %s said yes to %s", x.At.In(zone).Format("2006-01-02"), who, x.Action)
		}
		return fmt.Sprintf("%s  goal done: %s", x.At.In(zone).Format("2006-01-02"), x.Note)
	}
	if len(o.All) == 0 {
		fmt.Fprintln(w, "  nothing yet: no favour received, no yes, no goal done")
	}
	shown := map[string]bool{}
	for _, g := range o.Goals {
		if len(g.Outcomes) == 0 {
			continue
		}
		fmt.Fprintf(w, "  toward %q:\n", g.Goal)
		for _, x := range g.Outcomes {
			fmt.Fprintf(w, "    %s\n", line(x))
			shown[line(x)] = true
		}
	}
	for _, x := range o.All {
		if !shown[line(x)] {
			fmt.Fprintf(w, "  %s\n", line(x))
		}
	}
	if o.Reached > 0 {
		fmt.Fprintf(w, "  %d of the %d people you reached out to answered (%.0f%%)\n", o.Responded, o.Reached, 100*o.ResponseRate)
	}
	if o.OffersMade > 0 || o.GivesDelivered > 0 {
		fmt.Fprintf(w, "  gives delivered %d, against %d offers in the month's assignment\n", o.GivesDelivered, o.OffersMade)
	}
}

// printTeamReport shows gives against asks, member by member, then the team.
func printTeamReport(w io.Writer, r *app.TeamReport, zone *time.Location) {
	fmt.Fprintf(w, "From %s to %s\n\n", r.Since.In(zone).Format("2006-01-02"), r.Until.In(zone).Format("2006-01-02"))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MEMBER\tTOUCHES\tGIVES\tASKS\tYES\tNO\tNO ANSWER\tPENDING")
	row := func(name string, m app.MemberReport) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", name, m.Touches, m.Gives, m.Asks, m.Yes, m.No, m.None, m.Pending)
	}
	for _, m := range r.Members {
		row(m.Member.Name, m)
	}
	row("the team", r.Team)
	tw.Flush()
	if r.Team.Grew == nil {
		return
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MEMBER\tGREW\tFADED\tMOST GREW\tMOST FADED")
	movesRow := func(name string, m app.MemberReport) {
		say := func(ms []app.Move) string {
			var out []string
			for _, x := range ms {
				out = append(out, fmt.Sprintf("%s %.0f→%.0f", x.Person.Name, x.From, x.To))
			}
			return strings.Join(out, ", ")
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", name, m.GrewCount, m.FadedCount, say(m.Grew), say(m.Faded))
	}
	for _, m := range r.Members {
		movesRow(m.Member.Name, m)
	}
	movesRow("the team", r.Team)
	tw.Flush()
}
