// Package web serves Rapport in a browser and as a JSON API, over the same
// operations as the CLI (internal/app). Pages are rendered on the server from
// embedded templates; charts are SVG drawn here; the little JavaScript there
// is only makes search and logging quicker. Every state-changing request is
// checked against cross-site forgery, bodies are size-limited, and a
// malformed request gets a 4xx and changes nothing.
package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Body limits: a form or JSON request, and an uploaded export.
const (
	maxBody   = 1 << 20
	maxUpload = 256 << 20
)

// Server is the web app on one App.
type Server struct {
	app     *app.App
	log     *slog.Logger
	watch   *app.Watcher
	dav     davState
	logins  *limiter // failed sign-ins by address
	pages   map[string]*template.Template
	handler http.Handler
	inner   http.Handler // the routes behind the guard (what a team's front server hands a member's request to)
	opts    Options
	spaces  *spaces // a team's front server: its workspaces' servers
	// patterns are the routes served, as registered (the isolation test
	// calls every one).
	patterns []string
	flash    *flashes

	viewsMu sync.Mutex
	views   map[string]*views // by member ("" for one person's Rapport)
	builds  chan struct{}     // turns to build views: one a core

	// The team's views, the same for every member of a workspace, and the
	// people as they are, which each member's index ranks their way.
	base       *cache[*app.PeopleBase]
	wants      *cache[*app.Wants]
	teamLadder *cache[*app.TeamLadder]
	teamReport *cache[*app.TeamReport]
}

// views are the cached views of one reader: each member of a workspace
// has their own plan, people and ladder (their ties are their own).
type views struct {
	scores *cache[*app.Scores]
	today  *cache[*todayView]
	people *cache[*app.PeopleIndex]
	ladder *cache[*app.Ladder]
	hist   *cache[[]app.LadderPoint]
}

// withScores is ctx with the ranking of whoever it acts as (a person's page
// reads it three times): on a team's server the member's cached one, which
// their own writes refresh at once and teammates' (which leave their ties
// alone) within teamRebuildEvery; elsewhere made for the request.
func (s *Server) withScores(ctx context.Context) context.Context {
	if MemberOf(ctx) != nil {
		if sc, err := s.viewsOf(ctx).scores.get(ctx); err == nil {
			return app.WithScoresOf(ctx, sc)
		}
	}
	return app.WithScores(ctx)
}

