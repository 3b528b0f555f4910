package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"
	govcard "github.com/emersion/go-vcard"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/store"
)

// ExportFilter selects whom a vCard or CSV export holds.
type ExportFilter struct {
	Tag   string
	Layer string
}

// exportPeople returns the people an export holds, strongest first, with
// their figures (ranked once for everyone, not once a person as Show would)
// and their interaction count, without timelines.
func (a *App) exportPeople(ctx context.Context, f ExportFilter) ([]*PersonDetail, error) {
	list, err := a.People(ctx, PeopleFilter{Tag: f.Tag, Layer: f.Layer})
	if err != nil {
		return nil, err
	}
	tx := a.view(ctx)
	out := make([]*PersonDetail, 0, len(list))
	for _, s := range list {
		p, err := tx.Person(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		if p.Notes, err = a.notesFor(ctx, p.Notes); err != nil {
			return nil, err
		}
		n, err := tx.CountInteractions(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, &PersonDetail{Person: p, Strength: s.Strength, Layer: s.Layer, LastContact: s.LastContact,
			Interactions: n, Timeline: []rapport.Interaction{}})
	}
	return out, nil
}

// ExportVCard writes people as vCard 4.0, readable by address books.
func (a *App) ExportVCard(ctx context.Context, w io.Writer, f ExportFilter) error {
	people, err := a.exportPeople(ctx, f)
	if err != nil {
		return err
	}
	photos, err := a.view(ctx).Photos(ctx)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := govcard.NewEncoder(&buf)
	for _, p := range people {
		var notes []string
		for _, n := range p.Notes {
			notes = append(notes, n.Text)
		}
		if p.Met != "" {
			notes = append(notes, "Met: "+p.Met)
		}
		var photo *store.Photo
		if ph, ok := photos[p.ID]; ok {
			photo = &ph
		}
		c := newCard(store.CardRow{ID: p.ID, Name: p.Name, Org: p.Org, Title: p.Title, Emails: p.Emails, Phones: p.Phones, URLs: p.URLs, Tags: p.Tags},
			photo, VCard4)
		if len(notes) > 0 {
			c.SetValue(govcard.FieldNote, strings.Join(notes, "\n"))
		}
		c.SetRevision(p.UpdatedAt)
		buf.Reset()
		if err := enc.Encode(c); err != nil {
			return fmt.Errorf("write vCard of %s: %w", p.Name, err)
		}
		if _, err := w.Write(escapeOrg(buf.Bytes())); err != nil {
			return fmt.Errorf("write vCard of %s: %w", p.Name, err)
		}
	}
	return nil
}

// escapeOrg escapes the semicolons of the ORG line, which go-vcard leaves
// bare: ORG is a list of components (organisation;unit), so "Acme; Sons"
// must be written "Acme\; Sons" or readers see the unit " Sons".
func escapeOrg(card []byte) []byte {
	start := bytes.Index(card, []byte("\nORG:"))
	if start < 0 {
		return card
	}
	start += len("\nORG:")
	end := start + bytes.IndexByte(card[start:], '\r')
	if end < start {
		end = start + bytes.IndexByte(card[start:], '\n')
	}
	value := bytes.ReplaceAll(card[start:end], []byte(";"), []byte(`\;`))
	return append(append(append([]byte(nil), card[:start]...), value...), card[end:]...)
}

// ExportCSV writes people as a spreadsheet; several values in a cell are
// separated by " ; ".
func (a *App) ExportCSV(ctx context.Context, w io.Writer, f ExportFilter) error {
	people, err := a.exportPeople(ctx, f)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "name", "emails", "phones", "urls", "org", "title", "tags", "met", "strength", "layer", "last_contact", "interactions"})
	for _, p := range people {
		last := ""
		if p.LastContact != nil {
			last = p.LastContact.Format(time.RFC3339)
		}
		row := []string{p.ID, p.Name, strings.Join(p.Emails, " ; "), strings.Join(p.Phones, " ; "), strings.Join(p.URLs, " ; "),
			p.Org, p.Title, strings.Join(p.Tags, " ; "), p.Met, strconv.FormatFloat(p.Strength, 'f', 1, 64), p.Layer, last, strconv.Itoa(p.Interactions)}
		for i := range row {
			row[i] = inertCell(row[i])
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// inertCell keeps a spreadsheet from running a cell as a formula: a value
// that begins with =, +, -, @, a tab or a carriage return (imported data can
// hold "=HYPERLINK(…)" or "+cmd|…") gets a leading apostrophe, as OWASP
// advises. Phone numbers in international form ("+44 …") get one too, and
// spreadsheets show them as text instead of computing them.
func inertCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// ExportICS writes an iCalendar feed of what is due: open follow-ups on
// their dates, people past their stay-in-touch cadence and today's plan,
// today. Calendar applications can subscribe to the file.
func (a *App) ExportICS(ctx context.Context, w io.Writer) error {
	now := a.now()
	today := rapport.DayStart(now, a.Zone()) // an all-day event is a date in the user's zone
	cal := goical.NewCalendar()
	cal.Props.SetText(goical.PropVersion, "2.0")
	cal.Props.SetText(goical.PropProductID, "-//Rapport//Rapport//EN")
	cal.Props.SetText("X-WR-CALNAME", "Rapport")
	add := func(uid string, day time.Time, summary, desc string) {
		e := goical.NewEvent()
		e.Props.SetText(goical.PropUID, uid+"@rapport")
		e.Props.SetDateTime(goical.PropDateTimeStamp, now)
		start := goical.NewProp(goical.PropDateTimeStart)
		start.SetDate(day)
		e.Props.Set(start)
		end := goical.NewProp(goical.PropDateTimeEnd)
		end.SetDate(day.AddDate(0, 0, 1))
		e.Props.Set(end)
		e.Props.SetText(goical.PropSummary, summary)
		if desc != "" {
			e.Props.SetText(goical.PropDescription, desc)
		}
		cal.Children = append(cal.Children, e.Component)
	}
	fus, err := a.Followups(ctx, false)
	if err != nil {
		return err
	}
	for _, f := range fus {
		day := rapport.DayStart(f.Due, a.Zone())
		if day.Before(today) {
			day = today // overdue: show it today
		}
		add("followup-"+f.ID, day, "Follow up with "+f.Person.Name+": "+f.Text, fmt.Sprintf("Due %s.", f.Due.In(a.Zone()).Format("2006-01-02")))
	}
	over, err := a.Overdue(ctx)
	if err != nil {
		return err
	}
	for _, o := range over {
		add("overdue-"+o.Person.ID+"-"+today.Format("20060102"), today, "Get in touch with "+o.Person.Name,
			fmt.Sprintf("%s layer, every %d days.", o.Layer, o.CadenceDays))
	}
	plan, err := a.Plan(ctx, false, 0)
	if err != nil {
		return err
	}
	for _, it := range plan.Items {
		if it.Kind == "followup" {
			continue // already on the calendar
		}
		add("plan-"+today.Format("20060102")+"-"+it.Person.ID, today, fmt.Sprintf("%s: %s (%d min)", it.Person.Name, it.Action, it.Minutes), it.Reason)
	}
	if len(cal.Children) == 0 {
		// An empty VCALENDAR is not valid iCalendar: say there is nothing due.
		add("nothing-"+today.Format("20060102"), today, "Rapport: nothing due", "")
	}
	return goical.NewEncoder(w).Encode(cal)
}
