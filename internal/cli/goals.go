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

func (r *runner) goalCmds() []*cobra.Command {
	goal := &cobra.Command{
		Use:   "goal",
		Short: "Your objectives: goal add, goal show, goal done (list them with `rapport goals`)",
		Args:  cobra.NoArgs,
	}
	var tags []string
	var due string
	add := &cobra.Command{
		Use:     "add TEXT",
		Short:   "Add a goal",
		Example: `  rapport goal add "raise a seed round" --tag investor --due 2027-06-30`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			d, err := rapport.ReadTime(a.Local(), "due", due)
			if err != nil {
				return err
			}
			g, err := a.AddGoal(cmd.Context(), joinArgs(args), tags, d)
			if err != nil {
				return err
			}
			return r.emit(g, func(w io.Writer) { fmt.Fprintf(w, "Goal %s: %s\n", g.ID, g.Text) })
		},
	}
	add.Flags().StringArrayVar(&tags, "tag", nil, "a tag people who can help would have (repeatable)")
	add.Flags().StringVar(&due, "due", "", "when: YYYY-MM-DD")
	var limit int
	show := &cobra.Command{
		Use:   "show GOAL",
		Short: "A goal (its id, or a word of it) and the people who can help with it, ranked, with why",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			g, err := a.ShowGoal(cmd.Context(), args[0], limit)
			if err != nil {
				return err
			}
			return r.emit(g, func(w io.Writer) {
				fmt.Fprintf(w, "%s  [%s]\n", g.Text, strings.Join(g.Tags, ", "))
				if len(g.Helpers) == 0 {
					fmt.Fprintln(w, "  No one's tags or offers match yet: tag people, or record what they offer.")
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				for _, h := range g.Helpers {
					fmt.Fprintf(tw, "  %.1f\t%s\t%s\t%s\n", h.Score, h.Person.Name, h.Layer, strings.Join(h.Why, "; "))
				}
				tw.Flush()
			})
		},
	}
	show.Flags().IntVar(&limit, "limit", 10, "at most this many people (0 for all)")
	done := &cobra.Command{
		Use:   "done GOAL",
		Short: "Mark a goal reached (its id, or a word of it)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			g, err := a.GoalDone(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return r.emit(g, func(w io.Writer) { fmt.Fprintf(w, "Reached: %s\n", g.Text) })
		},
	}
	goal.AddCommand(add, show, done)

	goals := &cobra.Command{
		Use:   "goals",
		Short: "List your goals, open ones first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			list, err := a.Goals(cmd.Context())
			if err != nil {
				return err
			}
			return r.emit(list, func(w io.Writer) {
				if len(list) == 0 {
					fmt.Fprintln(w, `No goals yet: rapport goal add "raise a seed round" --tag investor`)
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				for _, g := range list {
					state, due := "open", ""
					if g.Done != nil {
						state = "done " + g.Done.In(a.Zone()).Format("2006-01-02")
					}
					if g.Due != nil {
						due = "due " + g.Due.In(a.Zone()).Format("2006-01-02")
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", shortID(g.ID), g.Text, strings.Join(g.Tags, ","), due, state)
				}
				tw.Flush()
			})
		},
	}
	return []*cobra.Command{goal, goals}
}

// shortID is the random tail of an id, enough to name it in a command.
func shortID(id string) string {
	if len(id) > 8 {
		return id[len(id)-8:]
	}
	return id
}

func (r *runner) followupCmds() []*cobra.Command {
	var due string
	followup := &cobra.Command{
		Use:     "followup REF TEXT",
		Short:   `Promise to get back to someone by a date ("we'll be in touch")`,
		Example: `  rapport followup ada "send her the deck" --due 2026-11-29`,
		Args:    cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			d, err := rapport.ReadTime(a.Local(), "due", due)
			if err != nil {
				return err
			}
			f, err := a.AddFollowup(cmd.Context(), args[0], joinArgs(args[1:]), d)
			if err != nil {
				return err
			}
			return r.emit(f, func(w io.Writer) {
				fmt.Fprintf(w, "Follow-up %s with %s due %s: %s\n", shortID(f.ID), f.Person.Name, f.Due.In(a.Zone()).Format("2006-01-02"), f.Text)
			})
		},
	}
	followup.Flags().StringVar(&due, "due", "", "when: YYYY-MM-DD (required)")
	var all bool
	list := &cobra.Command{
		Use:   "followups",
		Short: "Open follow-ups, overdue first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			fs, err := a.Followups(cmd.Context(), all)
			if err != nil {
				return err
			}
			return r.emit(fs, func(w io.Writer) {
				if len(fs) == 0 {
					fmt.Fprintln(w, "No open follow-ups.")
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				for _, f := range fs {
					state := "in " + app.Days(f.DaysDue)
					switch {
					case f.Done != nil:
						state = "done"
					case f.Overdue:
						state = "OVERDUE " + app.Days(-f.DaysDue)
					case f.DaysDue == 0:
						state = "today"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", shortID(f.ID), f.Due.In(a.Zone()).Format("2006-01-02"), state, f.Person.Name, f.Text)
				}
				tw.Flush()
			})
		},
	}
	list.Flags().BoolVar(&all, "all", false, "closed ones too")
	done := &cobra.Command{
		Use:   "done ID|PERSON",
		Short: "Close a follow-up, by its id or the person (their follow-up due first)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			id, err := a.FollowupDone(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return r.emit(map[string]string{"done": id}, func(w io.Writer) { fmt.Fprintf(w, "Closed follow-up %s.\n", shortID(id)) })
		},
	}
	overdue := &cobra.Command{
		Use:   "overdue",
		Short: "Who has gone past their stay-in-touch cadence, most important first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			list, err := a.Overdue(cmd.Context())
			if err != nil {
				return err
			}
			return r.emit(list, func(w io.Writer) {
				if len(list) == 0 {
					fmt.Fprintln(w, "No one is overdue.")
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				for _, o := range list {
					late := "never contacted"
					if o.LastContact != nil {
						late = fmt.Sprintf("%s late (last %s)", app.Days(o.OverdueDays), o.LastContact.In(a.Zone()).Format("2006-01-02"))
					}
					layer, strength := o.KeptLayer, fmt.Sprintf("%.1f", o.Strength)
					if o.KeptLayer != o.Layer {
						layer += " (now " + o.Layer + ")"
						strength = fmt.Sprintf("%.1f, was %.1f", o.Strength, o.Was)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\tevery %d days\t%s\n", layer, o.Person.Name, strength, o.CadenceDays, late)
				}
				tw.Flush()
			})
		},
	}
	var addOffers, rmOffers []string
	me := &cobra.Command{
		Use:     "me",
		Short:   "What you can offer people (used to find whom you can help)",
		Example: `  rapport me --offers "Go code review" --offers "intros to investors"`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			m, err := a.EditMe(cmd.Context(), addOffers, rmOffers)
			if err != nil {
				return err
			}
			return r.emit(m, func(w io.Writer) {
				if len(m.Offers) == 0 {
					fmt.Fprintln(w, `You offer nothing yet: rapport me --offers "code review"`)
				}
				for _, o := range m.Offers {
					fmt.Fprintf(w, "you offer: %s\n", o)
				}
			})
		},
	}
	me.Flags().StringArrayVar(&addOffers, "offers", nil, "something you can give (repeatable)")
	me.Flags().StringArrayVar(&rmOffers, "rm-offers", nil, "remove an offer (repeatable)")
	return []*cobra.Command{followup, list, done, overdue, me}
}