// queued is build waiting its turn among the server's view builds: a team's
// members arriving at once would otherwise build their views all together,
// each slower for the others, and hold the workspace's connections while
// they do.
func queued[T any](turns chan struct{}, build func(context.Context) (T, error)) func(context.Context) (T, error) {
	return func(ctx context.Context) (T, error) {
		select {
		case turns <- struct{}{}:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
		defer func() { <-turns }()
		return build(ctx)
	}
}

// viewsOf are the cached views of whoever a request acts as.
func (s *Server) viewsOf(ctx context.Context) *views {
	id := ""
	if m := app.MemberFrom(ctx); m != nil {
		id = m.ID
	}
	s.viewsMu.Lock()
	defer s.viewsMu.Unlock()
	if v := s.views[id]; v != nil {
		return v
	}
	a := s.app
	v := &views{
		scores: newCache(s.version, queued(s.builds, a.Ranking)),
		today:  newCache(s.version, queued(s.builds, s.buildToday)),
		people: newCache(s.version, queued(s.builds, a.PeopleIndex)),
		ladder: newCache(s.version, queued(s.builds, a.Ladder)),
		hist:   newCache(s.version, queued(s.builds, func(ctx context.Context) ([]app.LadderPoint, error) { return a.LadderHistory(ctx, 6) })),
	}
	if id != "" {
		v.scores.every, v.today.every, v.people.every, v.ladder.every, v.hist.every = teamRebuildEvery, teamRebuildEvery, teamRebuildEvery, teamRebuildEvery, teamRebuildEvery
		// The members' plans share one reading of everyone's wants and
		// offers, and their indexes one reading of the people.
		v.today.build = queued(s.builds, func(ctx context.Context) (*todayView, error) {
			w, err := s.wants.get(ctx)
			if err != nil {
				return nil, err
			}
			return s.buildToday(app.WithWants(ctx, w))
		})
		v.people.build = queued(s.builds, func(ctx context.Context) (*app.PeopleIndex, error) {
			base, err := s.base.get(ctx)
			if err != nil {
				return nil, err
			}
			return a.PeopleIndexOver(ctx, base)
		})
	}
	s.views[id] = v
	return v
}

// New builds the server; Close releases what it holds.
func New(ctx context.Context, a *app.App, log *slog.Logger, opts Options) (*Server, error) {
	if !opts.Loopback && opts.Auth == nil {
		return nil, rapport.Errorf(rapport.EINVALID, "a server that is not on loopback needs authentication")
	}
	fl, err := newFlashes()
	if err != nil {
		return nil, err
	}
	w, err := a.Watch(ctx)
	if err != nil {
		return nil, err
	}
	s := &Server{app: a, log: log, watch: w, opts: opts, flash: fl, logins: newLimiter(10, time.Minute)}
	if s.pages, err = parsePages(s.app.Zone); err != nil {
		w.Close()
		return nil, err
	}
	s.views, s.builds = map[string]*views{}, make(chan struct{}, runtime.NumCPU())
	s.base = newCache(s.version, a.PeopleBase)
	s.wants = newCache(s.version, a.ReadWants)
	s.base.every, s.wants.every = teamRebuildEvery, teamRebuildEvery
	s.teamLadder = newCache(s.version, a.TeamLadder)
	s.teamReport = newCache(s.version, func(ctx context.Context) (*app.TeamReport, error) { return a.TeamReport(ctx, nil, nil, false) })
	// Everyone's writes move the team's views, a little each: rebuilt at
	// most every few seconds under a stream of them.
	s.teamLadder.every, s.teamReport.every = teamViewsEvery, teamViewsEvery
	if _, team := opts.Auth.(*TeamAuth); team && !opts.inner {
		s.spaces = &spaces{dir: a, log: log, opts: opts, by: map[string]*Server{}}
	}
	s.handler = s.routes()
	return s, nil
}

// Close releases the server's database watcher, and a team's workspaces.
func (s *Server) Close() error {
	err := s.watch.Close()
	if s.spaces != nil {
		err = errors.Join(err, s.spaces.close())
	}
	return err
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// version is what cached views are keyed on: the data and the day.
func (s *Server) version(ctx context.Context) (string, error) {
	v, err := s.watch.Version(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d/%s", v, s.app.Now().UTC().Truncate(time.Minute).Format(time.RFC3339)), nil
}

// changed is called after every write made here: cached views are rebuilt
// now, so the page the user is sent to next shows what they just did.
func (s *Server) changed(ctx context.Context) {
	if MemberOf(ctx) != nil {
		s.base.refresh(ctx) // someone new, or renamed, shows in their search at once
		s.wants.refresh(ctx)
	}
	v := s.viewsOf(ctx)
	v.scores.refresh(ctx)
	v.today.refresh(ctx)
	v.people.refresh(ctx)
	v.ladder.refresh(ctx)
}

func (s *Server) routes() http.Handler {
	mux := &routeMux{ServeMux: http.NewServeMux()}
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(noListing(http.FileServerFS(static)), time.Hour)))
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.loginPost)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /signin/{secret}", s.signIn)

	// Pages.
	mux.HandleFunc("GET /{$}", s.page(s.todayPage))
	mux.HandleFunc("POST /plan/done", s.form(s.planDone))
	mux.HandleFunc("GET /people", s.page(s.peoplePage))
	mux.HandleFunc("POST /people", s.form(s.createPerson))
	mux.HandleFunc("GET /people/{id}", s.page(s.personPage))
	mux.HandleFunc("POST /people/{id}", s.form(s.editPerson))
	mux.HandleFunc("POST /people/{id}/log", s.form(s.logTouch))
	mux.HandleFunc("POST /people/{id}/followups", s.form(s.addFollowup))
	mux.HandleFunc("POST /followups/{id}/done", s.form(s.followupDone))
	mux.HandleFunc("POST /people/{id}/delete", s.form(s.deletePerson))
	mux.HandleFunc("GET /people/{id}/photo", s.photo)
	mux.HandleFunc("POST /people/{id}/photo/delete", s.form(s.removePhoto))
	mux.HandleFunc("POST /interactions/{id}/delete", s.form(s.deleteInteraction))
	mux.HandleFunc("POST /undo", s.form(s.undo))
	mux.HandleFunc("POST /asks/{id}/answer", s.form(s.answerAsk))
	mux.HandleFunc("POST /people/{id}/snooze", s.form(s.snooze))
	mux.HandleFunc("GET /dupes", s.page(s.dupesPage))
	mux.HandleFunc("GET /network", s.page(s.networkPage))
	mux.HandleFunc("POST /network/trust", s.form(s.addTrust))
	mux.HandleFunc("POST /network/knows", s.form(s.addKnows))
	mux.HandleFunc("POST /dupes/merge", s.form(s.mergeDupes))
	mux.HandleFunc("GET /ladder", s.page(s.ladderPage))
	mux.HandleFunc("GET /ask", s.page(s.askPage))
	mux.HandleFunc("POST /ask", s.page(s.askPost))
	mux.HandleFunc("GET /goals", s.page(s.goalsPage))
	mux.HandleFunc("POST /goals", s.form(s.addGoal))
	mux.HandleFunc("POST /goals/{id}/done", s.form(s.goalDone))
	mux.HandleFunc("GET /assignment", s.page(s.assignmentPage))
	mux.HandleFunc("POST /assignment", s.form(s.newAssignment))
	mux.HandleFunc("POST /assignment/slots/{slot}/swap", s.form(s.swapSlot))
	mux.HandleFunc("POST /assignment/slots/{slot}/offer", s.form(s.offerSlot))
	mux.HandleFunc("GET /report", s.page(s.reportPage))
	mux.HandleFunc("GET /import", s.page(s.importPage))
	mux.HandleFunc("POST /import", s.pageUpTo(maxUpload, s.importPost))
	mux.HandleFunc("GET /export/{format}", s.export)
	mux.HandleFunc("GET /backup", s.backup)
	mux.HandleFunc("GET /settings", s.page(s.settingsPage))
	mux.HandleFunc("POST /settings", s.form(s.saveSettings))
	mux.HandleFunc("POST /settings/ladder", s.form(s.saveRung))
	mux.HandleFunc("POST /settings/offers", s.form(s.saveOffers))
	mux.HandleFunc("POST /settings/devices", s.createDevice)
	mux.HandleFunc("POST /settings/members", s.invite)
	mux.HandleFunc("POST /settings/password", s.form(s.setPassword))
	mux.HandleFunc("POST /settings/share", s.form(s.shareContent))
	mux.HandleFunc("POST /settings/passkeys/options", s.passkeyOptions)
	mux.HandleFunc("POST /settings/passkeys", s.addPasskey)
	mux.HandleFunc("POST /settings/passkeys/{id}/delete", s.form(s.removePasskey))
	mux.HandleFunc("POST /login/passkey/options", s.passkeySignInOptions)
	mux.HandleFunc("POST /login/passkey", s.passkeySignIn)
	mux.HandleFunc("POST /settings/devices/{id}/revoke", s.form(s.revokeDevice))
	mux.HandleFunc("POST /people/{id}/keep", s.form(s.keepOnDevices))
	mux.HandleFunc("POST /people/{id}/private", s.form(s.keepPrivate))

	s.apiRoutes(mux)
	dav := s.davHandler()
	mux.Handle("/dav/", dav)
	mux.Handle("/.well-known/carddav", dav)

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			apiError(w, http.StatusForbidden, rapport.Errorf(rapport.EINVALID, "cross-origin request refused"))
			return
		}
		http.Error(w, "Forbidden: a request from another site cannot change your data.", http.StatusForbidden)
	}))
	s.patterns = mux.patterns
	s.inner = csrf.Handler(s.unrouted(mux.ServeMux))
	return s.recoverer(securityHeaders(s.guard(s.inner)))
}

