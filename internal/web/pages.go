package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
	"github.com/rapport-app/rapport/internal/importer/formats"
)

// pageData is what every page template gets.
type pageData struct {
	Title string
	Nav   string // the active section
	Flash string
	Error string
	Data  any
}

func parsePages(zone func() *time.Location) (map[string]*template.Template, error) {
	funcs := funcsIn(zone)
	names, err := templateFS.ReadDir("templates")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(n.Name(), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+n.Name())
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", n.Name(), err)
		}
		out[name] = t
	}
	return out, nil
}

// funcsIn are the templates' functions; dates are shown in the user's zone.
func funcsIn(zone func() *time.Location) template.FuncMap {
	return template.FuncMap{
		"date": func(t any) string {
			switch v := t.(type) {
			case time.Time:
				return v.In(zone()).Format("2 Jan 2006")
			case *time.Time:
				if v == nil {
					return "never"
				}
				return v.In(zone()).Format("2 Jan 2006")
			}
			return ""
		},
		"isodate":  func(t time.Time) string { return t.In(zone()).Format("2006-01-02") },
		"pct":      func(v float64) string { return strconv.FormatFloat(min(100, max(0, v)), 'f', 0, 64) },
		"join":     strings.Join,
		"add":      func(a, b int) int { return a + b },
		"initials": initials,
		// component says what one part of a strength is, for a newcomer.
		"component": func(name string) string {
			return map[string]string{
				"depth":         "what you have done together lately: calls, meals, messages, favours, weighed by time spent",
				"light_touches": "likes, comments and views: they count, but little, and never make a close tie",
				"reciprocity":   "a bonus when both sides reach out and give, not only you",
				"history":       "how long you have known each other and in how many ways (in person, calls, writing)",
			}[name]
		},
		"days":   app.Days,
		"sub":    func(a, b int) int { return a - b },
		"one":    func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) },
		"signed": func(v int) string { return fmt.Sprintf("%+d", v) },
		"bar":    strengthBar,
		"deref": func(p *float64) float64 {
			if p == nil {
				return 0
			}
			return *p
		},
		"layerClass": func(l string) string {
			switch l {
			case "inner", "close", "active":
				return "layer-" + l
			}
			return "layer-known"
		},
	}
}

// render writes a page, buffered so a template error becomes a clean 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, name string, d pageData) {
	if d.Flash == "" {
		d.Flash = s.flash.read(r)
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout.html", d); err != nil {
		s.log.Error("render page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// page adapts a handler that returns a template name and its data.
func (s *Server) page(fn func(r *http.Request) (string, pageData, error)) http.HandlerFunc {
	return s.pageUpTo(maxBody, fn)
}

// pageUpTo is page with a body limit of its own (uploads).
func (s *Server) pageUpTo(limit int64, fn func(r *http.Request) (string, pageData, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		name, d, err := fn(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, name, d)
	}
}

// form adapts a handler of a posted form that redirects when it succeeds
// (post, redirect, get: reloading never posts twice).
func (s *Server) form(fn func(r *http.Request) (string, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		if err := r.ParseForm(); err != nil {
			s.fail(w, r, rapport.Errorf(rapport.EINVALID, "could not read the form: %v", err))
			return
		}
		to, err := fn(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.changed(r.Context())
		http.Redirect(w, r, to, http.StatusSeeOther)
	}
}

// size says a byte count as a person would.
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// fieldLabels name the forms' fields as the pages label them; others are
// named by their key, in words.
var fieldLabels = map[string]string{"at": "When", "due": "Due", "text": "The text", "note": "The note", "notes": "A note",
	"minutes": "Minutes", "cadence": "The rhythm in days", "keep": "The layer to keep them in", "since": "From", "until": "Until",
	"offers": "An offer", "rm_offers": "The offer to remove", "days": "Days", "threshold": "The threshold", "replace": "Start over"}

// fieldLabel names a field for a web page.
func fieldLabel(field string) string {
	if l, ok := fieldLabels[field]; ok {
		return l
	}
	l := strings.ReplaceAll(field, "_", " ")
	return strings.ToUpper(l[:1]) + l[1:]
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := status(err)
	msg := rapport.FieldMessage(err, fieldLabel)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		msg = fmt.Sprintf("The request was larger than the %s allowed.", size(mbe.Limit))
	}
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "2")
	}
	if code >= 500 {
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
		msg = "Something went wrong on our side; nothing was changed."
	}
	s.render(w, r, code, "error", pageData{Title: "Could not do that", Error: msg})
}

