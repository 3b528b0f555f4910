package cli

import (
	"fmt"
	"io"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
	"github.com/spf13/cobra"
)

// takeBackCmds are undo, delete and interaction rm/edit.
func (r *runner) takeBackCmds() []*cobra.Command {
	said := func(w io.Writer, verb string, in *rapport.Interaction, a *app.App) {
		names := ""
		for i, p := range in.People {
			if i > 0 {
				names += ", "
			}
			names += p.Name
		}
		fmt.Fprintf(w, "%s %s with %s on %s (%s).\n", verb, in.Kind, names, in.At.In(a.Zone()).Format("2006-01-02 15:04"), shortID(in.ID))
	}
	undo := &cobra.Command{
		Use:   "undo",
		Short: "Take back the interaction logged last (a mistaken log or done)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			in, err := a.Undo(cmd.Context())
			if err != nil {
				return err
			}
			return r.emit(in, func(w io.Writer) { said(w, "Took back", in, a) })
		},
	}
	var yes bool
	del := &cobra.Command{
		Use:   "delete PERSON",
		Short: "Delete a person with their history (--yes when they have one)",
		Long: `Delete a person with their history: the interactions they had alone, their part in
shared ones (the others keep them), their wants, offers, notes, asks and follow-ups.
A person with interactions is deleted only with --yes. Make a backup first if unsure.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			res, err := a.DeletePerson(cmd.Context(), joinArgs(args), yes)
			if err != nil {
				return err
			}
			return r.emit(res, func(w io.Writer) {
				fmt.Fprintf(w, "Deleted %s and their part in %d interactions.\n", res.Person.Name, res.Interactions)
			})
		},
	}
	del.Flags().BoolVar(&yes, "yes", false, "delete them with their history")

	inter := &cobra.Command{Use: "interaction", Short: "Change or remove a logged interaction (ids: `rapport show PERSON`)"}
	rm := &cobra.Command{
		Use:   "rm ID",
		Short: "Remove an interaction; the ties it counted in are rebuilt",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			in, err := a.DeleteInteraction(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return r.emit(in, func(w io.Writer) { said(w, "Removed", in, a) })
		},
	}
	var e app.InteractionEdit
	edit := &cobra.Command{
		Use:     "edit ID",
		Short:   "Change an interaction's kind, time, side, minutes or note",
		Example: "  rapport interaction edit 9c8d7e6f --at yesterday --minutes 45",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			flag := func(name string) string {
				v, _ := cmd.Flags().GetString(name)
				return v
			}
			for name, dst := range map[string]**string{"kind": &e.Kind, "note": &e.Note} {
				if cmd.Flags().Changed(name) {
					v := flag(name)
					*dst = &v
				}
			}
			f := form(a)
			e.At, e.By, e.Minutes = f.Time("at", flag("at")), f.By("by", flag("by")), f.Minutes("minutes", flag("minutes"))
			if err := f.Err(); err != nil {
				return err
			}
			in, err := a.EditInteraction(cmd.Context(), args[0], e)
			if err != nil {
				return err
			}
			return r.emit(in, func(w io.Writer) { said(w, "Changed", in, a) })
		},
	}
	fs := edit.Flags()
	fs.String("kind", "", "what it was (rapport kinds)")
	fs.String("at", "", "when: a date, a time or yesterday, 3d ago...")
	fs.String("by", "", "who began it: me, them or both")
	fs.String("minutes", "", "how long: 45, 1h30m")
	fs.String("note", "", "the note")
	inter.AddCommand(rm, edit)
	return []*cobra.Command{undo, del, inter}
}
