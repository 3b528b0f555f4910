package app

import (
	"cmp"
	"context"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// PersonEdit is a change to a person; nil and empty fields leave things as
// they are. Wants and offers may end in "@YYYY-MM-DD" to give them a date.
// Removals name a value, or an item's text or id.
type PersonEdit struct {
	Name, Org, Title, Met                  *string
	AddEmails, AddPhones, AddURLs, AddTags []string
	RmEmails, RmPhones, RmURLs, RmTags     []string
	AddWants, AddOffers, AddNotes          []string
	RmWants, RmOffers, RmNotes             []string
	// ShareNotes shares the notes added with the team (on a team's server a
	// note is private to its writer unless shared).
	ShareNotes bool
	by         string // the member editing ("" for one person): set by the app
	// Cadence is the person\'s own stay-in-touch cadence in days (0 clears it).
	Cadence *int
	// Keep is the layer you keep the person in ("auto" clears it): their
	// rhythm comes from it, and a wider one lets them go on purpose.
	Keep *string
	// Force, when adding, adds the person even when someone of that name
	// is already there (two people can share a name).
	Force bool
}

// AddPerson creates a person named name with the details in e.
func (a *App) AddPerson(ctx context.Context, name string, e PersonEdit) (*PersonDetail, error) {
	now := a.now()
	p := &rapport.Person{ID: newID(), CreatedAt: now}
	e.Name = &name
	if err := a.cleanEdit(&e); err != nil {
		return nil, err
	}
	e.by = a.lensMember(ctx)
	if err := applyEdit(p, e, now); err != nil {
		return nil, err
	}
	if e.Cadence != nil && (*e.Cadence < 0 || *e.Cadence > 3650) {
		return nil, rapport.FieldErrorf(rapport.EINVALID, "cadence", "%d: expected 0 (the layer's) to 3650 days", *e.Cadence)
	}
	err := a.update(ctx, func(tx *store.Tx) error {
		if !e.Force {
			same, err := tx.PeopleNamed(ctx, p.Name)
			if err != nil {
				return err
			}
			if len(same) > 0 {
				e := rapport.Errorf(rapport.ECONFLICT, "%s is already here (%s): change them with edit, or add another person of that name with force",
					same[0].Name, same[0].ID)
				for _, r := range same {
					e.Candidates = append(e.Candidates, r.ID+" "+r.Name)
				}
				return e
			}
		}
		if err := tx.SavePerson(ctx, p); err != nil {
			return err
		}
		if e.Cadence != nil && *e.Cadence > 0 {
			return tx.SetCadence(ctx, p.ID, *e.Cadence)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a.Show(ctx, p.ID)
}

// EditPerson applies e to the person ref names.
func (a *App) EditPerson(ctx context.Context, ref string, e PersonEdit) (*PersonDetail, error) {
	if err := a.cleanEdit(&e); err != nil {
		return nil, err
	}
	var id string
	err := a.update(ctx, func(tx *store.Tx) error {
		r, err := tx.Resolve(ctx, ref)
		if err != nil {
			return err
		}
		id = r.ID
		p, err := tx.Person(ctx, r.ID)
		if err != nil {
			return err
		}
		e.by = a.lensMember(ctx)
		if err := applyEdit(p, e, a.now()); err != nil {
			return err
		}
		if err := tx.SavePerson(ctx, p); err != nil {
			return err
		}
		if e.Keep != nil {
			layer := strings.ToLower(strings.TrimSpace(*e.Keep))
			if layer == "auto" {
				layer = ""
			} else if !slices.Contains(model.LayerNames(model.DefaultParams().Layers), layer) {
				return rapport.FieldErrorf(rapport.EINVALID, "keep", "%q: expected a layer (%s) or auto", *e.Keep, strings.Join(model.LayerNames(model.DefaultParams().Layers), ", "))
			}
			if err := tx.SetKeep(ctx, p.ID, layer); err != nil {
				return err
			}
		}
		if e.Cadence != nil {
			if *e.Cadence < 0 || *e.Cadence > 3650 {
				return rapport.FieldErrorf(rapport.EINVALID, "cadence", "%d: expected 0 (the layer's) to 3650 days", *e.Cadence)
			}
			return tx.SetCadence(ctx, p.ID, *e.Cadence)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a.Show(ctx, id)
}

func applyEdit(p *rapport.Person, e PersonEdit, now time.Time) error {
	if e.Name != nil {
		if err := rapport.ValidateName(*e.Name); err != nil {
			return err
		}
		p.Name = strings.TrimSpace(*e.Name)
	}
	for _, f := range []struct {
		dst *string
		src *string
	}{{&p.Org, e.Org}, {&p.Title, e.Title}, {&p.Met, e.Met}} {
		if f.src != nil {
			*f.dst = strings.TrimSpace(*f.src)
		}
	}
	var err error
	if p.Emails, err = editHandles(p.Emails, rapport.HandleEmail, e.AddEmails, e.RmEmails); err != nil {
		return err
	}
	if p.Phones, err = editHandles(p.Phones, rapport.HandlePhone, e.AddPhones, e.RmPhones); err != nil {
		return err
	}
	if p.URLs, err = editHandles(p.URLs, rapport.HandleURL, e.AddURLs, e.RmURLs); err != nil {
		return err
	}
	for _, t := range e.RmTags {
		n, err := rapport.NormalizeTag(t)
		if err != nil {
			return err
		}
		i := slices.Index(p.Tags, n)
		if i < 0 {
			return rapport.FieldErrorf(rapport.EINVALID, "rm_tag", "%q: %s has no such tag", t, p.Name)
		}
		p.Tags = slices.Delete(p.Tags, i, i+1)
	}
	for _, t := range e.AddTags {
		n, err := rapport.NormalizeTag(t)
		if err != nil {
			return err
		}
		if !slices.Contains(p.Tags, n) {
			p.Tags = append(p.Tags, n)
		}
	}
	sort.Strings(p.Tags)
	if p.Wants, err = editItems(p.Wants, "want", e.AddWants, e.RmWants, now, true); err != nil {
		return err
	}
	if p.Offers, err = editItems(p.Offers, "offer", e.AddOffers, e.RmOffers, now, true); err != nil {
		return err
	}
	if p.Notes, err = editNotes(p.Notes, e, now); err != nil {
		return err
	}
	p.UpdatedAt = now
	return checkPerson(p)
}

func editHandles(have []string, kind string, add, rm []string) ([]string, error) {
	for _, v := range rm {
		norm, err := rapport.NormalizeHandle(kind, v)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(have, func(h string) bool { n, _ := rapport.NormalizeHandle(kind, h); return n == norm })
		if i < 0 {
			return nil, rapport.FieldErrorf(rapport.EINVALID, "rm_"+kind, "%q: no such %s", v, kind)
		}
		have = slices.Delete(have, i, i+1)
	}
	for _, v := range add {
		norm, err := rapport.NormalizeHandle(kind, v)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(have, func(h string) bool { n, _ := rapport.NormalizeHandle(kind, h); return n == norm }) {
			continue
		}
		have = append(have, strings.TrimSpace(v))
	}
	if have == nil {
		have = []string{}
	}
	return have, nil
}

// editNotes is editItems for notes: on a team's server the notes added are
// the editor's (private unless shared), and only one's own, or the notes
// written before notes were private, can be removed.
func editNotes(have []rapport.Item, e PersonEdit, now time.Time) ([]rapport.Item, error) {
	var theirs []rapport.Item
	if e.by != "" {
		var mine []rapport.Item
		for _, it := range have {
			if it.MemberID == "" || it.MemberID == e.by {
				mine = append(mine, it)
			} else {
				theirs = append(theirs, it)
			}
		}
		have = mine
	}
	out, err := editItems(have, "note", e.AddNotes, e.RmNotes, now, false)
	if err != nil {
		return nil, err
	}
	if e.by != "" {
		added := map[string]bool{}
		for _, it := range out {
			added[it.ID] = true
		}
		for _, it := range have {
			delete(added, it.ID)
		}
		for i := range out {
			if added[out[i].ID] {
				out[i].MemberID, out[i].Shared = e.by, e.ShareNotes
			}
		}
	}
	return append(out, theirs...), nil
}

func editItems(have []rapport.Item, what string, add, rm []string, now time.Time, dated bool) ([]rapport.Item, error) {
	for _, v := range rm {
		key := strings.ToLower(strings.TrimSpace(v))
		i := slices.IndexFunc(have, func(it rapport.Item) bool {
			return strings.ToLower(it.Text) == key || len(key) >= 6 && strings.HasPrefix(it.ID, key)
		})
		if i < 0 {
			return nil, rapport.FieldErrorf(rapport.EINVALID, "rm_"+what, "%q: no %s with that text or id", v, what)
		}
		have = slices.Delete(have, i, i+1)
	}
	for _, v := range add {
		it := rapport.Item{ID: newID(), Text: strings.TrimSpace(v), At: now}
		if dated {
			if i := strings.LastIndex(it.Text, "@"); i >= 0 {
				if d, err := time.Parse("2006-01-02", strings.TrimSpace(it.Text[i+1:])); err == nil {
					it.Text, it.Due = strings.TrimSpace(it.Text[:i]), &d
				}
			}
		}
		if it.Text == "" {
			return nil, rapport.FieldErrorf(rapport.EINVALID, what, "is empty")
		}
		have = append(have, it)
	}
	if have == nil {
		have = []rapport.Item{}
	}
	return have, nil
}

// PeopleFilter selects and orders the people listing.
type PeopleFilter struct {
	Search string // a fragment of name, organisation, title, email or tag
	Tag    string
	Layer  string
	Sort   string // strength (default), name or last
	Limit  int
}

// check validates f against the layers there are and returns its tag,
// normalised: the same rules for People and PeopleIndex.Find.
func (f PeopleFilter) check(layers []string) (string, error) {
	if f.Limit < 0 {
		return "", rapport.FieldErrorf(rapport.EINVALID, "limit", "%d: must not be negative", f.Limit)
	}
	if f.Layer != "" && !slices.Contains(layers, f.Layer) {
		return "", rapport.FieldErrorf(rapport.EINVALID, "layer", "%q: expected one of %s", f.Layer, strings.Join(layers, ", "))
	}
	if !slices.Contains([]string{"", "strength", "name", "last"}, f.Sort) {
		return "", rapport.FieldErrorf(rapport.EINVALID, "sort", "%q: expected strength, name or last", f.Sort)
	}
	if f.Tag == "" {
		return "", nil
	}
	return rapport.NormalizeTag(f.Tag)
}

// PersonSummary is one line of `rapport people`.
type PersonSummary struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Org         string     `json:"org"`
	Title       string     `json:"title"`
	Tags        []string   `json:"tags"`
	Strength    float64    `json:"strength"`
	Layer       string     `json:"layer"`
	LastContact *time.Time `json:"last_contact"`
}

func summary(r store.PersonRow, s Score) PersonSummary {
	return PersonSummary{ID: r.ID, Name: r.Name, Org: r.Org, Title: r.Title, Tags: r.Tags,
		Strength: s.Strength, Layer: s.Layer, LastContact: lastContact(s.Tie)}
}

func lastContact(t model.Tie) *time.Time {
	if t.Touches == 0 {
		return nil
	}
	s := t.Seen
	return &s
}

// People lists people matching f. Without a search or a sort by name it ranks
// ids from the tie scan and reads the details of only the people it returns.
func (a *App) People(ctx context.Context, f PeopleFilter) ([]PersonSummary, error) {
	tx := a.view(ctx)
	p, err := a.params(ctx, tx)
	if err != nil {
		return nil, err
	}
	tag, err := f.check(model.LayerNames(p.Layers))
	if err != nil {
		return nil, err
	}
	sc, err := a.scores(ctx, tx, p)
	if err != nil {
		return nil, err
	}

	var ids []string
	switch {
	case tag == "" && f.Layer == "" && f.Search == "" && (f.Sort == "" || f.Sort == "strength") &&
		f.Limit > 0 && f.Limit <= len(sc.List):
		// The common case, `people --limit N`: the scores are already ranked.
		for _, s := range sc.List[:f.Limit] {
			ids = append(ids, s.ID)
		}
	case tag != "":
		ids, err = tx.PersonIDsTagged(ctx, tag)
	case f.Layer != "" && f.Layer != model.Known:
		for _, s := range sc.List {
			if s.Layer == f.Layer {
				ids = append(ids, s.ID)
			}
		}
	default:
		ids, err = tx.PersonIDs(ctx)
	}
	if err != nil {
		return nil, err
	}
	if f.Layer != "" {
		ids = slices.DeleteFunc(ids, func(id string) bool { return sc.Of(id).Layer != f.Layer })
	}

	terms := searchTerms(f.Search)
	var rows []store.PersonRow
	if len(terms) == 0 && f.Sort != "name" {
		sortIDs(ids, sc, f.Sort)
		if f.Limit > 0 && len(ids) > f.Limit {
			ids = ids[:f.Limit]
		}
		if rows, err = tx.PeopleByID(ctx, ids); err != nil {
			return nil, err
		}
	} else {
		keep := make(map[string]bool, len(ids))
		for _, id := range ids {
			keep[id] = true
		}
		all, err := tx.People(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range all {
			if keep[r.ID] && (len(terms) == 0 || searchMatch(searchHay(r), terms)) {
				rows = append(rows, r)
			}
		}
		if f.Sort == "name" {
			sort.SliceStable(rows, func(i, j int) bool {
				ni, nj := strings.ToLower(rows[i].Name), strings.ToLower(rows[j].Name)
				if ni != nj {
					return ni < nj
				}
				return rows[i].ID < rows[j].ID
			})
		} else {
			order := make([]string, len(rows))
			for i, r := range rows {
				order[i] = r.ID
			}
			sortIDs(order, sc, f.Sort)
			pos := make(map[string]int, len(order))
			for i, id := range order {
				pos[id] = i
			}
			sort.Slice(rows, func(i, j int) bool { return pos[rows[i].ID] < pos[rows[j].ID] })
		}
		if f.Limit > 0 && len(rows) > f.Limit {
			rows = rows[:f.Limit]
		}
	}
	if a.space != nil { // a teammate's private people, unless you know them too
		me := a.lensMember(ctx)
		rows = slices.DeleteFunc(rows, func(r store.PersonRow) bool {
			return r.PrivateTo != "" && r.PrivateTo != me && sc.Of(r.ID).Tie.Touches == 0
		})
	}
	out := make([]PersonSummary, len(rows))
	for i, r := range rows {
		out[i] = summary(r, sc.Of(r.ID))
	}
	return out, nil
}

// sortIDs orders ids by strength (strongest first) or by last contact (most
// recent first, never last), equal keys by id.
func sortIDs(ids []string, sc *Scores, by string) {
	type key struct {
		id       string
		strength float64
		seen     int64
	}
	keys := make([]key, len(ids))
	for i, id := range ids {
		s := sc.Of(id)
		keys[i] = key{id: id, strength: s.Strength}
		if s.Tie.Touches > 0 {
			keys[i].seen = s.Tie.Seen.UnixMilli()
		} else {
			keys[i].seen = math.MinInt64
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if by == "last" {
			if a.seen != b.seen {
				return a.seen > b.seen
			}
		} else if a.strength != b.strength {
			return a.strength > b.strength
		}
		return a.id < b.id
	})
	for i, k := range keys {
		ids[i] = k.id
	}
}

// searchTerms are the words of a search, folded as names are compared
// (case, accents and spacing aside): "muller" finds Müller.
func searchTerms(q string) []string { return strings.Fields(rapport.NameKey(q)) }

// searchHay is what a search looks in: name, organisation, title, tags and
// emails, folded like the terms, one field apart from the next.
func searchHay(r store.PersonRow) string {
	var b strings.Builder
	b.Grow(len(r.Name) + len(r.Org) + len(r.Title) + 16*(len(r.Tags)+len(r.Emails)))
	add := func(f string) {
		if b.Len() > 0 {
			b.WriteByte(0)
		}
		foldInto(&b, f)
	}
	for _, f := range []string{r.Name, r.Org, r.Title} {
		add(f)
	}
	for _, l := range [][]string{r.Tags, r.Emails} {
		for _, f := range l {
			add(f)
		}
	}
	return b.String()
}

// foldInto writes rapport.NameKey(s) to b, without allocating for the
// plain ASCII most fields are.
func foldInto(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			b.WriteString(rapport.NameKey(s))
			return
		}
	}
	space := false
	start := b.Len()
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
			space = true
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if space && b.Len() > start {
			b.WriteByte(' ')
		}
		space = false
		b.WriteByte(c)
	}
}

// searchMatch reports whether every term is in the hay, in any order:
// "hamilton jamal" finds Jamal Hamilton.
func searchMatch(hay string, terms []string) bool {
	for _, t := range terms {
		if strings.ContainsRune(t, 0) || !strings.Contains(hay, t) { // NUL parts the fields
			return false
		}
	}
	return true
}

// PersonDetail is everything `rapport show` tells about a person.
type PersonDetail struct {
	*rapport.Person
	Strength     float64               `json:"strength"`
	Layer        string                `json:"layer"`
	LastContact  *time.Time            `json:"last_contact"`
	CadenceDays  int                   `json:"cadence_days"` // their own, else their layer's (0: none)
	Interactions int                   `json:"interactions"`
	Timeline     []rapport.Interaction `json:"timeline"`
	Photo        bool                  `json:"photo"` // a picture is kept (GET /api/v1/people/{id}/photo)
	// Team ranks the members of a team who know them, by their own tie
	// (on a team's server; absent elsewhere).
	Team []TeamTie `json:"team,omitempty"`
	// Private: you keep them to yourself (a team's server: your teammates
	// do not see them, unless they know them too).
	Private bool `json:"private,omitempty"`
}

type timelineKey struct{}

// WithTimeline is ctx whose Show returns the newest n of a person's
// interactions (Interactions still counts them all): a page that shows 50
// reads the people of 50.
func WithTimeline(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, timelineKey{}, n)
}

// Show returns the whole person ref names, with their timeline, newest first.
func (a *App) Show(ctx context.Context, ref string) (*PersonDetail, error) {
	tx := a.view(ctx)
	r, err := tx.Resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	p, err := tx.Person(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	params, err := a.params(ctx, tx)
	if err != nil {
		return nil, err
	}
	s, err := a.scoreOf(ctx, tx, params, p.ID)
	if err != nil {
		return nil, err
	}
	d := &PersonDetail{Person: p, Strength: s.Strength, Layer: s.Layer, LastContact: lastContact(s.Tie), Timeline: []rapport.Interaction{},
		CadenceDays: int(params.CadenceOf(s.Layer) / model.Day)}
	own, err := tx.Cadences(ctx)
	if err != nil {
		return nil, err
	}
	if c, ok := own[p.ID]; ok {
		d.CadenceDays = c
	}
	if d.Photo, err = tx.HasPhoto(ctx, p.ID); err != nil {
		return nil, err
	}
	hist, err := a.historyOf(ctx, tx, p.ID)
	if err != nil {
		return nil, err
	}
	now := a.now()
	for i := len(hist) - 1; i >= 0; i-- {
		if !hist[i].At.After(now) {
			d.Timeline = append(d.Timeline, hist[i].Interaction)
		}
	}
	d.Interactions = len(d.Timeline)
	if n, ok := ctx.Value(timelineKey{}).(int); ok && n < len(d.Timeline) {
		d.Timeline = d.Timeline[:n]
	}
	if err := tx.Participants(ctx, d.Timeline); err != nil {
		return nil, err
	}
	var team map[string]Member
	hidden, err := a.contentHidden(ctx, tx)
	if err != nil {
		return nil, err
	}
	for i := range d.Timeline {
		if a.teammates(ctx, d.Timeline[i].MemberID) {
			if team == nil {
				if team, _, err = a.roster(ctx); err != nil {
					return nil, err
				}
			}
			if hidden(d.Timeline[i].MemberID) {
				d.Timeline[i].Note = "" // who, when and how: not what, unless they share it
			}
			d.Timeline[i].Teammate = cmp.Or(team[d.Timeline[i].MemberID].Name, "a former teammate")
		}
	}
	if p.Notes, err = a.notesFor(ctx, p.Notes); err != nil {
		return nil, err
	}
	var keeper string
	if a.space != nil {
		if keeper, err = tx.KeeperOf(ctx, p.ID); err != nil {
			return nil, err
		}
		d.Private = keeper != "" && keeper == a.memberID(ctx)
	}
	if d.Team, err = a.teamTies(ctx, tx, hist, keeper); err != nil {
		return nil, err
	}
	return d, nil
}

// CountPeople counts everyone (one index count, no scores).
func (a *App) CountPeople(ctx context.Context) (int, error) {
	return a.view(ctx).CountPeople(ctx)
}