// Today.

type todayView struct {
	FirstRun   bool // nobody here yet: the way in
	Plan       *app.PlanView
	Followups  []app.FollowupView
	Overdue    []app.Overdue
	Assignment *app.AssignmentView
}

func (s *Server) buildToday(ctx context.Context) (*todayView, error) {
	v := &todayView{}
	var err error
	if v.Plan, err = s.app.Plan(ctx, false, 0); err != nil {
		return nil, err
	}
	n, err := s.app.CountPeople(ctx)
	if err != nil {
		return nil, err
	}
	v.FirstRun = n == 0
	if v.Followups, err = s.app.Followups(ctx, false); err != nil {
		return nil, err
	}
	if v.Overdue, err = s.app.Overdue(ctx); err != nil {
		return nil, err
	}
	if len(v.Overdue) > 10 {
		v.Overdue = v.Overdue[:10]
	}
	if v.Assignment, err = s.app.Assignment(ctx); err != nil {
		if rapport.ErrorCode(err) != rapport.ENOTFOUND {
			return nil, err
		}
		v.Assignment = nil
	}
	return v, nil
}

func (s *Server) todayPage(r *http.Request) (string, pageData, error) {
	v, err := s.today.get(r.Context())
	if err != nil {
		return "", pageData{}, err
	}
	return "today", pageData{Title: "Today", Nav: "today", Data: v}, nil
}

// planDone logs a plan item as done (an interaction of its kind, begun by
// you, noted with the action) and closes the follow-up it kept.
func (s *Server) planDone(r *http.Request) (string, error) {
	f := r.PostForm
	in, already, err := s.app.DonePlanItem(r.Context(), app.PlanDone{Ref: f.Get("person"), Kind: f.Get("kind"), Action: f.Get("action"), Followup: f.Get("followup"), Give: f.Get("give") != "", Minutes: f.Get("minutes"), Note: f.Get("note")})
	if err != nil {
		return "", err
	}
	if already {
		return s.flash.url("/", fmt.Sprintf("Already done today: %s with %s.", in.Kind, in.People[0].Name)), nil
	}
	return s.flash.url("/", fmt.Sprintf("Done: %s with %s.", in.Kind, in.People[0].Name)), nil
}

