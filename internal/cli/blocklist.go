package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

func (r *runner) blocklistCmd() *cobra.Command {
	var rm []string
	c := &cobra.Command{
		Use:   "blocklist [ADDRESS|@DOMAIN...]",
		Short: "People never imported: whole addresses or @domains (family, your doctor)",
		Long: `Imports and syncs leave out anyone whose address is on the blocklist, and their
part in a message or a meeting (one with no one else goes). With arguments, adds
them; with --remove, takes them off; alone, lists it. On a team's server each
member keeps their own, and teammates and the workspace's own domain are never
imported either.`,
		Example: `  rapport blocklist mum@example.com @mydoctor.example
  rapport blocklist --remove mum@example.com`,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			list, err := a.Blocklist(cmd.Context())
			if len(args)+len(rm) > 0 {
				list, err = a.SetBlocklist(cmd.Context(), args, rm)
			}
			if err != nil {
				return err
			}
			return r.emit(map[string][]string{"blocklist": list}, func(w io.Writer) {
				if len(list) == 0 {
					fmt.Fprintln(w, "The blocklist is empty.")
					return
				}
				fmt.Fprintln(w, strings.Join(list, "\n"))
			})
		},
	}
	c.Flags().StringArrayVar(&rm, "remove", nil, "take an entry off (repeatable)")
	return c
}

func (r *runner) privateCmd() *cobra.Command {
	var undo bool
	c := &cobra.Command{
		Use:   "private PERSON",
		Short: "On a team's server, keep a person to yourself: teammates do not see them (unless they know them too)",
		Long: `On a team's server, keep a person to yourself: your teammates do not see them
(in their lists, searches, plans, address books), unless they know them too, and
never see that you do. --undo gives them back to the team.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			d, err := a.SetPrivate(cmd.Context(), args[0], !undo)
			if err != nil {
				return err
			}
			return r.emit(d, func(w io.Writer) {
				if d.Private {
					fmt.Fprintf(w, "%s is yours alone: your teammates do not see them.\n", d.Name)
				} else {
					fmt.Fprintf(w, "%s is the team's again.\n", d.Name)
				}
			})
		},
	}
	c.Flags().BoolVar(&undo, "undo", false, "give them back to the team")
	return c
}
