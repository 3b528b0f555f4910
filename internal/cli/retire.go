package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// retireCmds: a want served, a person resting.
func (r *runner) retireCmds() []*cobra.Command {
	want := &cobra.Command{Use: "want", Short: "A person's wants: mark one served"}
	want.AddCommand(&cobra.Command{
		Use:     "done REF TEXT",
		Short:   "Mark one of a person's wants served (its text, the start of it, or its id): it leaves the plans",
		Example: `  rapport want done dana "hire a designer"`,
		Args:    cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			d, err := a.WantDone(cmd.Context(), args[0], joinArgs(args[1:]))
			if err != nil {
				return err
			}
			return r.emit(d, func(w io.Writer) { fmt.Fprintf(w, "Served: %s's want %q.\n", d.Name, joinArgs(args[1:])) })
		},
	})
	var until string
	snooze := &cobra.Command{
		Use:   "snooze REF --until DATE",
		Short: "Keep someone out of plans and the overdue list until a date (--until off wakes them)",
		Long: `Keep someone out of plans and the overdue list until a date: they asked for
space, they are travelling, the season is wrong. Promises (follow-ups) to them
still come due. --until off wakes them now.`,
		Example: `  rapport snooze ada --until 2027-01-15`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if until == "" {
				return usageError{fmt.Errorf("snooze: --until DATE is required (or --until off)")}
			}
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			var to *time.Time
			if strings.TrimSpace(until) != "off" {
				f := form(a)
				if to = f.Time("until", until); f.Err() != nil {
					return f.Err()
				}
			}
			who, t, err := a.Snooze(cmd.Context(), args[0], to)
			if err != nil {
				return err
			}
			out := map[string]any{"person": who, "until": t}
			return r.emit(out, func(w io.Writer) {
				if t == nil {
					fmt.Fprintf(w, "%s is back in plans.\n", who.Name)
					return
				}
				fmt.Fprintf(w, "%s rests until %s: out of plans and overdue until then.\n", who.Name, t.In(a.Zone()).Format("2006-01-02"))
			})
		},
	}
	snooze.Flags().StringVar(&until, "until", "", "YYYY-MM-DD, or off")
	return []*cobra.Command{want, snooze}
}
