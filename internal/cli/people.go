package cli

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// personFlags binds the flags add and edit share.
type personFlags struct {
	name, org, title, met string
	cadence               int
	keep                  string
	e                     app.PersonEdit
}

func (p *personFlags) bind(fs *pflag.FlagSet, edit bool) {
	fs.StringArrayVar(&p.e.AddEmails, "email", nil, "an email address (repeatable)")
	fs.StringArrayVar(&p.e.AddPhones, "phone", nil, "a phone number (repeatable)")
	fs.StringArrayVar(&p.e.AddURLs, "url", nil, "a profile or web address (repeatable)")
	fs.StringVar(&p.org, "org", "", "organisation")
	fs.StringVar(&p.title, "title", "", "title or role")
	fs.StringArrayVar(&p.e.AddTags, "tag", nil, "a tag (repeatable)")
	fs.StringVar(&p.met, "met", "", "how you met")
	fs.StringArrayVar(&p.e.AddWants, "wants", nil, `something they hope for; end with "@YYYY-MM-DD" to date it (repeatable)`)
	fs.StringArrayVar(&p.e.AddOffers, "offers", nil, "something they can give (repeatable)")
	fs.StringArrayVar(&p.e.AddNotes, "note", nil, "a free note (repeatable)")
	if edit {
		fs.StringVar(&p.name, "name", "", "new name")
		fs.StringArrayVar(&p.e.RmEmails, "rm-email", nil, "remove an email (repeatable)")
		fs.StringArrayVar(&p.e.RmPhones, "rm-phone", nil, "remove a phone (repeatable)")
		fs.StringArrayVar(&p.e.RmURLs, "rm-url", nil, "remove a URL (repeatable)")
		fs.StringArrayVar(&p.e.RmTags, "rm-tag", nil, "remove a tag (repeatable)")
		fs.StringArrayVar(&p.e.RmWants, "rm-wants", nil, "remove a want, by its text or id (repeatable)")
		fs.StringArrayVar(&p.e.RmOffers, "rm-offers", nil, "remove an offer, by its text or id (repeatable)")
		fs.StringArrayVar(&p.e.RmNotes, "rm-note", nil, "remove a note, by its text or id (repeatable)")
		fs.IntVar(&p.cadence, "cadence", 0, "stay in touch every N days, whatever their layer (0: the layer's)")
		fs.StringVar(&p.keep, "keep", "", "keep them in this layer whatever the tie decays to (inner, close, active, network...); a wider one lets them go; auto clears it")
	}
}

// edit returns the edit with the single-valued flags that were set.
func (p *personFlags) edit(cmd *cobra.Command) app.PersonEdit {
	e := p.e
	set := func(flag string, v string, dst **string) {
		if cmd.Flags().Changed(flag) {
			s := v
			*dst = &s
		}
	}
	set("org", p.org, &e.Org)
	set("title", p.title, &e.Title)
	set("met", p.met, &e.Met)
	set("name", p.name, &e.Name)
	if cmd.Flags().Changed("cadence") {
		c := p.cadence
		e.Cadence = &c
	}
	if cmd.Flags().Changed("keep") {
		k := p.keep
		e.Keep = &k
	}
	return e
}

func (r *runner) addCmd() *cobra.Command {
	var pf personFlags
	c := &cobra.Command{
		Use:   "add NAME",
		Short: "Add a person",
		Example: `  rapport add "Ada Lovelace" --email ada@example.com --org "Analytical Engines" \
      --tag mentor --wants "find a first hire" --offers "code review"`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			d, err := a.AddPerson(cmd.Context(), joinArgs(args), pf.edit(cmd))
			if err != nil {
				return err
			}
			return r.emit(d, func(w io.Writer) { printPerson(w, d, 0, a.Now().In(a.Zone())) })
		},
	}
	pf.bind(c.Flags(), false)
	c.Flags().BoolVar(&pf.e.Force, "force", false, "add them even if someone of that name is already here")
	return c
}

func (r *runner) editCmd() *cobra.Command {
	var pf personFlags
	c := &cobra.Command{
		Use:     "edit REF",
		Short:   "Change a person: the add flags, plus --name and --rm-* to remove values",
		Example: `  rapport edit ada --title CTO --rm-tag mentor --tag investor`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			d, err := a.EditPerson(cmd.Context(), args[0], pf.edit(cmd))
			if err != nil {
				return err
			}
			return r.emit(d, func(w io.Writer) { printPerson(w, d, 0, a.Now().In(a.Zone())) })
		},
	}
	pf.bind(c.Flags(), true)
	return c
}

func (r *runner) peopleCmd() *cobra.Command {
	var f app.PeopleFilter
	c := &cobra.Command{
		Use:   "people",
		Short: "List people, strongest ties first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			list, err := a.People(cmd.Context(), f)
			if err != nil {
				return err
			}
			return r.emit(list, func(w io.Writer) {
				if len(list) == 0 {
					fmt.Fprintln(w, emptyPeople(cmd.Context(), a, f))
					return
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "STRENGTH\tLAYER\tNAME\tORG\tLAST CONTACT\tTAGS\tID")
				for _, p := range list {
					fmt.Fprintf(tw, "%5.1f\t%s\t%s\t%s\t%s\t%s\t%s\n", p.Strength, p.Layer, p.Name, p.Org,
						ago(p.LastContact, r.app.Now().In(r.app.Zone())), strings.Join(p.Tags, ","), p.ID)
				}
				tw.Flush()
			})
		},
	}
	c.Flags().StringVar(&f.Search, "search", "", "a fragment of name, organisation, title, email or tag")
	c.Flags().StringVar(&f.Tag, "tag", "", "only people with this tag")
	c.Flags().StringVar(&f.Layer, "layer", "", "only this layer: inner, close, active, network, acquaintance, known")
	c.Flags().StringVar(&f.Sort, "sort", "strength", "strength, name or last (most recent contact first)")
	c.Flags().IntVar(&f.Limit, "limit", 0, "at most this many (0 for all)")
	return c
}