// People.

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
	ix, err := s.people.get(r.Context())
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
	ctx, id := app.WithScores(r.Context()), r.PathValue("id")
	d, err := s.app.Show(ctx, id)
	if err != nil {
		return "", pageData{}, err
	}
	v := personView{PersonDetail: d, Today: s.app.Now().In(s.app.Zone()).Format("2006-01-02")}
	if len(d.Timeline) > 50 && r.URL.Query().Get("timeline") != "all" {
		d.Timeline = d.Timeline[:50]
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
	if l, err := s.ladder.get(ctx); err == nil {
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
	in, err := s.app.Log(r.Context(), app.LogInput{Ref: id, With: fields(f.Get("with")), Kind: f.Get("kind"), At: f.Get("at"),
		By: f.Get("by"), Channel: f.Get("channel"), Minutes: f.Get("minutes"), Note: f.Get("note")})
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
	fu, err := s.app.AddFollowup(r.Context(), r.PathValue("id"), r.PostForm.Get("text"), r.PostForm.Get("due"))
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

// Ladder.

type ladderView struct {
	*app.Ladder
	Chart   template.HTML
	History template.HTML
	Pending bool
}

func (s *Server) ladderPage(r *http.Request) (string, pageData, error) {
	l, err := s.ladder.get(r.Context())
	if err != nil {
		return "", pageData{}, err
	}
	v := ladderView{Ladder: l, Chart: ladderChart(l)}
	if h, ok := s.history(r.Context()); ok {
		v.History = historyChart(h, l, s.app.Zone())
	} else {
		v.Pending = true
	}
	return "ladder", pageData{Title: "The ladder", Nav: "ladder", Data: v}, nil
}

// history returns the ladder's last months if they are built, and starts
// building them if not: rebuilding months of history can take seconds on a
// large network, and the ladder page must not wait for it.
func (s *Server) history(ctx context.Context) ([]app.LadderPoint, bool) {
	s.hist.mu.Lock()
	have, val, building := s.hist.have, s.hist.val, s.hist.building
	if !have && !building {
		s.hist.building = true
		go func() {
			key, err := s.hist.version(context.WithoutCancel(ctx))
			if err == nil {
				if _, err := s.hist.fill(context.WithoutCancel(ctx), key); err != nil {
					s.log.Error("ladder history", "err", err)
				}
			}
			s.hist.mu.Lock()
			s.hist.building = false
			s.hist.mu.Unlock()
		}()
	}
	s.hist.mu.Unlock()
	if have {
		go func() { _, _ = s.hist.get(context.WithoutCancel(ctx)) }() // refreshes in the background when stale
	}
	return val, have
}

// Ask.

type askView struct {
	Person, Action, Note string
	Result               *app.AskResult
	Kinds                []rapport.Kind
}

func (s *Server) askPage(r *http.Request) (string, pageData, error) {
	kinds, err := s.app.Kinds(r.Context())
	if err != nil {
		return "", pageData{}, err
	}
	q := r.URL.Query()
	return "ask", pageData{Title: "Ask", Nav: "ask", Data: askView{Person: q.Get("person"), Action: q.Get("action"), Kinds: kinds}}, nil
}

// askPost shows the guard's verdict (check) or records the ask.
func (s *Server) askPost(r *http.Request) (string, pageData, error) {
	if err := r.ParseForm(); err != nil {
		return "", pageData{}, rapport.Errorf(rapport.EINVALID, "could not read the form: %v", err)
	}
	f := r.PostForm
	v := askView{Person: f.Get("person"), Action: f.Get("action"), Note: f.Get("note")}
	var err error
	if v.Kinds, err = s.app.Kinds(r.Context()); err != nil {
		return "", pageData{}, err
	}
	record := f.Get("do") == "record" || f.Get("do") == "force"
	res, err := s.app.Ask(r.Context(), app.AskInput{Ref: v.Person, Action: v.Action, Note: v.Note, Check: !record, Force: f.Get("do") == "force"})
	if err != nil {
		return "", pageData{}, err
	}
	v.Result = res
	d := pageData{Title: "Ask", Nav: "ask", Data: v}
	if res.Recorded {
		s.changed(r.Context())
		d.Flash = "Ask recorded. Answer it from the command line (rapport answer) when they reply."
	}
	return "ask", d, nil
}

// Goals and the assignment.

type goalsView struct {
	Goals []*app.GoalView
}

func (s *Server) goalsPage(r *http.Request) (string, pageData, error) {
	gs, err := s.app.Goals(r.Context())
	if err != nil {
		return "", pageData{}, err
	}
	v := goalsView{}
	for _, g := range gs {
		if g.Done != nil {
			continue
		}
		gv, err := s.app.ShowGoal(r.Context(), g.ID, 5)
		if err != nil {
			return "", pageData{}, err
		}
		v.Goals = append(v.Goals, gv)
	}
	return "goals", pageData{Title: "Goals", Nav: "goals", Data: v}, nil
}

func (s *Server) addGoal(r *http.Request) (string, error) {
	g, err := s.app.AddGoal(r.Context(), r.PostForm.Get("text"), fields(r.PostForm.Get("tags")), r.PostForm.Get("due"))
	if err != nil {
		return "", err
	}
	return s.flash.url("/goals", "Goal added: "+g.Text), nil
}

func (s *Server) goalDone(r *http.Request) (string, error) {
	if _, err := s.app.GoalDone(r.Context(), r.PathValue("id")); err != nil {
		return "", err
	}
	return s.flash.url("/goals", "Goal done."), nil
}

type assignmentView struct {
	Assignment *app.AssignmentView
	Goals      []rapport.Goal
}

func (s *Server) assignmentPage(r *http.Request) (string, pageData, error) {
	v := assignmentView{}
	var err error
	if v.Assignment, err = s.app.Assignment(r.Context()); err != nil && rapport.ErrorCode(err) != rapport.ENOTFOUND {
		return "", pageData{}, err
	}
	if v.Goals, err = s.app.Goals(r.Context()); err != nil {
		return "", pageData{}, err
	}
	return "assignment", pageData{Title: "The 5 + 5 assignment", Nav: "assignment", Data: v}, nil
}

func (s *Server) newAssignment(r *http.Request) (string, error) {
	if _, err := s.app.NewAssignment(r.Context(), r.PostForm.Get("goal"), 30, r.PostForm.Get("replace") != ""); err != nil {
		return "", err
	}
	return s.flash.url("/assignment", "A new assignment for the next 30 days."), nil
}

// Report.

type reportView struct {
	*app.Report
	Since, Until  string
	MinutesChart  template.HTML
	RungsChart    template.HTML
	ContactsDelta int
}

func (s *Server) reportPage(r *http.Request) (string, pageData, error) {
	q := r.URL.Query()
	rep, err := s.app.Report(r.Context(), q.Get("since"), q.Get("until"))
	if err != nil {
		return "", pageData{}, err
	}
	v := reportView{Report: rep, Since: rep.Since.In(s.app.Zone()).Format("2006-01-02"), Until: rep.Until.In(s.app.Zone()).Format("2006-01-02"),
		MinutesChart: minutesChart(rep.Minutes), RungsChart: rungMovesChart(rep.Rungs), ContactsDelta: rep.ContactsEnd - rep.ContactsStart}
	return "report", pageData{Title: "Report", Nav: "report", Data: v}, nil
}

// Import, export, backup.

type importView struct {
	Sources []string
	Summary *app.ImportSummary
}

func (s *Server) importPage(r *http.Request) (string, pageData, error) {
	return "import", pageData{Title: "Import and export", Nav: "import", Data: importView{Sources: uploadSources()}}, nil
}

// uploadSources are the sources a browser can upload: files, not folders.
func uploadSources() []string {
	var out []string
	for _, s := range formats.Sources {
		if s != "maildir" {
			out = append(out, s)
		}
	}
	return append(out, "json")
}

func (s *Server) importPost(r *http.Request) (string, pageData, error) {
	sum, err := s.importUpload(r)
	if err != nil {
		return "", pageData{}, err
	}
	if !sum.DryRun {
		s.changed(r.Context())
	}
	return "import", pageData{Title: "Import and export", Nav: "import", Data: importView{Sources: uploadSources(), Summary: sum}}, nil
}

// importUpload saves the uploaded files to a private folder under their own
// names (parsers tell formats apart by name), reads them and imports them.
func (s *Server) importUpload(r *http.Request) (*app.ImportSummary, error) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, rapport.Errorf(rapport.ETOOLARGE, "the upload is larger than the %d MB allowed", mbe.Limit>>20)
		}
		return nil, rapport.Errorf(rapport.EINVALID, "could not read the upload: %v", err)
	}
	defer r.MultipartForm.RemoveAll()
	source := r.FormValue("source")
	files := r.MultipartForm.File["file"]
	if len(files) == 0 {
		return nil, rapport.Errorf(rapport.EINVALID, "choose a file to import")
	}
	dir, err := os.MkdirTemp("", "rapport-import-")
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	defer os.RemoveAll(dir)
	var paths []string
	for i, fh := range files {
		name := filepath.Base(filepath.Clean("/" + fh.Filename))
		if name == "/" || name == "." {
			name = "upload"
		}
		sub := filepath.Join(dir, strconv.Itoa(i))
		if err := os.Mkdir(sub, 0o700); err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		p := filepath.Join(sub, name)
		if err := saveUpload(fh.Open, p); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	var me []string
	if m := strings.TrimSpace(r.FormValue("me")); m != "" {
		me = fields(m)
	}
	dry := r.FormValue("dry_run") != ""
	return s.runImport(r.Context(), source, paths, me, dry, r.FormValue("photos") != "")
}

