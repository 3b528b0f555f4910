package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
)

type peopleView struct {
	Q, Layer, Tag, Sort string
	People              []app.PersonSummary
	Total               int // everyone
	Matched             int // everyone the filter keeps
	From, To            int // the rows shown, counted from 1
	Prev, Next          string
	Layers              []string
}

// peopleResult is one page of people.
type peopleResult struct {
	filter          app.PeopleFilter
	list            []app.PersonSummary
	offset, matched int
	total           int
	layers          []string
}

// findPeople reads a filter, a limit (100 by default) and an offset from the
// query, and returns that page of the people it keeps and how many it keeps.
func (s *Server) findPeople(r *http.Request, count bool) (peopleResult, error) {
	q := r.URL.Query()
	f := app.PeopleFilter{Search: q.Get("q"), Layer: q.Get("layer"), Tag: q.Get("tag"), Sort: q.Get("sort"), Limit: 100}
	offset := 0
	for _, p := range []struct {
		name string
		dst  *int
	}{{"limit", &f.Limit}, {"offset", &offset}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return peopleResult{}, rapport.Errorf(rapport.EINVALID, "%s %q: expected a whole number, 0 or more", p.name, v)
			}
			*p.dst = n
		}
	}
	ix, err := s.viewsOf(r.Context()).people.get(r.Context())
	if err != nil {
		return peopleResult{}, err
	}
	list, matched, err := ix.Page(f, offset, count)
	if err != nil {
		return peopleResult{}, err
	}
	if matched >= 0 {
		offset = min(offset, matched)
	}
	return peopleResult{filter: f, list: list, offset: offset, matched: matched, total: ix.Len(), layers: ix.Layers()}, nil
}

func (s *Server) peoplePage(r *http.Request) (string, pageData, error) {
	p, err := s.findPeople(r, true)
	if err != nil {
		return "", pageData{}, err
	}
	f := p.filter
	v := peopleView{Q: f.Search, Layer: f.Layer, Tag: f.Tag, Sort: f.Sort, People: p.list, Total: p.total, Matched: p.matched,
		From: p.offset + 1, To: p.offset + len(p.list), Layers: p.layers}
	link := func(offset int) string {
		q := url.Values{}
		for k, v := range map[string]string{"q": f.Search, "layer": f.Layer, "tag": f.Tag, "sort": f.Sort} {
			if v != "" {
				q.Set(k, v)
			}
		}
		if offset > 0 {
			q.Set("offset", strconv.Itoa(offset))
		}
		return "/people?" + q.Encode()
	}
	if p.offset > 0 {
		v.Prev = link(max(0, p.offset-100))
	}
	if v.To < p.matched {
		v.Next = link(v.To)
	}
	return "people", pageData{Title: "People", Nav: "people", Data: v}, nil
}

func (s *Server) createPerson(r *http.Request) (string, error) {
	in := personInput{Name: r.PostForm.Get("name"), Org: r.PostForm.Get("org"), Title: r.PostForm.Get("title"), Met: r.PostForm.Get("met"),
		Emails: fields(r.PostForm.Get("emails")), Phones: fields(r.PostForm.Get("phones")), URLs: fields(r.PostForm.Get("urls")),
		Tags: fields(r.PostForm.Get("tags")), Wants: lines(r.PostForm.Get("wants")), Offers: lines(r.PostForm.Get("offers")), Notes: lines(r.PostForm.Get("notes")),
		Force: r.PostForm.Get("force") != ""}
	d, err := s.addPerson(r.Context(), in)
	if err != nil {
		return "", err
	}
	return s.flash.url("/people/"+d.ID, "Added "+d.Name+"."), nil
}

