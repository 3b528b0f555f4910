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
func (s *Server) apiRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openapiDoc)
	})
	mux.HandleFunc("GET /api/v1/people", func(w http.ResponseWriter, r *http.Request) {
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
	})
	mux.HandleFunc("POST /api/v1/people", s.api(func(r *http.Request) (int, any, error) {
		var in personInput
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		d, err := s.addPerson(r.Context(), in)
		return http.StatusCreated, d, err
	}))
	mux.HandleFunc("GET /api/v1/people/{id}", s.api(func(r *http.Request) (int, any, error) {
		d, err := s.app.Show(r.Context(), r.PathValue("id"))
		return http.StatusOK, d, err
	}))
	mux.HandleFunc("GET /api/v1/people/{id}/why", s.api(func(r *http.Request) (int, any, error) {
		d, err := s.app.Why(r.Context(), r.PathValue("id"), 5)
		return http.StatusOK, d, err
	}))
	mux.HandleFunc("GET /api/v1/people/{id}/ledger", s.api(func(r *http.Request) (int, any, error) {
		d, err := s.app.Ledger(r.Context(), r.PathValue("id"))
		return http.StatusOK, d, err
	}))
	mux.HandleFunc("POST /api/v1/interactions", s.api(func(r *http.Request) (int, any, error) {
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
		li := app.LogInput{Ref: in.With[0], With: in.With[1:], Kind: in.Kind, At: in.At, By: in.By, Channel: in.Channel, Note: in.Note, Favour: in.Favour, Toward: in.Toward, Via: in.Via}
		if in.Minutes != nil {
			li.Minutes = strconv.Itoa(*in.Minutes)
		}
		d, err := s.app.Log(r.Context(), li)
		return http.StatusCreated, d, err
	}))
	mux.HandleFunc("GET /api/v1/today", s.api(func(r *http.Request) (int, any, error) {
		v, err := s.today.get(r.Context())
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, v.Plan, nil
	}))
	mux.HandleFunc("GET /api/v1/week", s.api(func(r *http.Request) (int, any, error) {
		v, err := s.app.Plan(r.Context(), true, 0)
		return http.StatusOK, v, err
	}))
	mux.HandleFunc("GET /api/v1/ladder", s.api(func(r *http.Request) (int, any, error) {
		v, err := s.ladder.get(r.Context())
		return http.StatusOK, v, err
	}))
	mux.HandleFunc("GET /api/v1/overdue", s.api(func(r *http.Request) (int, any, error) {
		v, err := s.app.Overdue(r.Context())
		return http.StatusOK, v, err
	}))
	mux.HandleFunc("GET /api/v1/followups", s.api(func(r *http.Request) (int, any, error) {
		v, err := s.app.Followups(r.Context(), r.URL.Query().Get("all") != "")
		return http.StatusOK, v, err
	}))
	mux.HandleFunc("POST /api/v1/asks", s.api(func(r *http.Request) (int, any, error) {
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
	}))
	mux.HandleFunc("GET /api/v1/goals", s.api(func(r *http.Request) (int, any, error) {
		v, err := s.app.Goals(r.Context())
		return http.StatusOK, v, err
	}))
	mux.HandleFunc("POST /api/v1/goals", s.api(func(r *http.Request) (int, any, error) {
		var in struct {
			Text string   `json:"text"`
			Tags []string `json:"tags"`
			Due  string   `json:"due"`
		}
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		g, err := s.app.AddGoal(r.Context(), in.Text, in.Tags, in.Due)
		return http.StatusCreated, g, err
	}))
	mux.HandleFunc("GET /api/v1/assignment", s.api(func(r *http.Request) (int, any, error) {
		v, err := s.app.Assignment(r.Context())
		return http.StatusOK, v, err
	}))
	mux.HandleFunc("GET /api/v1/report", s.api(func(r *http.Request) (int, any, error) {
		v, err := s.app.Report(r.Context(), r.URL.Query().Get("since"), r.URL.Query().Get("until"))
		return http.StatusOK, v, err
	}))
	mux.HandleFunc("GET /api/v1/config", s.api(func(r *http.Request) (int, any, error) {
		v, err := s.app.Config(r.Context())
		return http.StatusOK, v, err
	}))
	mux.HandleFunc("PATCH /api/v1/people/{id}", s.api(func(r *http.Request) (int, any, error) {
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
			Cadence   *int     `json:"cadence_days"`
		}
		if err := decode(r, &e); err != nil {
			return 0, nil, err
		}
		d, err := s.app.EditPerson(r.Context(), r.PathValue("id"), app.PersonEdit{Name: e.Name, Org: e.Org, Title: e.Title, Met: e.Met,
			AddEmails: e.AddEmails, AddPhones: e.AddPhones, AddURLs: e.AddURLs, AddTags: e.AddTags,
			RmEmails: e.RmEmails, RmPhones: e.RmPhones, RmURLs: e.RmURLs, RmTags: e.RmTags,
			AddWants: e.AddWants, AddOffers: e.AddOffers, AddNotes: e.AddNotes, Cadence: e.Cadence})
		return http.StatusOK, d, err
	}))
	mux.HandleFunc("GET /api/v1/people/{id}/photo", s.photo)
	mux.HandleFunc("DELETE /api/v1/people/{id}/photo", s.api(func(r *http.Request) (int, any, error) {
		return http.StatusOK, map[string]bool{"removed": true}, s.app.RemovePhoto(r.Context(), r.PathValue("id"))
	}))
	mux.HandleFunc("DELETE /api/v1/people/{id}", s.api(func(r *http.Request) (int, any, error) {
		res, err := s.app.DeletePerson(r.Context(), r.PathValue("id"), r.URL.Query().Get("confirm") == "true")
		return http.StatusOK, res, err
	}))
	mux.HandleFunc("PATCH /api/v1/interactions/{id}", s.api(func(r *http.Request) (int, any, error) {
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
		it, err := s.app.EditInteraction(r.Context(), r.PathValue("id"), app.InteractionEdit{Kind: in.Kind, At: in.At, By: in.By, Minutes: in.Minutes, Note: in.Note})
		return http.StatusOK, it, err
	}))
	mux.HandleFunc("DELETE /api/v1/interactions/{id}", s.api(func(r *http.Request) (int, any, error) {
		it, err := s.app.DeleteInteraction(r.Context(), r.PathValue("id"))
		return http.StatusOK, it, err
	}))
	mux.HandleFunc("POST /api/v1/undo", s.api(func(r *http.Request) (int, any, error) {
		it, err := s.app.Undo(r.Context())
		return http.StatusOK, it, err
	}))
	mux.HandleFunc("POST /api/v1/people/{id}/followups", s.api(func(r *http.Request) (int, any, error) {
		var in struct {
			Text string `json:"text"`
			Due  string `json:"due"`
		}
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		fu, err := s.app.AddFollowup(r.Context(), r.PathValue("id"), in.Text, in.Due)
		return http.StatusCreated, fu, err
	}))
	mux.HandleFunc("POST /api/v1/followups/{id}/done", s.api(func(r *http.Request) (int, any, error) {
		id, err := s.app.FollowupDone(r.Context(), r.PathValue("id"))
		return http.StatusOK, map[string]string{"id": id}, err
	}))
	mux.HandleFunc("POST /api/v1/asks/{id}/answer", s.api(func(r *http.Request) (int, any, error) {
		var in struct {
			Outcome string `json:"outcome"`
			At      string `json:"at"`
		}
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		a, err := s.app.Answer(r.Context(), r.PathValue("id"), in.Outcome, in.At)
		return http.StatusOK, a, err
	}))
	mux.HandleFunc("POST /api/v1/goals/{id}/done", s.api(func(r *http.Request) (int, any, error) {
		g, err := s.app.GoalDone(r.Context(), r.PathValue("id"))
		return http.StatusOK, g, err
	}))
	mux.HandleFunc("POST /api/v1/assignment", s.api(func(r *http.Request) (int, any, error) {
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
	}))
	mux.HandleFunc("GET /api/v1/budget", s.api(func(r *http.Request) (int, any, error) {
		b, err := s.app.Budget(r.Context())
		return http.StatusOK, b, err
	}))
	mux.HandleFunc("PUT /api/v1/budget", s.api(func(r *http.Request) (int, any, error) {
		var in struct {
			Day  *int `json:"day_minutes"`
			Week *int `json:"week_minutes"`
		}
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		str := func(p *int) string {
			if p == nil {
				return ""
			}
			return strconv.Itoa(*p)
		}
		b, err := s.app.SetBudget(r.Context(), str(in.Day), str(in.Week))
		return http.StatusOK, b, err
	}))
	mux.HandleFunc("POST /api/v1/import/{source}", func(w http.ResponseWriter, r *http.Request) {
		sum, err := s.importBody(r)
		if err != nil {
			apiError(w, status(err), err)
			return
		}
		writeJSON(w, http.StatusOK, sum)
	})
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