func (s *Server) runImport(ctx context.Context, source string, paths, me []string, dry, photos bool) (*app.ImportSummary, error) {
	sum, err := s.app.ImportFiles(ctx, app.ImportRequest{Source: source, Paths: paths, Me: me, DryRun: dry, Photos: photos, Name: filepath.Base})
	return sum, hidePaths(err, paths)
}

// hidePaths names uploaded files by their own names in an error: where the
// server keeps them for the moment is none of the page's business.
func hidePaths(err error, paths []string) error {
	if err == nil {
		return nil
	}
	msg := rapport.FieldMessage(err, fieldLabel)
	for _, p := range paths {
		msg = strings.ReplaceAll(msg, p, filepath.Base(p))
		msg = strings.ReplaceAll(msg, filepath.Dir(p)+string(filepath.Separator), "")
	}
	msg = strings.ReplaceAll(msg, os.TempDir()+string(filepath.Separator), "")
	return &rapport.Error{Code: rapport.ErrorCode(err), Message: msg}
}

func saveUpload(open func() (multipart.File, error), path string) error {
	src, err := open()
	if err != nil {
		return rapport.Errorf(rapport.EINVALID, "could not read the upload: %v", err)
	}
	defer src.Close()
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return fmt.Errorf("import: %w", err)
	}
	return dst.Close()
}