// routeMux is a ServeMux that keeps the patterns registered on it.
type routeMux struct {
	*http.ServeMux
	patterns []string
}

func (m *routeMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.HandleFunc(pattern, h)
}

func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

// unrouted answers requests no route takes: 404 with a page (or a JSON
// error under /api/), and 405 with the Allow header the mux computed when the
// path exists for other methods.
func (s *Server) unrouted(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// The mux's own handler sets Allow for a 405; a 404 sets nothing.
		rec := &headerOnly{h: http.Header{}}
		h.ServeHTTP(rec, r)
		api := strings.HasPrefix(r.URL.Path, "/api/")
		if allow := rec.h.Get("Allow"); rec.code == http.StatusMethodNotAllowed && allow != "" {
			w.Header().Set("Allow", allow)
			err := rapport.Errorf(rapport.EINVALID, "%s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, allow)
			if api {
				apiError(w, http.StatusMethodNotAllowed, err)
				return
			}
			s.render(w, r, http.StatusMethodNotAllowed, "error", pageData{Title: "Not allowed", Error: err.Message})
			return
		}
		if api {
			apiError(w, http.StatusNotFound, rapport.Errorf(rapport.ENOTFOUND, "no such API route: %s %s", r.Method, r.URL.Path))
			return
		}
		s.render(w, r, http.StatusNotFound, "error", pageData{Title: "Not found", Error: "There is no page at " + r.URL.Path + "."})
	})
}

// headerOnly records what the mux's fallback handler would answer.
type headerOnly struct {
	h    http.Header
	code int
}

func (h *headerOnly) Header() http.Header         { return h.h }
func (h *headerOnly) Write(b []byte) (int, error) { return len(b), nil }
func (h *headerOnly) WriteHeader(code int)        { h.code = code }

// noListing answers 404 for directories: the assets are served, not listed.
func noListing(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// securityHeaders keeps pages from being framed or sniffed, and scripts to our own.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
		h.ServeHTTP(w, r)
	})
}

