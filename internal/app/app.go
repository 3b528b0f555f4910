// Package app is Rapport's set of operations: what the CLI and the web call.
// It resolves references, validates input, runs each change in one
// transaction and turns stored history into figures through internal/model,
// always as of the injected clock.
package app

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/store"
)

// App runs Rapport's operations on one database as of Now.
type App struct {
	DB  *store.DB
	Now func() time.Time
	// Warn, when set, hears of input that was repaired on its way in (see
	// rapport.Clean): the CLI prints it, the server logs it.
	Warn func(msg string)

	envZone atomic.Pointer[time.Location] // the zone the process was given (TZ)
	zone    atomic.Pointer[time.Location] // the time_zone setting, else envZone

	// syncBatch, when set, replaces syncBatch, and afterBatch hears of each
	// batch a capture committed (tests cross and cut batches).
	syncBatch  int
	afterBatch func() error

	// A workspace's App (see Workspace): the server's App, which holds the
	// directory, and the workspace; as is the member every operation acts
	// as when the context names none (ActAs).
	dir   *App
	space *Workspace
	as    *Member

	// replica, when set, serves the team views and searches (see
	// SetReplica); wrote is when each member last wrote (time.Time by
	// member id), whose reads stay on the primary for fresh after it.
	replica *App
	fresh   time.Duration
	wrote   sync.Map
}

// zoneKey is where the time_zone setting is kept: an IANA name.
const zoneKey = "me.time_zone"

// Zone is the user's time zone: the time_zone setting, else the one the
// process was given (LoadZone), else UTC. Dates typed without a time, days,
// weeks and due dates are the user's; moments are stored in UTC.
func (a *App) Zone() *time.Location {
	if z := a.zone.Load(); z != nil {
		return z
	}
	return time.UTC
}

// LoadZone sets the zone of the environment (from TZ) and applies the
// stored time_zone setting over it.
func (a *App) LoadZone(ctx context.Context, env *time.Location) error {
	if env != nil {
		a.envZone.Store(env)
	}
	return a.reloadZone(ctx, a.view(ctx))
}

func (a *App) reloadZone(ctx context.Context, tx *store.Tx) error {
	s, err := tx.Settings(ctx)
	if err != nil {
		return err
	}
	z := a.envZone.Load()
	if name := s[zoneKey]; name != "" {
		if z, err = time.LoadLocation(name); err != nil {
			return fmt.Errorf("stored time_zone %q: %w", name, err)
		}
	}
	if z == nil {
		z = time.UTC
	}
	a.zone.Store(z)
	return nil
}

// Local is now in the user's zone: what the front ends read the dates a
// user types against (rapport.Form).
func (a *App) Local() time.Time { return a.Now().In(a.Zone()) }

// dayStart is the first moment of t's day in the user's zone, in UTC.
func (a *App) dayStart(t time.Time) time.Time { return rapport.DayStart(t, a.Zone()).UTC() }

// nextDay is the first moment of the day after t's, in UTC.
func (a *App) nextDay(t time.Time) time.Time {
	return rapport.DayStart(t, a.Zone()).AddDate(0, 0, 1).UTC()
}

// clean applies rapport.Clean to one field and warns when it changed it.
func (a *App) clean(field, v string, multiline bool) string {
	c, changed := rapport.Clean(v, multiline)
	if changed && a.Warn != nil {
		a.Warn(field + ": removed control characters or invalid UTF-8")
	}
	return c
}

// New returns an App on db with the given clock.
func New(db *store.DB, now func() time.Time) *App {
	return &App{DB: db, Now: now}
}

func (a *App) now() time.Time { return a.Now().UTC() }

// Open opens the database at path (a file, or a PostgreSQL URL), bringing
// its schema up to date, for an App on the clock now. Close it when done.
func Open(ctx context.Context, path string, now func() time.Time) (*App, error) {
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	return New(db, now), nil
}

// Close closes the database (and a workspace's replica handle).
func (a *App) Close() error {
	if a.replica != nil && a.dir != nil {
		a.replica.DB.Close()
	}
	return a.DB.Close()
}

// DefaultPath is the database used when none is named (see store.DefaultPath).
func DefaultPath() (string, error) { return store.DefaultPath() }

// SchemaVersion is the newest database schema this build knows.
func SchemaVersion() int64 { return store.SchemaVersion() }

// Watcher tells when the data has changed (see Watch).
type Watcher = store.Watcher

// Watch returns a watcher of the data's version, which moves whenever
// anything is written, from this process or another: the web server keys its
// cached views on it. Close it when done.
func (a *App) Watch(ctx context.Context) (*Watcher, error) { return a.DB.Watch(ctx) }

// Where names the database: its file, or its URL without the password.
func (a *App) Where() string { return a.DB.Path() }

// update runs fn in a write transaction seen by whoever acts: on a team's
// server the member's own ties, goals, follow-ups and assignments (see
// lens); elsewhere the database as it is.
func (a *App) update(ctx context.Context, fn func(*store.Tx) error) error {
	defer a.noteWrite(ctx)
	return a.DB.Update(ctx, func(tx *store.Tx) error { return fn(a.lens(ctx, tx)) })
}

// bulk is update for large writes (store.DB.BulkUpdate).
func (a *App) bulk(ctx context.Context, fn func(*store.Tx) error) error {
	defer a.noteWrite(ctx)
	return a.DB.BulkUpdate(ctx, func(tx *store.Tx) error { return fn(a.lens(ctx, tx)) })
}

// SetReplica sends the reads of the team's views and of searches to r, an
// App open on a streaming replica of a's database (serve --read-replica),
// except a member's own for fresh after each of their writes: a replica
// lags, and what one just did must show. Workspaces opened after this read
// their replica's schema too.
func (a *App) SetReplica(r *App, fresh time.Duration) { a.replica, a.fresh = r, fresh }

// noteWrite remembers when the one acting last wrote (for the replica's
// reads; a write that failed is remembered too, which only keeps them on
// the primary a little longer).
func (a *App) noteWrite(ctx context.Context) {
	if a.replica != nil {
		a.wrote.Store(a.memberID(ctx), time.Now())
	}
}

// readView is a reader for the team's views and searches: the replica's,
// unless there is none or the one acting wrote within fresh.
func (a *App) readView(ctx context.Context) *store.Tx {
	if a.replica == nil {
		return a.view(ctx)
	}
	if t, ok := a.wrote.Load(a.memberID(ctx)); ok && time.Since(t.(time.Time)) < a.fresh {
		return a.view(ctx)
	}
	return a.lens(ctx, a.replica.DB.View())
}

// view is a reader seen by whoever acts (see update).
func (a *App) view(ctx context.Context) *store.Tx { return a.lens(ctx, a.DB.View()) }

// newID returns a time-ordered id (UUIDv7), made by the application so the
// schema stays portable.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

func sortEntries(e []LedgerEntry) {
	sort.SliceStable(e, func(i, j int) bool { return e[i].At.Before(e[j].At) })
}

// IsURL reports whether a database path is a PostgreSQL URL.
func IsURL(path string) bool { return store.IsURL(path) }