func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	format := r.PathValue("format")
	ctx := r.Context()
	var buf bytes.Buffer
	var err error
	var ctype, ext string
	switch format {
	case "vcard":
		ctype, ext = "text/vcard; charset=utf-8", "vcf"
		err = s.app.ExportVCard(ctx, &buf, app.ExportFilter{})
	case "csv":
		ctype, ext = "text/csv; charset=utf-8", "csv"
		err = s.app.ExportCSV(ctx, &buf, app.ExportFilter{})
	case "json":
		ctype, ext = "application/json", "json"
		err = s.app.ExportJSON(ctx, &buf)
	case "ics":
		ctype, ext = "text/calendar; charset=utf-8", "ics"
		err = s.app.ExportICS(ctx, &buf)
	default:
		s.fail(w, r, rapport.Errorf(rapport.ENOTFOUND, "no export format %q: expected vcard, csv, json or ics", format))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	if format != "ics" || r.URL.Query().Get("download") != "" {
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="rapport-%s.%s"`, s.app.Now().In(s.app.Zone()).Format("2006-01-02"), ext))
	}
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) backup(w http.ResponseWriter, r *http.Request) {
	dir, err := os.MkdirTemp("", "rapport-backup-")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "rapport.db")
	if err := s.app.Backup(r.Context(), p); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.sqlite3")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="rapport-backup-%s.db"`, s.app.Now().In(s.app.Zone()).Format("2006-01-02")))
	http.ServeFile(w, r, p)
}

// Settings.

type settingsView struct {
	Offers   []string // what you can give
	Budget   *app.Budget
	Settings []app.Setting
	Kinds    []rapport.Kind
}

func (s *Server) settingsPage(r *http.Request) (string, pageData, error) {
	ctx := r.Context()
	v := settingsView{}
	var err error
	if v.Budget, err = s.app.Budget(ctx); err != nil {
		return "", pageData{}, err
	}
	me, err := s.app.EditMe(ctx, nil, nil)
	if err != nil {
		return "", pageData{}, err
	}
	v.Offers = me.Offers
	if v.Settings, err = s.app.Config(ctx); err != nil {
		return "", pageData{}, err
	}
	if v.Kinds, err = s.app.Kinds(ctx); err != nil {
		return "", pageData{}, err
	}
	return "settings", pageData{Title: "Settings", Nav: "settings", Data: v}, nil
}

func (s *Server) saveSettings(r *http.Request) (string, error) {
	ctx := r.Context()
	f := r.PostForm
	in := app.SettingsInput{Day: f.Get("day"), Week: f.Get("week"), Config: map[string]string{}}
	current, err := s.app.Config(ctx)
	if err != nil {
		return "", err
	}
	for _, st := range current {
		if f.Get("reset."+st.Key) != "" {
			in.Config[st.Key] = "default"
		} else if v := strings.TrimSpace(f.Get("cfg." + st.Key)); f.Has("cfg."+st.Key) && v != st.Value {
			in.Config[st.Key] = v
		}
	}
	if err := s.app.UpdateSettings(ctx, in); err != nil {
		return "", err
	}
	return s.flash.url("/settings", "Settings saved."), nil
}

// saveOffers adds the offers typed (one per line) and removes those ticked.
func (s *Server) saveOffers(r *http.Request) (string, error) {
	if _, err := s.app.EditMe(r.Context(), lines(r.PostForm.Get("add")), r.PostForm["rm"]); err != nil {
		return "", err
	}
	return s.flash.url("/settings#offers-h", "Your offers are saved: plans and assignments match them to what people want."), nil
}

func (s *Server) saveRung(r *http.Request) (string, error) {
	f := r.PostForm
	e := app.RungEdit{}
	if v := strings.TrimSpace(f.Get("threshold")); v != "" {
		t, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return "", rapport.Errorf(rapport.EINVALID, "threshold %q: expected a number", v)
		}
		e.Threshold = &t
	}
	if v := strings.TrimSpace(f.Get("minutes")); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil {
			return "", rapport.Errorf(rapport.EINVALID, "minutes %q: expected a whole number", v)
		}
		e.Minutes = &m
	}
	k, err := s.app.LadderSet(r.Context(), f.Get("action"), e)
	if err != nil {
		return "", err
	}
	return s.flash.url("/settings", "Rung "+k.Name+" saved."), nil
}

// Taking things back.

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