// emptyPeople says why a list of people is empty: nobody yet, or what the
// filter left out.
func emptyPeople(ctx context.Context, a *app.App, f app.PeopleFilter) string {
	all, err := a.People(ctx, app.PeopleFilter{Limit: 1})
	if err != nil || len(all) == 0 {
		return "No one yet. Add someone with `rapport add NAME`, import your contacts (`rapport import --help`), or try `rapport demo --db demo.db`."
	}
	var what []string
	if f.Search != "" {
		what = append(what, fmt.Sprintf("matching %q", f.Search))
	}
	if f.Tag != "" {
		what = append(what, "tagged "+f.Tag)
	}
	if f.Layer != "" {
		what = append(what, "in the "+f.Layer+" layer")
	}
	return "No one " + strings.Join(what, ", ") + ". `rapport people` lists everyone, with their layer."
}

func (r *runner) showCmd() *cobra.Command {
	var limit int
	c := &cobra.Command{
		Use:   "show REF",
		Short: "Show a person with their timeline of interactions",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			d, err := a.Show(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return r.emit(d, func(w io.Writer) { printPerson(w, d, limit, a.Now().In(a.Zone())) })
		},
	}
	c.Flags().IntVar(&limit, "timeline", 20, "interactions to show (0 for all; --json always gives all)")
	return c
}

func printPerson(w io.Writer, d *app.PersonDetail, limit int, now time.Time) {
	fmt.Fprintf(w, "%s  (%s)\n", d.Name, d.ID)
	if role := strings.Trim(d.Title+" · "+d.Org, " ·"); role != "" {
		fmt.Fprintf(w, "  %s\n", role)
	}
	fmt.Fprintf(w, "  strength %.1f · layer %s · last contact %s · %d interactions\n",
		d.Strength, d.Layer, ago(d.LastContact, now), d.Interactions)
	line := func(label string, vals []string) {
		if len(vals) > 0 {
			fmt.Fprintf(w, "  %-7s %s\n", label+":", strings.Join(vals, ", "))
		}
	}
	line("emails", d.Emails)
	line("phones", d.Phones)
	line("urls", d.URLs)
	line("tags", d.Tags)
	if d.Met != "" {
		line("met", []string{d.Met})
	}
	for _, l := range []struct {
		label string
		items []string
	}{{"wants", items(d.Wants, now.Location())}, {"offers", items(d.Offers, now.Location())}, {"notes", items(d.Notes, now.Location())}} {
		if len(l.items) > 0 {
			fmt.Fprintf(w, "  %s:\n", l.label)
			for _, it := range l.items {
				fmt.Fprintf(w, "    - %s\n", it)
			}
		}
	}
	if len(d.Timeline) == 0 {
		return
	}
	fmt.Fprintln(w, "  timeline:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, in := range d.Timeline {
		if limit > 0 && i == limit {
			fmt.Fprintf(tw, "    … %d older (show --timeline 0)\n", len(d.Timeline)-limit)
			break
		}
		var with []string
		for _, p := range in.People {
			if p.ID != d.ID {
				with = append(with, p.Name)
			}
		}
		extra := []string{}
		to := "you"
		if in.Teammate != "" {
			extra = append(extra, in.Teammate+"'s") // a teammate's interaction, not yours
			to = in.Teammate
		}
		if in.Favour {
			extra = append(extra, map[rapport.By]string{rapport.ByMe: "a give", rapport.ByThem: "a favour to " + to}[in.By])
		}
		if len(with) > 0 {
			extra = append(extra, "with "+strings.Join(with, ", "))
		}
		if in.Channel != "" {
			extra = append(extra, "on "+in.Channel)
		}
		if in.Minutes > 0 {
			extra = append(extra, fmt.Sprintf("%dm", in.Minutes))
		}
		if in.Note != "" {
			extra = append(extra, in.Note)
		}
		fmt.Fprintf(tw, "    %s\t%s\t%s\tby %s\t%s\n", shortID(in.ID), in.At.In(now.Location()).Format("2006-01-02 15:04"), in.Kind, in.By, strings.Join(extra, " · "))
	}
	tw.Flush()
}

func items(list []rapport.Item, loc *time.Location) []string {
	out := make([]string, len(list))
	for i, it := range list {
		out[i] = it.Text
		if it.Due != nil {
			out[i] += " (by " + it.Due.In(loc).Format("2006-01-02") + ")"
		}
	}
	return out
}

// ago shows a moment as a date and how long before now it was.
func ago(t *time.Time, now time.Time) string {
	if t == nil {
		return "never"
	}
	// Calendar days in now's zone, not 24-hour spans: 23:30 yesterday was
	// yesterday, though less than a day ago.
	loc := now.Location()
	days := int(math.Round(rapport.DayStart(now, loc).Sub(rapport.DayStart(*t, loc)).Hours() / 24))
	day := t.In(loc).Format("2006-01-02")
	switch {
	case days < 1:
		return day + " (today)"
	case days == 1:
		return day + " (yesterday)"
	case days < 60:
		return fmt.Sprintf("%s (%dd ago)", day, days)
	case days < 730:
		return fmt.Sprintf("%s (%dmo ago)", day, days/30)
	}
	return fmt.Sprintf("%s (%dy ago)", day, days/365)
}