// fields splits a form value at commas and new lines.
func fields(v string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// lines splits a form value at new lines.
func lines(v string) []string {
	var out []string
	for _, f := range strings.Split(v, "\n") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

type personView struct {
	*app.PersonDetail
	TeamMode  bool // a member's page on a team's server
	Why       *app.Why
	Ledger    *app.Ledger
	Recent    []app.LedgerEntry // the ledger's latest entries, newest first
	Open      []rapport.Ask     // asks waiting for an answer
	Older     []app.LedgerEntry // the rest, newest first
	Followups []app.FollowupView
	Chart     template.HTML
	Kinds     []rapport.Kind
	Today     string
	Links     []personLink // URLs that can be followed
	Rung      *app.Rung    // the highest rung their strength stands on
	NextRung  *app.Rung    // the next one up
	More      string       // the link to the whole timeline, when cut
}

// initials are up to two letters of a name, for its avatar: "Ada Lovelace"
// is AL, "José García" JG, "Cher" C.
func initials(name string) string {
	var out []rune
	words := strings.Fields(name)
	for i, w := range words {
		if i > 0 && i < len(words)-1 {
			continue // first and last names only
		}
		for _, r := range w {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				out = append(out, unicode.ToUpper(r))
				break
			}
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}

// personLink is a profile or web address as a link: http(s) only, a bare
// host given https.
type personLink struct{ Href, Text string }

func linkOf(u string) (personLink, bool) {
	v := strings.TrimSpace(u)
	if !strings.Contains(v, "://") {
		v = "https://" + v
	}
	p, err := url.Parse(v)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return personLink{}, false
	}
	return personLink{Href: p.String(), Text: u}, true
}

func (s *Server) personPage(r *http.Request) (string, pageData, error) {
	ctx, id := s.withScores(r.Context()), r.PathValue("id")
	all := r.URL.Query().Get("timeline") == "all"
	shown := ctx
	if !all {
		shown = app.WithTimeline(ctx, 50)
	}
	d, err := s.app.Show(shown, id)
	if err != nil {
		return "", pageData{}, err
	}
	v := personView{PersonDetail: d, Today: s.app.Now().In(s.app.Zone()).Format("2006-01-02"), TeamMode: MemberOf(ctx) != nil}
	if d.Interactions > len(d.Timeline) {
		v.More = "/people/" + url.PathEscape(d.ID) + "?timeline=all#tl-h"
	}
	for _, u := range d.URLs {
		if l, ok := linkOf(u); ok {
			v.Links = append(v.Links, l)
		}
	}
	if v.Why, err = s.app.Why(ctx, d.ID, 5); err != nil {
		return "", pageData{}, err
	}
	if v.Ledger, err = s.app.Ledger(ctx, d.ID); err != nil {
		return "", pageData{}, err
	}
	if v.Open, err = s.app.OpenAsks(ctx, d.ID); err != nil {
		return "", pageData{}, err
	}
	if l, err := s.viewsOf(ctx).ladder.get(ctx); err == nil {
		for i := range l.Rungs {
			r := &l.Rungs[i]
			if d.Strength >= r.Threshold && (v.Rung == nil || r.Threshold > v.Rung.Threshold) {
				v.Rung = r
			}
			if d.Strength < r.Threshold && (v.NextRung == nil || r.Threshold < v.NextRung.Threshold) {
				v.NextRung = r
			}
		}
	} else {
		return "", pageData{}, err
	}
	for i := len(v.Ledger.Entries) - 1; i >= 0; i-- {
		if len(v.Recent) < 5 {
			v.Recent = append(v.Recent, v.Ledger.Entries[i])
		} else {
			v.Older = append(v.Older, v.Ledger.Entries[i])
		}
	}
	fus, err := s.app.Followups(ctx, false)
	if err != nil {
		return "", pageData{}, err
	}
	for _, f := range fus {
		if f.Person.ID == d.ID {
			v.Followups = append(v.Followups, f)
		}
	}
	pts, err := s.app.StrengthHistory(ctx, d.ID, 365)
	if err != nil {
		return "", pageData{}, err
	}
	v.Chart = strengthChart(pts, s.app.Now())
	if v.Kinds, err = s.app.Kinds(ctx); err != nil {
		return "", pageData{}, err
	}
	return "person", pageData{Title: d.Name, Nav: "people", Data: v}, nil
}

func (s *Server) editPerson(r *http.Request) (string, error) {
	f := r.PostForm
	e := app.PersonEdit{}
	for _, kv := range []struct {
		dst **string
		key string
	}{{&e.Name, "name"}, {&e.Org, "org"}, {&e.Title, "title"}, {&e.Met, "met"}} {
		if f.Has(kv.key) {
			v := f.Get(kv.key)
			*kv.dst = &v
		}
	}
	e.AddEmails, e.AddPhones, e.AddURLs, e.AddTags = fields(f.Get("add_emails")), fields(f.Get("add_phones")), fields(f.Get("add_urls")), fields(f.Get("add_tags"))
	e.RmTags, e.RmEmails = f["rm_tags"], f["rm_emails"]
	e.AddWants, e.AddOffers, e.AddNotes = lines(f.Get("add_wants")), lines(f.Get("add_offers")), lines(f.Get("add_notes"))
	e.RmWants, e.RmOffers, e.RmNotes = f["rm_wants"], f["rm_offers"], f["rm_notes"]
	e.ShareNotes = f.Get("share_notes") != ""
	if c := strings.TrimSpace(f.Get("cadence")); c != "" { // empty: unchanged; 0 clears it
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 {
			return "", rapport.Errorf(rapport.EINVALID, "cadence %q: expected a number of days", c)
		}
		e.Cadence = &n
	}
	d, err := s.app.EditPerson(r.Context(), r.PathValue("id"), e)
	if err != nil {
		return "", err
	}
	return s.flash.url("/people/"+d.ID, "Saved."), nil
}

func (s *Server) logTouch(r *http.Request) (string, error) {
	f := r.PostForm
	id := r.PathValue("id")
	t := s.typed()
	li := app.LogInput{Ref: id, With: fields(f.Get("with")), Kind: f.Get("kind"), At: t.Time("at", f.Get("at")),
		By: rapport.Value(t.By("by", f.Get("by"))), Channel: f.Get("channel"), Minutes: rapport.Value(t.Minutes("minutes", f.Get("minutes"))), Note: f.Get("note")}
	if err := t.Err(); err != nil {
		return "", err
	}
	in, err := s.app.Log(r.Context(), li)
	if err != nil {
		return "", err
	}
	back := "/people/" + in.People[0].ID
	if f.Get("back") == "today" {
		back = "/"
	}
	msg := "Logged " + in.Kind + "."
	if p := app.PromiseIn(in.Note); p != "" {
		msg += fmt.Sprintf(" %q sounds like a promise: add it as a follow-up below so it comes due.", p)
	}
	return s.flash.url(back, msg), nil
}

func (s *Server) addFollowup(r *http.Request) (string, error) {
	due, err := rapport.ReadTime(s.app.Local(), "due", r.PostForm.Get("due"))
	if err != nil {
		return "", err
	}
	fu, err := s.app.AddFollowup(r.Context(), r.PathValue("id"), r.PostForm.Get("text"), due)
	if err != nil {
		return "", err
	}
	return s.flash.url("/people/"+fu.Person.ID, "Follow-up added, due "+fu.Due.Format("2 Jan")+"."), nil
}

func (s *Server) followupDone(r *http.Request) (string, error) {
	if _, err := s.app.FollowupDone(r.Context(), r.PathValue("id")); err != nil {
		return "", err
	}
	back := localPath(r.PostForm.Get("back"), "/")
	return s.flash.url(back, "Follow-up done."), nil
}

func (s *Server) deletePerson(r *http.Request) (string, error) {
	res, err := s.app.DeletePerson(r.Context(), r.PathValue("id"), r.PostForm.Get("confirm") != "")
	if err != nil {
		return "", err
	}
	return s.flash.url("/people", fmt.Sprintf("Deleted %s and their part in %d interactions.", res.Person.Name, res.Interactions)), nil
}

// photo serves a person's picture as it was checked on import: a JPEG, PNG,
// GIF or WebP, never anything a browser would run.
func (s *Server) photo(w http.ResponseWriter, r *http.Request) {
	ph, err := s.app.Photo(r.Context(), r.PathValue("id"))
	if err != nil {
		http.Error(w, rapport.ErrorMessage(err), status(err))
		return
	}
	w.Header().Set("Content-Type", ph.Type)
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Header().Set("Content-Length", strconv.Itoa(len(ph.Data)))
	_, _ = w.Write(ph.Data)
}

func (s *Server) removePhoto(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if err := s.app.RemovePhoto(r.Context(), id); err != nil {
		return "", err
	}
	return s.flash.url("/people/"+id, "Photo removed."), nil
}

func (s *Server) deleteInteraction(r *http.Request) (string, error) {
	in, err := s.app.DeleteInteraction(r.Context(), r.PathValue("id"))
	if err != nil {
		return "", err
	}
	back := localPath(r.PostForm.Get("back"), "/")
	return s.flash.url(back, fmt.Sprintf("Removed the %s of %s.", in.Kind, in.At.In(s.app.Zone()).Format("2 Jan 2006"))), nil
}

func (s *Server) undo(r *http.Request) (string, error) {
	in, err := s.app.Undo(r.Context())
	if err != nil {
		return "", err
	}
	back := localPath(r.PostForm.Get("back"), "/")
	return s.flash.url(back, fmt.Sprintf("Took back the %s of %s.", in.Kind, in.At.In(s.app.Zone()).Format("2 Jan 2006"))), nil
}

func (s *Server) answerAsk(r *http.Request) (string, error) {
	ask, err := s.app.Answer(r.Context(), r.PathValue("id"), r.PostForm.Get("outcome"), nil)
	if err != nil {
		return "", err
	}
	back := localPath(r.PostForm.Get("back"), "/people/"+ask.Person.ID)
	return s.flash.url(back, fmt.Sprintf("Recorded: %s answered %s to %s.", ask.Person.Name, ask.Outcome, ask.Action)), nil
}

type dupesView struct{ Pairs []app.Dupe }

func (s *Server) dupesPage(r *http.Request) (string, pageData, error) {
	pairs, err := s.app.Dupes(r.Context())
	if err != nil {
		return "", pageData{}, err
	}
	return "dupes", pageData{Title: "Possible duplicates", Nav: "people", Data: dupesView{Pairs: pairs}}, nil
}

func (s *Server) mergeDupes(r *http.Request) (string, error) {
	d, err := s.app.Merge(r.Context(), r.PostForm.Get("keep"), r.PostForm.Get("drop"))
	if err != nil {
		return "", err
	}
	return s.flash.url("/dupes", "Merged into "+d.Name+"."), nil
}

// keepPrivate keeps a person to the member (private=1), or gives them back
// to the team.
func (s *Server) keepPrivate(r *http.Request) (string, error) {
	private := r.PostForm.Get("private") == "1"
	d, err := s.app.SetPrivate(r.Context(), r.PathValue("id"), private)
	if err != nil {
		return "", err
	}
	say := d.Name + " is the team's again."
	if private {
		say = d.Name + " is yours alone: your teammates do not see them."
	}
	return s.flash.url("/people/"+url.PathEscape(d.ID), say), nil
}
