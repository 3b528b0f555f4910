package web

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
)

//go:embed openapi.json
var openapiDoc []byte

// apiRoutes adds /api/v1: the CLI's operations, with its --json field names.
func (s *Server) apiRoutes(mux *routeMux) {
	mux.HandleFunc("GET /api/v1/openapi.json", s.apiGetOpenAPI)
	mux.HandleFunc("GET /api/v1/me", s.api(s.apiGetMe))
	mux.HandleFunc("GET /api/v1/team/ladder", s.api(s.apiGetTeamLadder))
	mux.HandleFunc("GET /api/v1/team/report", s.api(s.apiGetTeamReport))
	mux.HandleFunc("GET /api/v1/people", s.apiGetPeople)
	mux.HandleFunc("POST /api/v1/people", s.api(s.apiPostPeople))
	mux.HandleFunc("GET /api/v1/people/{id}", s.api(s.apiGetPeopleOne))
	mux.HandleFunc("GET /api/v1/people/{id}/why", s.api(s.apiGetPeopleOneWhy))
	mux.HandleFunc("GET /api/v1/people/{id}/ledger", s.api(s.apiGetPeopleOneLedger))
	mux.HandleFunc("POST /api/v1/interactions", s.api(s.apiPostInteractions))
	mux.HandleFunc("GET /api/v1/today", s.api(s.apiGetToday))
	mux.HandleFunc("GET /api/v1/week", s.api(s.apiGetWeek))
	mux.HandleFunc("GET /api/v1/ladder", s.api(s.apiGetLadder))
	mux.HandleFunc("GET /api/v1/overdue", s.api(s.apiGetOverdue))
	mux.HandleFunc("GET /api/v1/followups", s.api(s.apiGetFollowups))
	mux.HandleFunc("POST /api/v1/asks", s.api(s.apiPostAsks))
	mux.HandleFunc("GET /api/v1/goals", s.api(s.apiGetGoals))
	mux.HandleFunc("POST /api/v1/goals", s.api(s.apiPostGoals))
	mux.HandleFunc("GET /api/v1/assignment", s.api(s.apiGetAssignment))
	mux.HandleFunc("GET /api/v1/report", s.api(s.apiGetReport))
	mux.HandleFunc("GET /api/v1/config", s.api(s.apiGetConfig))
	mux.HandleFunc("PATCH /api/v1/people/{id}", s.api(s.apiPatchPeopleOne))
	mux.HandleFunc("GET /api/v1/people/{id}/photo", s.photo)
	mux.HandleFunc("DELETE /api/v1/people/{id}/photo", s.api(s.apiDeletePeopleOnePhoto))
	mux.HandleFunc("DELETE /api/v1/people/{id}", s.api(s.apiDeletePeopleOne))
	mux.HandleFunc("PATCH /api/v1/interactions/{id}", s.api(s.apiPatchInteractionsOne))
	mux.HandleFunc("DELETE /api/v1/interactions/{id}", s.api(s.apiDeleteInteractionsOne))
	mux.HandleFunc("POST /api/v1/undo", s.api(s.apiPostUndo))
	mux.HandleFunc("POST /api/v1/people/{id}/followups", s.api(s.apiPostPeopleOneFollowups))
	mux.HandleFunc("POST /api/v1/followups/{id}/done", s.api(s.apiPostFollowupsOneDone))
	mux.HandleFunc("POST /api/v1/asks/{id}/answer", s.api(s.apiPostAsksOneAnswer))
	mux.HandleFunc("POST /api/v1/goals/{id}/done", s.api(s.apiPostGoalsOneDone))
	mux.HandleFunc("POST /api/v1/assignment", s.api(s.apiPostAssignment))
	mux.HandleFunc("GET /api/v1/budget", s.api(s.apiGetBudget))
	mux.HandleFunc("PUT /api/v1/budget", s.api(s.apiPutBudget))
	mux.HandleFunc("POST /api/v1/import/{source}", s.apiPostImportOne)
}

// api adapts a handler returning a status and a value to JSON.
func (s *Server) api(fn func(r *http.Request) (int, any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		code, v, err := fn(r)
		if err != nil {
			if status(err) >= 500 {
				s.log.Error("api request failed", "path", r.URL.Path, "err", err)
			}
			apiError(w, status(err), err)
			return
		}
		// API writes do not wait for the views to be rebuilt: the next read
		// rebuilds them in the background (forms, whose next page is a view, wait).
		writeJSON(w, code, v)
	}
}

