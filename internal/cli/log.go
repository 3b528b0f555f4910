package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// logFlags are log's flags that are typed: read once the app (its clock,
// its zone) is open.
type logFlags struct{ at, by, minutes string }

func (l logFlags) read(a *app.App, in *app.LogInput) error {
	f := form(a)
	in.At = f.Time("at", l.at)
	if b := f.By("by", l.by); b != nil {
		in.By = *b
	}
	in.Minutes = rapport.Value(f.Minutes("minutes", l.minutes))
	return f.Err()
}

func bindLog(fs *pflag.FlagSet, in *app.LogInput, l *logFlags, by bool) {
	fs.StringArrayVar(&in.With, "with", nil, "someone else who took part (repeatable)")
	fs.StringVar(&l.at, "at", "", `when: YYYY-MM-DD, RFC 3339, "yesterday", "3d ago" (default now)`)
	if by {
		fs.StringVar(&l.by, "by", "both", "who initiated or gave it: me, them or both")
	}
	fs.StringVar(&in.Channel, "channel", "", "where: linkedin, phone, zoom, …")
	fs.StringVar(&l.minutes, "minutes", "", "time it took: 45, 45m, 1h30m")
	fs.StringVar(&in.Note, "note", "", "what happened")
	fs.StringVar(&in.Via, "via", "", "who introduced them (a warm introduction lends part of your trust in the introducer)")
}

func (r *runner) logCmd() *cobra.Command {
	var in app.LogInput
	var l logFlags
	c := &cobra.Command{
		Use:   "log REF KIND",
		Short: "Log an interaction (see `rapport kinds`)",
		Example: `  rapport log ada call --minutes 30 --note "talked about her hiring plan"
  rapport log ada meeting --with grace --with alan --at 2026-11-20 --by me`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			in.Ref, in.Kind = args[0], args[1]
			return r.log1(cmd, in, l)
		},
	}
	bindLog(c.Flags(), &in, &l, true)
	return c
}

func (r *runner) giveCmd(name string) *cobra.Command {
	var in app.LogInput
	var l logFlags
	short, by := "Log a ladder action you did for someone", rapport.ByMe
	if name == "got" {
		short, by = "Log a ladder action someone did for you", rapport.ByThem
	}
	c := &cobra.Command{
		Use:     name + " REF ACTION",
		Short:   short,
		Example: fmt.Sprintf("  rapport %s ada introduce --note \"to the Acme CTO\"", name),
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			in.Ref, in.Kind, l.by, in.Favour = args[0], args[1], string(by), true
			return r.log1(cmd, in, l)
		},
	}
	bindLog(c.Flags(), &in, &l, false)
	if name == "give" {
		c.Flags().StringVar(&in.Toward, "toward", "", "the want of theirs it served (its text, or the start of it): marked served, it leaves the plans")
		c.Example += "\n  rapport give dana introduce --toward \"hire a designer\""
	}
	return c
}

func (r *runner) log1(cmd *cobra.Command, in app.LogInput, l logFlags) error {
	a, err := r.open(cmd.Context())
	if err != nil {
		return err
	}
	if err := l.read(a, &in); err != nil {
		return err
	}
	it, err := a.Log(cmd.Context(), in)
	if err != nil {
		return err
	}
	return r.emit(it, func(w io.Writer) {
		names := make([]string, len(it.People))
		for i, p := range it.People {
			names[i] = p.Name
		}
		fmt.Fprintf(w, "Logged %s with %s on %s (by %s) as %s; `rapport undo` takes it back.\n", it.Kind, strings.Join(names, ", "),
			it.At.In(a.Zone()).Format("2006-01-02 15:04"), it.By, shortID(it.ID))
		if p := app.PromiseIn(it.Note); p != "" {
			fmt.Fprintf(w, "That sounds like a promise (%q). Keep it with:\n  rapport followup %s %q --due %s\n",
				p, shortID(it.People[0].ID), p, a.Now().In(a.Zone()).AddDate(0, 0, 7).Format("2006-01-02"))
		}
	})
}

func (r *runner) whyCmd() *cobra.Command {
	var top int
	c := &cobra.Command{
		Use:   "why REF",
		Short: "Explain a tie's strength: its components and the interactions that gave most",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			why, err := a.Why(cmd.Context(), args[0], top)
			if err != nil {
				return err
			}
			return r.emit(why, func(w io.Writer) {
				fmt.Fprintf(w, "%s: strength %.1f (layer %s)\n", why.Name, why.Strength, why.Layer)
				if why.OneWay {
					fmt.Fprintf(w, "  nothing has come back yet (no reply, call, meeting or favour from them): held at %.0f until something does\n", why.Strength)
				}
				docs := map[string]string{
					"depth":         "deep interactions, fading with the half-life",
					"light_touches": "likes, follows, views: capped",
					"reciprocity":   "both sides give and initiate",
					"history":       "years known, across several modes",
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				for _, c := range why.Components {
					fmt.Fprintf(tw, "  %s\t%5.1f\t%s\n", c.Name, c.Points, docs[c.Name])
				}
				fmt.Fprintf(tw, "  \t-----\t\n  total\t%5.1f\t\n", why.Strength)
				tw.Flush()
				if len(why.Top) > 0 {
					fmt.Fprintln(w, "Interactions that gave most:")
					tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
					for _, t := range why.Top {
						fmt.Fprintf(tw, "  %5.1f\t%s\t%s\tby %s\t%s\n", t.Points, t.At.In(a.Zone()).Format("2006-01-02"), t.Kind, t.By, t.Note)
					}
					tw.Flush()
				}
			})
		},
	}
	c.Flags().IntVar(&top, "top", 5, "how many interactions to list")
	return c
}
