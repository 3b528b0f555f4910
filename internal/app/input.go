package app

import "github.com/rapport-app/rapport"

// Input from people (the CLI, the web, the API) passes through here on its
// way in: text is repaired by rapport.Clean (with a warning) and held to the
// limits of rapport.MaxText, MaxNote and MaxList, which name the field.

// text cleans one one-line field and checks its length.
func (a *App) text(field string, v *string) error {
	if v == nil {
		return nil
	}
	*v = a.clean(field, *v, false)
	return rapport.CheckText(field, *v, rapport.MaxText)
}

// note cleans one multi-line field and checks its length.
func (a *App) note(field string, v *string) error {
	if v == nil {
		return nil
	}
	*v = a.clean(field, *v, true)
	return rapport.CheckText(field, *v, rapport.MaxNote)
}

// texts cleans a list of one-line values and checks its length and theirs.
func (a *App) texts(field string, vs []string) ([]string, error) {
	if vs == nil {
		return nil, nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = a.clean(field, v, false)
	}
	return out, rapport.CheckList(field, out, rapport.MaxText)
}

// cleanEdit cleans and bounds every value of a change to a person.
func (a *App) cleanEdit(e *PersonEdit) error {
	for _, f := range []struct {
		name string
		v    **string
	}{{"name", &e.Name}, {"org", &e.Org}, {"title", &e.Title}, {"met", &e.Met}} {
		if *f.v == nil {
			continue
		}
		v := **f.v
		if err := a.text(f.name, &v); err != nil {
			return err
		}
		*f.v = &v
	}
	var err error
	for _, f := range []struct {
		name string
		v    *[]string
	}{{"emails", &e.AddEmails}, {"phones", &e.AddPhones}, {"urls", &e.AddURLs}, {"tags", &e.AddTags},
		{"wants", &e.AddWants}, {"offers", &e.AddOffers},
		{"rm_emails", &e.RmEmails}, {"rm_phones", &e.RmPhones}, {"rm_urls", &e.RmURLs}, {"rm_tags", &e.RmTags},
		{"rm_wants", &e.RmWants}, {"rm_offers", &e.RmOffers}, {"rm_notes", &e.RmNotes}} {
		if *f.v, err = a.texts(f.name, *f.v); err != nil {
			return err
		}
	}
	if len(e.AddNotes) > rapport.MaxList {
		return rapport.CheckList("notes", e.AddNotes, rapport.MaxNote)
	}
	notes := make([]string, len(e.AddNotes))
	for i, n := range e.AddNotes {
		notes[i] = n
		if err := a.note("notes", &notes[i]); err != nil {
			return err
		}
	}
	if e.AddNotes != nil {
		e.AddNotes = notes
	}
	return nil
}

// checkPerson holds a person's lists, after an edit, to MaxList.
func checkPerson(p *rapport.Person) error {
	for _, l := range []struct {
		name string
		n    int
	}{{"emails", len(p.Emails)}, {"phones", len(p.Phones)}, {"urls", len(p.URLs)}, {"tags", len(p.Tags)},
		{"wants", len(p.Wants)}, {"offers", len(p.Offers)}, {"notes", len(p.Notes)}} {
		if l.n > rapport.MaxList {
			return rapport.Errorf(rapport.ETOOLARGE, "%s: %s would have %d, more than the %d allowed", l.name, p.Name, l.n, rapport.MaxList)
		}
	}
	return nil
}