// decode reads a JSON body strictly: one object, known fields only.
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return rapport.Errorf(rapport.EINVALID, "expected a JSON body (Content-Type: application/json), got %s", ct)
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		if errors.Is(err, io.EOF) {
			return rapport.Errorf(rapport.EINVALID, "expected a JSON object in the body")
		}
		return rapport.Errorf(rapport.EINVALID, "invalid JSON body: %v", err)
	}
	if dec.More() {
		return rapport.Errorf(rapport.EINVALID, "invalid JSON body: more than one value")
	}
	return nil
}

// personInput is a new person, from a form or JSON.
type personInput struct {
	Name    string   `json:"name"`
	Org     string   `json:"org"`
	Title   string   `json:"title"`
	Met     string   `json:"met"`
	Emails  []string `json:"emails"`
	Phones  []string `json:"phones"`
	URLs    []string `json:"urls"`
	Tags    []string `json:"tags"`
	Wants   []string `json:"wants"`
	Offers  []string `json:"offers"`
	Notes   []string `json:"notes"`
	Cadence *int     `json:"cadence_days"`
	Force   bool     `json:"force"` // add even when someone of that name is already there
}

func (s *Server) addPerson(ctx context.Context, in personInput) (*app.PersonDetail, error) {
	e := app.PersonEdit{AddEmails: in.Emails, AddPhones: in.Phones, AddURLs: in.URLs, AddTags: in.Tags,
		AddWants: in.Wants, AddOffers: in.Offers, AddNotes: in.Notes, Cadence: in.Cadence, Force: in.Force}
	for _, kv := range []struct {
		dst **string
		v   string
	}{{&e.Org, in.Org}, {&e.Title, in.Title}, {&e.Met, in.Met}} {
		if kv.v != "" {
			v := kv.v
			*kv.dst = &v
		}
	}
	return s.app.AddPerson(ctx, in.Name, e)
}

// importBody imports an export sent as the request body (one file).
func (s *Server) importBody(r *http.Request) (*app.ImportSummary, error) {
	source := r.PathValue("source")
	if !slices.Contains(uploadSources(), source) {
		return nil, rapport.Errorf(rapport.EINVALID, "unknown source %q: expected one of %s", source, strings.Join(uploadSources(), ", "))
	}
	name := filepath.Base(filepath.Clean("/" + r.URL.Query().Get("name")))
	if name == "/" || name == "." {
		name = map[string]string{"linkedin": "Connections.csv", "google": "contacts.csv", "csv": "contacts.csv", "vcard": "contacts.vcf", "mbox": "mail.mbox",
			"ics": "calendar.ics", "facebook": "your_friends.json", "json": "backup.json"}[source]
	}
	dir, err := os.MkdirTemp("", "rapport-import-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, name)
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	_, err = io.Copy(f, http.MaxBytesReader(nil, r.Body, maxUpload))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		return nil, rapport.Errorf(rapport.EINVALID, "could not read the upload: %v", err)
	}
	q := r.URL.Query()
	yes := func(k string) bool { v := q.Get(k); return v != "" && v != "0" && v != "false" }
	return s.runImport(r.Context(), source, []string{p}, q["me"], yes("dry_run"), yes("photos"))
}

// apiGetOpenAPI serves GET /api/v1/openapi.json.
func (s *Server) apiGetOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openapiDoc)
}

// apiGetPeople serves GET /api/v1/people.
func (s *Server) apiGetPeople(w http.ResponseWriter, r *http.Request) {
	count := r.URL.Query().Get("count") == "true"
	p, err := s.findPeople(r, count)
	if err != nil {
		apiError(w, status(err), err)
		return
	}
	if count {
		w.Header().Set("X-Total-Count", strconv.Itoa(p.matched)) // all the filter keeps, beyond this page
	}
	writeJSON(w, http.StatusOK, p.list)
}

// apiPostPeople serves POST /api/v1/people.
func (s *Server) apiPostPeople(r *http.Request) (int, any, error) {
	var in personInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	d, err := s.addPerson(r.Context(), in)
	return http.StatusCreated, d, err
}

// apiGetPeopleOne serves GET /api/v1/people/{id}.
func (s *Server) apiGetPeopleOne(r *http.Request) (int, any, error) {
	d, err := s.app.Show(s.withScores(r.Context()), r.PathValue("id"))
	return http.StatusOK, d, err
}