func cacheFor(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(d.Seconds())))
		h.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving request", "path", r.URL.Path, "panic", v)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// status maps an operation's error to an HTTP status.
func status(err error) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	switch rapport.ErrorCode(err) {
	case rapport.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case rapport.EINVALID, rapport.EAMBIGUOUS:
		return http.StatusBadRequest
	case rapport.ENOTFOUND:
		return http.StatusNotFound
	case rapport.ECONFLICT:
		return http.StatusConflict
	case rapport.EBUSY:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// apiError writes {"error": {"code", "message"[, "candidates"]}}, as the CLI's --json does.
func apiError(w http.ResponseWriter, code int, err error) {
	body := map[string]any{"code": rapport.ErrorCode(err), "message": rapport.ErrorMessage(err)}
	if f := rapport.ErrorField(err); f != "" {
		body["field"] = f
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		body["code"], body["message"] = rapport.EINVALID, fmt.Sprintf("request body larger than %d bytes", mbe.Limit)
	}
	var rerr *rapport.Error
	if errors.As(err, &rerr) && len(rerr.Candidates) > 0 {
		body["candidates"] = rerr.Candidates
	}
	writeJSON(w, code, map[string]any{"error": body})
}

// writeJSON encodes v before it writes the status, so a value that cannot be
// encoded is a 500 with an error body, never a 200 with an empty one.
func writeJSON(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		buf.Reset()
		code = http.StatusInternalServerError
		_ = json.NewEncoder(&buf).Encode(map[string]any{"error": map[string]string{"code": rapport.EINTERNAL, "message": "could not encode the response: " + err.Error()}})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "2")
	}
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// cache holds one view computed from the database, keyed on its version. A
// stale view is served while one fresh one is built in the background, so a
// busy page never waits on a rebuild; the first build, and refresh after a
// write made here, wait.
type cache[T any] struct {
	version func(context.Context) (string, error)
	build   func(context.Context) (T, error)

	mu       sync.Mutex
	have     bool
	key      string
	val      T
	building bool
	started  time.Time     // of the last background rebuild
	every    time.Duration // rebuildEvery, unless a view says otherwise
	fillMu   sync.Mutex    // one build at a time: a view wanted by many at once is built once
}

// rebuildEvery bounds background rebuilds: under a stream of writes a view
// is rebuilt at most this often, so serving never starves for CPU.
const rebuildEvery = 500 * time.Millisecond

// teamRebuildEvery bounds the rebuilds of a member's own views on a team's
// server under their teammates' writes, which do not change the member's
// ties (their own writes rebuild them at once, see changed): what a
// teammate changed of the people themselves (a name, someone new) shows
// within this.
const teamRebuildEvery = time.Minute

// teamViewsEvery bounds the rebuilds of the team's views (ladder, report):
// each reads every member's ties (230,000 of them at 10,000,000 interactions).
const teamViewsEvery = 30 * time.Second

func newCache[T any](version func(context.Context) (string, error), build func(context.Context) (T, error)) *cache[T] {
	return &cache[T]{version: version, build: build, every: rebuildEvery}
}

func (c *cache[T]) get(ctx context.Context) (T, error) {
	key, err := c.version(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	c.mu.Lock()
	if c.have && c.key == key {
		v := c.val
		c.mu.Unlock()
		return v, nil
	}
	if c.have {
		v := c.val
		if !c.building && time.Since(c.started) >= c.every {
			c.building, c.started = true, time.Now()
			go c.rebuild(context.WithoutCancel(ctx), key)
		}
		c.mu.Unlock()
		return v, nil
	}
	c.mu.Unlock()
	return c.fill(ctx, key)
}

func (c *cache[T]) rebuild(ctx context.Context, key string) {
	_, _ = c.fill(ctx, key)
	c.mu.Lock()
	c.building = false
	c.mu.Unlock()
}

func (c *cache[T]) fill(ctx context.Context, key string) (T, error) {
	c.fillMu.Lock()
	defer c.fillMu.Unlock()
	c.mu.Lock()
	if c.have && c.key == key { // built meanwhile by whoever held fillMu
		v := c.val
		c.mu.Unlock()
		return v, nil
	}
	c.mu.Unlock()
	v, err := c.build(ctx)
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	c.have, c.key, c.val = true, key, v
	if c.started.IsZero() {
		c.started = time.Now() // the next rebuild waits its turn after the first build too
	}
	c.mu.Unlock()
	return v, nil
}

// refresh rebuilds the view now, if it was ever built.
func (c *cache[T]) refresh(ctx context.Context) {
	c.mu.Lock()
	have := c.have
	c.mu.Unlock()
	if !have {
		return
	}
	if key, err := c.version(ctx); err == nil {
		_, _ = c.fill(ctx, key)
	}
}