// snooze rests a person out of plans and overdue for a while (a week by
// default): "not now".
func (s *Server) snooze(r *http.Request) (string, error) {
	until := r.PostForm.Get("until")
	if until == "" {
		until = "in 7 days"
	}
	who, t, err := s.app.Snooze(r.Context(), r.PathValue("id"), until)
	if err != nil {
		return "", err
	}
	msg := fmt.Sprintf("%s is back in your plans on %s.", who.Name, t.In(s.app.Zone()).Format("2 Jan"))
	return s.flash.url(localPath(r.PostForm.Get("back"), "/"), msg), nil
}

func (s *Server) answerAsk(r *http.Request) (string, error) {
	ask, err := s.app.Answer(r.Context(), r.PathValue("id"), r.PostForm.Get("outcome"), "")
	if err != nil {
		return "", err
	}
	back := localPath(r.PostForm.Get("back"), "/people/"+ask.Person.ID)
	return s.flash.url(back, fmt.Sprintf("Recorded: %s answered %s to %s.", ask.Person.Name, ask.Outcome, ask.Action)), nil
}

// Duplicates.

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

// Learn and reach: trust lines, introductions, who knows whom, leads.

type networkView struct {
	Topic, IntroRef string
	Learn           *app.Learn
	Intro           *app.Intro
	Leads           []app.Lead
	LeadsNote       string
}

func (s *Server) networkPage(r *http.Request) (string, pageData, error) {
	ctx, q := r.Context(), r.URL.Query()
	v := networkView{Topic: strings.TrimSpace(q.Get("topic")), IntroRef: strings.TrimSpace(q.Get("intro"))}
	var err error
	if v.Topic != "" {
		if v.Learn, err = s.app.Learn(ctx, v.Topic, 3, 20); err != nil {
			return "", pageData{}, err
		}
	}
	if v.IntroRef != "" {
		if v.Intro, err = s.app.Intro(ctx, v.IntroRef, 5); err != nil {
			return "", pageData{}, err
		}
	}
	if v.Leads, err = s.app.Leads(ctx, "", 20); err != nil {
		if rapport.ErrorCode(err) != rapport.EINVALID {
			return "", pageData{}, err
		}
		v.LeadsNote = "Add a goal to see who, among the people your close ties know, could help with it."
	}
	return "network", pageData{Title: "Learn and reach", Nav: "network", Data: v}, nil
}

func (s *Server) addTrust(r *http.Request) (string, error) {
	f := r.PostForm
	rank := 1
	if v := strings.TrimSpace(f.Get("rank")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return "", rapport.FieldErrorf(rapport.EINVALID, "rank", "%q: expected 1 (most) to 5", v)
		}
		rank = n
	}
	t, err := s.app.Trust(r.Context(), f.Get("topic"), f.Get("person"), rank, f.Get("by"))
	if err != nil {
		return "", err
	}
	who := "you trust"
	if t.By.Name != "" {
		who = t.By.Name + " trusts"
	}
	return s.flash.url("/network?topic="+url.QueryEscape(t.Topic), "Saved whom "+who+" on "+t.Topic+"."), nil
}

func (s *Server) addKnows(r *http.Request) (string, error) {
	f := r.PostForm
	strength := 50.0
	if v := strings.TrimSpace(f.Get("strength")); v != "" {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return "", rapport.FieldErrorf(rapport.EINVALID, "strength", "%q: expected 0 to 100", v)
		}
		strength = x
	}
	if err := s.app.Knows(r.Context(), f.Get("a"), f.Get("b"), strength); err != nil {
		return "", err
	}
	return s.flash.url("/network", "Saved."), nil
}

// slotOf reads the slot number of an assignment route.
func slotOf(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("slot"))
	if err != nil || n < 1 || n > 10 {
		return 0, rapport.FieldErrorf(rapport.EINVALID, "slot", "%q: expected 1 to 10", r.PathValue("slot"))
	}
	return n, nil
}

func (s *Server) swapSlot(r *http.Request) (string, error) {
	n, err := slotOf(r)
	if err != nil {
		return "", err
	}
	if _, err := s.app.SwapSlot(r.Context(), n, r.PostForm.Get("person")); err != nil {
		return "", err
	}
	return s.flash.url("/assignment", fmt.Sprintf("Slot %d changed: say what you will offer them.", n)), nil
}

func (s *Server) offerSlot(r *http.Request) (string, error) {
	n, err := slotOf(r)
	if err != nil {
		return "", err
	}
	if _, err := s.app.OfferSlot(r.Context(), n, r.PostForm.Get("offer"), r.PostForm.Get("action")); err != nil {
		return "", err
	}
	return s.flash.url("/assignment", fmt.Sprintf("Slot %d: offer saved.", n)), nil
}
