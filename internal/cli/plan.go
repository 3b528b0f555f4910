package cli

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
	"github.com/spf13/cobra"
)

func (r *runner) planCmds() []*cobra.Command {
	var day, week string
	budget := &cobra.Command{
		Use:     "budget",
		Short:   "Show or set the time you invest in relationships",
		Example: "  rapport budget --day 20m --week 2h",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			f := form(a)
			d, w := f.Minutes("day", day), f.Minutes("week", week)
			if err := f.Err(); err != nil {
				return err
			}
			b, err := a.SetBudget(cmd.Context(), d, w)
			if err != nil {
				return err
			}
			return r.emit(b, func(w io.Writer) {
				fmt.Fprintf(w, "Budget: %d minutes a day, %d minutes a week.\n", b.DayMinutes, b.WeekMinutes)
			})
		},
	}
	budget.Flags().StringVar(&day, "day", "", "minutes a day: 20, 20m, 1h")
	budget.Flags().StringVar(&week, "week", "", "minutes a week: 120, 2h")

	plan := func(use, short string, week bool) *cobra.Command {
		var override string
		c := &cobra.Command{
			Use:   use,
			Short: short,
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				a, err := r.open(cmd.Context())
				if err != nil {
					return err
				}
				f := form(a)
				m := f.Minutes("budget", override)
				if err := f.Err(); err != nil {
					return err
				}
				minutes := rapport.Value(m)
				if m != nil && minutes == 0 {
					return rapport.FieldErrorf(rapport.EINVALID, "budget", "%s: must be more than 0", override)
				}
				p, err := a.Plan(cmd.Context(), week, minutes)
				if err != nil {
					return err
				}
				return r.emit(p, func(w io.Writer) { printPlan(w, p) })
			},
		}
		c.Flags().StringVar(&override, "budget", "", "minutes for this plan instead of your budget: 30, 1h")
		return c
	}
	return []*cobra.Command{budget,
		plan("today", "Today's few specific actions, within your daily budget", false),
		plan("week", "This week's plan, within your weekly budget", true)}
}

func printPlan(w io.Writer, p *app.PlanView) {
	fmt.Fprintf(w, "Plan for %s: %d of %d minutes\n", p.Horizon, p.PlannedMinutes, p.BudgetMinutes)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, it := range p.Items {
		when := ""
		if it.Day != "" {
			if d, err := time.Parse("2006-01-02", it.Day); err == nil {
				when = d.Format("Mon") + "\t"
			}
		}
		fmt.Fprintf(tw, "%2d.\t%s%s\t%s\t%d min\t+%.1f\t%s\n", i+1, when, it.Person.Name, it.Action, it.Minutes, it.Gain, it.Reason)
	}
	tw.Flush()
	if len(p.Items) == 0 {
		fmt.Fprintln(w, "  Nothing fits: raise the budget, or add follow-ups, goals and people's wants.")
	}
	for _, u := range p.Unplanned {
		fmt.Fprintf(w, "  Also promised, did not fit: %s: %s (%d min, %s)\n", u.Person.Name, u.Action, u.Minutes, u.Reason)
	}
	c := p.Capacity
	if c.Over {
		fmt.Fprintf(w, "\nCapacity: keeping your inner, close and active circles at their rhythm takes about %.0f minutes a week; your budget is %d.\n",
			c.NeededWeekMinutes, c.BudgetWeekMinutes)
		for _, l := range c.LayerCountsOver() {
			fmt.Fprintf(w, "  You keep %d people on a %s rhythm; the layer holds %d.\n", l.Pinned, l.Layer, l.Capacity)
		}
		if len(c.LetGo) > 0 {
			fmt.Fprintln(w, "  Consider letting these drift to a wider layer:")
			for i, g := range c.LetGo {
				if i == 8 {
					fmt.Fprintf(w, "    … and %d more (--json lists them all)\n", len(c.LetGo)-i)
					break
				}
				fmt.Fprintf(w, "    - %s (%s, %.1f): saves %.0f min a week\n", g.Person.Name, g.Layer, g.Strength, g.WeekMinutes)
			}
		}
	}
	for _, n := range p.Notes {
		fmt.Fprintf(w, "Note: %s\n", n)
	}
}

func (r *runner) assignmentCmd() *cobra.Command {
	show := func(w io.Writer, v *app.AssignmentView) {
		zone := r.app.Zone()
		goal := "no goal"
		if v.Goal != nil {
			goal = "goal: " + *v.Goal
		}
		fmt.Fprintf(w, "Assignment %s to %s (%d days left), %s: %d of %d delivered\n",
			v.Start.In(zone).Format("2006-01-02"), v.End.In(zone).Format("2006-01-02"), v.DaysLeft, goal, v.Done, len(v.Slots))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, s := range v.Slots {
			state := "open"
			if s.Done {
				state = "done " + s.DeliveredAt.Format("01-02")
			}
			side := "you can help"
			if s.Side == app.SideHelper {
				side = "can help you"
			}
			fmt.Fprintf(tw, "%2d\t%s\t%s\t%s\t%s\n", s.Slot.Slot, side, s.Person.Name, state, s.Offer)
		}
		tw.Flush()
		for _, n := range v.Notes {
			fmt.Fprintf(w, "Note: %s\n", n)
		}
	}
	c := &cobra.Command{
		Use:   "assignment",
		Short: "The monthly 5 + 5 assignment and its progress (assignment new, swap, offer)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			v, err := a.Assignment(cmd.Context())
			if err != nil {
				return err
			}
			return r.emit(v, func(w io.Writer) { show(w, v) })
		},
	}
	var goal string
	var days int
	var replace bool
	newCmd := &cobra.Command{
		Use:   "new",
		Short: "Draft the month: five people you can help, five who can help with a goal",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			v, err := a.NewAssignment(cmd.Context(), goal, days, replace)
			if err != nil {
				return err
			}
			return r.emit(v, func(w io.Writer) {
				show(w, v)
				fmt.Fprintln(w, "A slot is done when you log a give to that person (rapport give REF ACTION).")
			})
		},
	}
	newCmd.Flags().StringVar(&goal, "goal", "", "the goal, by its id or a word of it (default: your open goal due soonest; none: no goal)")
	newCmd.Flags().IntVar(&days, "days", 30, "length of the period")
	newCmd.Flags().BoolVar(&replace, "replace", false, "replace a running assignment")
	slotArg := func(s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, rapport.Errorf(rapport.EINVALID, "slot %q: expected a number from 1 to 10", s)
		}
		return n, nil
	}
	swap := &cobra.Command{
		Use:   "swap SLOT REF",
		Short: "Put someone else in a slot",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			n, err := slotArg(args[0])
			if err != nil {
				return err
			}
			v, err := a.SwapSlot(cmd.Context(), n, args[1])
			if err != nil {
				return err
			}
			return r.emit(v, func(w io.Writer) { show(w, v) })
		},
	}
	var action string
	offer := &cobra.Command{
		Use:   "offer SLOT TEXT",
		Short: "Set the specific offer of a slot",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			n, err := slotArg(args[0])
			if err != nil {
				return err
			}
			v, err := a.OfferSlot(cmd.Context(), n, joinArgs(args[1:]), action)
			if err != nil {
				return err
			}
			return r.emit(v, func(w io.Writer) { show(w, v) })
		},
	}
	offer.Flags().StringVar(&action, "action", "", "the ladder action that delivers it")
	c.AddCommand(newCmd, swap, offer)
	return c
}
