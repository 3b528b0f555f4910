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
	"github.com/rapport-app/rapport/internal/model"
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
	return a.reloadZone(ctx, a.DB.View())
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

// local is now in the user's zone: what dates typed by the user are read
// against (rapport.ParseTime).
func (a *App) local() time.Time { return a.Now().In(a.Zone()) }

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

// Watch returns a watcher of the data's version, which moves whenever
// anything is written, from this process or another: the web server keys its
// cached views on it. Close it when done.
func (a *App) Watch(ctx context.Context) (*store.Watcher, error) { return a.DB.Watch(ctx) }

// Where names the database: its file, or its URL without the password.
func (a *App) Where() string { return a.DB.Path() }

// newID returns a time-ordered id (UUIDv7), made by the application so the
// schema stays portable.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// Score is one person's figures as of now.
type Score struct {
	ID       string
	Tie      model.Tie
	Strength float64
	Layer    string
}

// Scores are everyone's figures: those with a history strongest first (equal
// strengths by id), and an index by id. Anyone else has strength 0 and is Known.
type Scores struct {
	List []Score
	byID map[string]int
}

// Of returns the score of one person.
func (s *Scores) Of(id string) Score {
	if i, ok := s.byID[id]; ok {
		return s.List[i]
	}
	return Score{ID: id, Layer: model.Known}
}

// scored reads the model's parameters and, with them, everyone's scores.
func (a *App) scored(ctx context.Context, tx *store.Tx) (model.Params, *Scores, error) {
	p, err := a.params(ctx, tx)
	if err != nil {
		return p, nil, err
	}
	sc, err := a.scores(ctx, tx, p)
	return p, sc, err
}

// scoresMemo holds the network's scores for the reads of one request.
type scoresMemo struct {
	mu sync.Mutex
	sc *Scores
}

type scoresMemoKey struct{}

// WithScores returns a context whose reads rank the network once and reuse
// it: a page that shows one person's strength, layer and explanation would
// otherwise rank all of them three times (the person page: 190 ms to 75 ms
// on 20,000 people).
func WithScores(ctx context.Context) context.Context {
	return context.WithValue(ctx, scoresMemoKey{}, &scoresMemo{})
}

// readScores is scores for a read: from the context's memo when it has one.
func (a *App) readScores(ctx context.Context, tx *store.Tx, p model.Params) (*Scores, error) {
	m, _ := ctx.Value(scoresMemoKey{}).(*scoresMemo)
	if m == nil {
		return a.scores(ctx, tx, p)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sc == nil {
		sc, err := a.scores(ctx, tx, p)
		if err != nil {
			return nil, err
		}
		m.sc = sc
	}
	return m.sc, nil
}

// scores computes everyone's strength and layer at now from the stored tie
// states: one scan, no history. A tie whose history runs past now (when now is
// set in the past) is recomputed from its history instead.
func (a *App) scores(ctx context.Context, tx *store.Tx, p model.Params) (*Scores, error) {
	ties, err := tx.Ties(ctx)
	if err != nil {
		return nil, err
	}
	now := a.now()
	var kinds map[string]rapport.Kind
	list := make([]Score, len(ties))
	for i, r := range ties {
		tie := r.Tie
		if tie.Touches > 0 && tie.Seen.After(now) {
			if kinds == nil {
				if kinds, err = a.kindMap(ctx, tx); err != nil {
					return nil, err
				}
			}
			if tie, err = a.tieAt(ctx, tx, r.ID, kinds, p); err != nil {
				return nil, err
			}
		}
		list[i] = Score{ID: r.ID, Tie: tie, Strength: round1(tie.Strength(now, p))}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].Strength != list[j].Strength {
			return list[i].Strength > list[j].Strength
		}
		return list[i].ID < list[j].ID
	})
	strengths := make([]float64, len(list))
	for i, s := range list {
		strengths[i] = s.Strength
	}
	out := &Scores{List: list, byID: make(map[string]int, len(list))}
	for i, l := range model.AssignLayers(strengths, p.Layers) {
		out.List[i].Layer = l
		out.byID[list[i].ID] = i
	}
	return out, nil
}

// tieAt rebuilds one tie from its history, counting only what happened by now.
func (a *App) tieAt(ctx context.Context, tx *store.Tx, personID string, kinds map[string]rapport.Kind, p model.Params) (model.Tie, error) {
	touches, _, err := a.touches(ctx, tx, personID, kinds)
	if err != nil {
		return model.Tie{}, err
	}
	return model.TieOf(touches, a.now(), p), nil
}

func (a *App) touches(ctx context.Context, tx *store.Tx, personID string, kinds map[string]rapport.Kind) ([]model.Touch, []store.HistoryItem, error) {
	hist, err := tx.History(ctx, personID)
	if err != nil {
		return nil, nil, err
	}
	touches := make([]model.Touch, len(hist))
	for i, h := range hist {
		touches[i] = model.TouchOf(kinds[h.Kind], h.At, h.By, h.Minutes, h.Participants)
	}
	return touches, hist, nil
}

// modelOf reads what every strength computation needs: the model's
// parameters and the catalogue of kinds.
func (a *App) modelOf(ctx context.Context, tx *store.Tx) (model.Params, map[string]rapport.Kind, error) {
	p, err := a.params(ctx, tx)
	if err != nil {
		return p, nil, err
	}
	kinds, err := a.kindMap(ctx, tx)
	return p, kinds, err
}

func (a *App) kindMap(ctx context.Context, tx *store.Tx) (map[string]rapport.Kind, error) {
	ks, err := tx.Kinds(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]rapport.Kind, len(ks))
	for _, k := range ks {
		m[k.Name] = k
	}
	return m, nil
}

func round1(v float64) float64 {
	r := float64(int64(v*10+0.5)) / 10
	return r
}

func sortEntries(e []LedgerEntry) {
	sort.SliceStable(e, func(i, j int) bool { return e[i].At.Before(e[j].At) })
}