// apiGetPeopleOneWhy serves GET /api/v1/people/{id}/why.
func (s *Server) apiGetPeopleOneWhy(r *http.Request) (int, any, error) {
	d, err := s.app.Why(r.Context(), r.PathValue("id"), 5)
	return http.StatusOK, d, err
}

// apiGetPeopleOneLedger serves GET /api/v1/people/{id}/ledger.
func (s *Server) apiGetPeopleOneLedger(r *http.Request) (int, any, error) {
	d, err := s.app.Ledger(r.Context(), r.PathValue("id"))
	return http.StatusOK, d, err
}

// apiPostInteractions serves POST /api/v1/interactions.
func (s *Server) apiPostInteractions(r *http.Request) (int, any, error) {
	var in struct {
		With    []string `json:"with"`
		Kind    string   `json:"kind"`
		At      string   `json:"at"`
		By      string   `json:"by"`
		Channel string   `json:"channel"`
		Minutes *int     `json:"minutes"`
		Note    string   `json:"note"`
		Favour  bool     `json:"favour"`
		Toward  string   `json:"toward"`
		Via     string   `json:"via"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	if len(in.With) == 0 {
		return 0, nil, rapport.Errorf(rapport.EINVALID, "with: name at least one person")
	}
	f := s.typed()
	li := app.LogInput{Ref: in.With[0], With: in.With[1:], Kind: in.Kind, At: f.Time("at", in.At), By: rapport.Value(f.By("by", in.By)),
		Minutes: rapport.Value(in.Minutes), Channel: in.Channel, Note: in.Note, Favour: in.Favour, Toward: in.Toward, Via: in.Via}
	if err := f.Err(); err != nil {
		return 0, nil, err
	}
	d, err := s.app.Log(r.Context(), li)
	return http.StatusCreated, d, err
}

// apiGetToday serves GET /api/v1/today.
func (s *Server) apiGetToday(r *http.Request) (int, any, error) {
	v, err := s.viewsOf(r.Context()).today.get(r.Context())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, v.Plan, nil
}

// apiGetWeek serves GET /api/v1/week.
func (s *Server) apiGetWeek(r *http.Request) (int, any, error) {
	v, err := s.app.Plan(r.Context(), true, 0)
	return http.StatusOK, v, err
}

// apiGetLadder serves GET /api/v1/ladder.
func (s *Server) apiGetLadder(r *http.Request) (int, any, error) {
	v, err := s.viewsOf(r.Context()).ladder.get(r.Context())
	return http.StatusOK, v, err
}

// apiGetOverdue serves GET /api/v1/overdue.
func (s *Server) apiGetOverdue(r *http.Request) (int, any, error) {
	v, err := s.app.Overdue(r.Context())
	return http.StatusOK, v, err
}

// apiGetFollowups serves GET /api/v1/followups.
func (s *Server) apiGetFollowups(r *http.Request) (int, any, error) {
	v, err := s.app.Followups(r.Context(), r.URL.Query().Get("all") != "")
	return http.StatusOK, v, err
}

// apiPostAsks serves POST /api/v1/asks.
func (s *Server) apiPostAsks(r *http.Request) (int, any, error) {
	var in struct {
		Person string `json:"person"`
		Action string `json:"action"`
		Note   string `json:"note"`
		Check  bool   `json:"check"`
		Force  bool   `json:"force"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	res, err := s.app.Ask(r.Context(), app.AskInput{Ref: in.Person, Action: in.Action, Note: in.Note, Check: in.Check, Force: in.Force})
	switch {
	case err != nil:
		return 0, nil, err
	case res.Recorded:
		return http.StatusCreated, res, nil
	case in.Check:
		return http.StatusOK, res, nil
	}
	return http.StatusConflict, res, nil // the guard refused: nothing recorded
}

// apiGetGoals serves GET /api/v1/goals.
func (s *Server) apiGetGoals(r *http.Request) (int, any, error) {
	v, err := s.app.Goals(r.Context())
	return http.StatusOK, v, err
}

// apiPostGoals serves POST /api/v1/goals.
func (s *Server) apiPostGoals(r *http.Request) (int, any, error) {
	var in struct {
		Text string   `json:"text"`
		Tags []string `json:"tags"`
		Due  string   `json:"due"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	due, err := rapport.ReadTime(s.app.Local(), "due", in.Due)
	if err != nil {
		return 0, nil, err
	}
	g, err := s.app.AddGoal(r.Context(), in.Text, in.Tags, due)
	return http.StatusCreated, g, err
}

// apiGetAssignment serves GET /api/v1/assignment.
func (s *Server) apiGetAssignment(r *http.Request) (int, any, error) {
	v, err := s.app.Assignment(r.Context())
	return http.StatusOK, v, err
}

// apiGetReport serves GET /api/v1/report.
func (s *Server) apiGetReport(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	since, until, err := rapport.ReadPeriod(s.app.Local(), q.Get("since"), q.Get("until"))
	if err != nil {
		return 0, nil, err
	}
	v, err := s.app.Report(r.Context(), since, until)
	return http.StatusOK, v, err
}

// apiGetConfig serves GET /api/v1/config.
func (s *Server) apiGetConfig(r *http.Request) (int, any, error) {
	v, err := s.app.Config(r.Context())
	return http.StatusOK, v, err
}

// apiPatchPeopleOne serves PATCH /api/v1/people/{id}.
func (s *Server) apiPatchPeopleOne(r *http.Request) (int, any, error) {
	var e struct {
		Name      *string  `json:"name"`
		Org       *string  `json:"org"`
		Title     *string  `json:"title"`
		Met       *string  `json:"met"`
		AddEmails []string `json:"add_emails"`
		AddPhones []string `json:"add_phones"`
		AddURLs   []string `json:"add_urls"`
		AddTags   []string `json:"add_tags"`
		RmEmails  []string `json:"rm_emails"`
		RmPhones  []string `json:"rm_phones"`
		RmURLs    []string `json:"rm_urls"`
		RmTags    []string `json:"rm_tags"`
		AddWants  []string `json:"add_wants"`
		AddOffers []string `json:"add_offers"`
		AddNotes  []string `json:"add_notes"`
		Share     bool     `json:"share_notes"`
		Cadence   *int     `json:"cadence_days"`
	}
	if err := decode(r, &e); err != nil {
		return 0, nil, err
	}
	d, err := s.app.EditPerson(r.Context(), r.PathValue("id"), app.PersonEdit{Name: e.Name, Org: e.Org, Title: e.Title, Met: e.Met,
		AddEmails: e.AddEmails, AddPhones: e.AddPhones, AddURLs: e.AddURLs, AddTags: e.AddTags,
		RmEmails: e.RmEmails, RmPhones: e.RmPhones, RmURLs: e.RmURLs, RmTags: e.RmTags,
		AddWants: e.AddWants, AddOffers: e.AddOffers, AddNotes: e.AddNotes, ShareNotes: e.Share, Cadence: e.Cadence})
	return http.StatusOK, d, err
}

// apiDeletePeopleOnePhoto serves DELETE /api/v1/people/{id}/photo.
func (s *Server) apiDeletePeopleOnePhoto(r *http.Request) (int, any, error) {
	return http.StatusOK, map[string]bool{"removed": true}, s.app.RemovePhoto(r.Context(), r.PathValue("id"))
}

// apiDeletePeopleOne serves DELETE /api/v1/people/{id}.
func (s *Server) apiDeletePeopleOne(r *http.Request) (int, any, error) {
	res, err := s.app.DeletePerson(r.Context(), r.PathValue("id"), r.URL.Query().Get("confirm") == "true")
	return http.StatusOK, res, err
}

// apiPatchInteractionsOne serves PATCH /api/v1/interactions/{id}.
func (s *Server) apiPatchInteractionsOne(r *http.Request) (int, any, error) {
	var in struct {
		Kind    *string `json:"kind"`
		At      *string `json:"at"`
		By      *string `json:"by"`
		Minutes *string `json:"minutes"`
		Note    *string `json:"note"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	f := s.typed()
	e := app.InteractionEdit{Kind: in.Kind, Note: in.Note,
		At: f.Time("at", rapport.Value(in.At)), By: f.By("by", rapport.Value(in.By)), Minutes: f.Minutes("minutes", rapport.Value(in.Minutes))}
	if err := f.Err(); err != nil {
		return 0, nil, err
	}
	it, err := s.app.EditInteraction(r.Context(), r.PathValue("id"), e)
	return http.StatusOK, it, err
}

// apiDeleteInteractionsOne serves DELETE /api/v1/interactions/{id}.
func (s *Server) apiDeleteInteractionsOne(r *http.Request) (int, any, error) {
	it, err := s.app.DeleteInteraction(r.Context(), r.PathValue("id"))
	return http.StatusOK, it, err
}

// apiPostUndo serves POST /api/v1/undo.
func (s *Server) apiPostUndo(r *http.Request) (int, any, error) {
	it, err := s.app.Undo(r.Context())
	return http.StatusOK, it, err
}

// apiPostPeopleOneFollowups serves POST /api/v1/people/{id}/followups.
func (s *Server) apiPostPeopleOneFollowups(r *http.Request) (int, any, error) {
	var in struct {
		Text string `json:"text"`
		Due  string `json:"due"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	due, err := rapport.ReadTime(s.app.Local(), "due", in.Due)
	if err != nil {
		return 0, nil, err
	}
	fu, err := s.app.AddFollowup(r.Context(), r.PathValue("id"), in.Text, due)
	return http.StatusCreated, fu, err
}

// apiPostFollowupsOneDone serves POST /api/v1/followups/{id}/done.
func (s *Server) apiPostFollowupsOneDone(r *http.Request) (int, any, error) {
	id, err := s.app.FollowupDone(r.Context(), r.PathValue("id"))
	return http.StatusOK, map[string]string{"id": id}, err
}

// apiPostAsksOneAnswer serves POST /api/v1/asks/{id}/answer.
func (s *Server) apiPostAsksOneAnswer(r *http.Request) (int, any, error) {
	var in struct {
		Outcome string `json:"outcome"`
		At      string `json:"at"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	at, err := rapport.ReadTime(s.app.Local(), "at", in.At)
	if err != nil {
		return 0, nil, err
	}
	a, err := s.app.Answer(r.Context(), r.PathValue("id"), in.Outcome, at)
	return http.StatusOK, a, err
}

// apiPostGoalsOneDone serves POST /api/v1/goals/{id}/done.
func (s *Server) apiPostGoalsOneDone(r *http.Request) (int, any, error) {
	g, err := s.app.GoalDone(r.Context(), r.PathValue("id"))
	return http.StatusOK, g, err
}

// apiPostAssignment serves POST /api/v1/assignment.
func (s *Server) apiPostAssignment(r *http.Request) (int, any, error) {
	var in struct {
		Goal    string `json:"goal"`
		Days    int    `json:"days"`
		Replace bool   `json:"replace"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	if in.Days == 0 {
		in.Days = 30
	}
	v, err := s.app.NewAssignment(r.Context(), in.Goal, in.Days, in.Replace)
	return http.StatusCreated, v, err
}

// apiGetBudget serves GET /api/v1/budget.
func (s *Server) apiGetBudget(r *http.Request) (int, any, error) {
	b, err := s.app.Budget(r.Context())
	return http.StatusOK, b, err
}

// apiPutBudget serves PUT /api/v1/budget.
func (s *Server) apiPutBudget(r *http.Request) (int, any, error) {
	var in struct {
		Day  *int `json:"day_minutes"`
		Week *int `json:"week_minutes"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	b, err := s.app.SetBudget(r.Context(), in.Day, in.Week)
	return http.StatusOK, b, err
}

// apiPostImportOne serves POST /api/v1/import/{source}.
func (s *Server) apiPostImportOne(w http.ResponseWriter, r *http.Request) {
	sum, err := s.importBody(r)
	if err != nil {
		apiError(w, status(err), err)
		return
	}
	writeJSON(w, http.StatusOK, sum)
}

// apiGetMe serves GET /api/v1/me: the member signed in, on a team's server.
func (s *Server) apiGetMe(r *http.Request) (int, any, error) {
	return http.StatusOK, map[string]*app.Member{"member": MemberOf(r.Context())}, nil
}

// apiGetTeamLadder serves GET /api/v1/team/ladder.
func (s *Server) apiGetTeamLadder(r *http.Request) (int, any, error) {
	l, err := s.teamLadder.get(r.Context())
	return http.StatusOK, l, err
}

// apiGetTeamReport serves GET /api/v1/team/report.
func (s *Server) apiGetTeamReport(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	since, until, err := rapport.ReadPeriod(s.app.Local(), q.Get("since"), q.Get("until"))
	if err != nil {
		return 0, nil, err
	}
	moves := q.Get("moves") != "" && q.Get("moves") != "0" && q.Get("moves") != "false"
	if since == nil && until == nil && !moves { // the last 30 days: the same for the whole team
		v, err := s.teamReport.get(r.Context())
		return http.StatusOK, v, err
	}
	v, err := s.app.TeamReport(r.Context(), since, until, moves)
	return http.StatusOK, v, err
}
