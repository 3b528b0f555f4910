package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func (r *runner) dupesCmds() []*cobra.Command {
	dupes := &cobra.Command{
		Use:   "dupes",
		Short: "People who look alike but share no email, phone or URL (merge them with `rapport merge`)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			list, err := a.Dupes(cmd.Context())
			if err != nil {
				return err
			}
			return r.emit(list, func(w io.Writer) {
				if len(list) == 0 {
					fmt.Fprintln(w, "No likely duplicates.")
					return
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				for _, d := range list {
					fmt.Fprintf(tw, "%s\t%s\t%s\trapport merge %s %s\n", d.A.Name, d.B.Name, d.Reason, shortID(d.A.ID), shortID(d.B.ID))
				}
				tw.Flush()
			})
		},
	}
	merge := &cobra.Command{
		Use:   "merge KEEP DROP",
		Short: "Merge the second person into the first, with all their history",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			d, err := a.Merge(cmd.Context(), args[0], args[1])
			if err != nil {
				return err
			}
			return r.emit(d, func(w io.Writer) { printPerson(w, d, 10, a.Now().In(a.Zone())) })
		},
	}
	return []*cobra.Command{dupes, merge}
}
