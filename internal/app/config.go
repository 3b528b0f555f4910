package app

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// setting is one tunable of the model, stored under its key in settings,
// with the range of values it accepts (anything else is refused, naming it).
type setting struct {
	key    string
	doc    string
	lo, hi float64
	get    func(p *model.Params) string
	set    func(p *model.Params, v string) error
	days   bool
}

// parse reads a value of the setting as a number in its range: NaN,
// infinities and absurd values never reach the model.
func (s setting) parse(v, unit string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, rapport.Errorf(rapport.EINVALID, "%s %q: expected %s", s.key, v, unit)
	}
	if f < s.lo || f > s.hi {
		return 0, rapport.Errorf(rapport.EINVALID, "%s %q: must be between %s and %s", s.key, v, fmtNum(s.lo), fmtNum(s.hi))
	}
	return f, nil
}

// Range says the values a setting accepts.
func (s setting) Range() string { return fmtNum(s.lo) + "–" + fmtNum(s.hi) }

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func daysSetting(key, doc string, lo, hi float64, field func(p *model.Params) *time.Duration) setting {
	s := setting{key: key, doc: doc, days: true, lo: lo, hi: hi,
		get: func(p *model.Params) string { return strconv.FormatFloat(field(p).Hours()/24, 'f', -1, 64) }}
	s.set = func(p *model.Params, v string) error {
		d, err := s.parse(strings.TrimSuffix(strings.TrimSpace(v), "d"), "a number of days")
		if err != nil {
			return err
		}
		*field(p) = time.Duration(d * float64(model.Day))
		return nil
	}
	return s
}

func floatSetting(key, doc string, lo, hi float64, field func(p *model.Params) *float64) setting {
	s := setting{key: key, doc: doc, lo: lo, hi: hi,
		get: func(p *model.Params) string { return strconv.FormatFloat(*field(p), 'f', -1, 64) }}
	s.set = func(p *model.Params, v string) error {
		f, err := s.parse(v, "a number")
		if err != nil {
			return err
		}
		*field(p) = f
		return nil
	}
	return s
}

func intSetting(key, doc string, lo, hi float64, field func(p *model.Params) *int) setting {
	s := setting{key: key, doc: doc, lo: lo, hi: hi,
		get: func(p *model.Params) string { return strconv.Itoa(*field(p)) }}
	s.set = func(p *model.Params, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return rapport.Errorf(rapport.EINVALID, "%s %q: expected a whole number", key, v)
		}
		if _, err := s.parse(v, "a whole number"); err != nil {
			return err
		}
		*field(p) = n
		return nil
	}
	return s
}

func settings() []setting {
	s := []setting{
		daysSetting("half_life", "days for a tie's depth to halve without contact", 1, 3650, func(p *model.Params) *time.Duration { return &p.HalfLife }),
		daysSetting("history_half_life", "days for the history component to halve without contact", 1, 36500, func(p *model.Params) *time.Duration { return &p.HistoryHalfLife }),
		daysSetting("duration_full", "days of contact at which duration stops adding", 1, 36500, func(p *model.Params) *time.Duration { return &p.DurationFull }),
		daysSetting("ask_window", "days an unanswered or declined ask blocks asking that person again", 1, 3650, func(p *model.Params) *time.Duration { return &p.AskWindow }),
		daysSetting("balance_span", "days over which the ask guard compares asks and gives", 1, 3650, func(p *model.Params) *time.Duration { return &p.BalanceSpan }),
		floatSetting("shallow_cap", "raw points that likes, follows and views can add at most", 0, 100, func(p *model.Params) *float64 { return &p.ShallowCap }),
		floatSetting("reciprocity", "bonus of a balanced tie, as a fraction of depth", 0, 5, func(p *model.Params) *float64 { return &p.Reciprocity }),
		floatSetting("history_max", "raw points of a long tie across every mode", 0, 100, func(p *model.Params) *float64 { return &p.HistoryMax }),
		floatSetting("scale", "raw points at which strength reaches 63", 0.1, 1000, func(p *model.Params) *float64 { return &p.Scale }),
		intSetting("asks_per_day", "most asks across everyone in a day before the guard says wait", 1, 100, func(p *model.Params) *int { return &p.MaxAsksDay }),
		intSetting("asks_per_week", "most asks across everyone in seven days before the guard says wait", 1, 500, func(p *model.Params) *int { return &p.MaxAsksWeek }),
		daysSetting("favour_memory", "days a favour they did for you stands before the next ask, until you give back", 1, 3650, func(p *model.Params) *time.Duration { return &p.FavourMemory }),
		floatSetting("time_min", "least factor by which time spent scales a touch (a very short meeting)", 0.01, 1, func(p *model.Params) *float64 { return &p.TimeMin }),
		floatSetting("time_max", "most factor by which time spent scales a touch (a very long meeting)", 1, 100, func(p *model.Params) *float64 { return &p.TimeMax }),
		floatSetting("intro_trust", "share of the introducer's strength someone introduced warmly starts with (log --via)", 0, 1, func(p *model.Params) *float64 { return &p.IntroTrust }),
		floatSetting("one_way_cap", "most strength while nothing has come back (no reply, call, meeting or favour from them)", 0, 100, func(p *model.Params) *float64 { return &p.OneWayCap }),
	}
	for i, l := range model.DefaultParams().Layers {
		i := i
		capacity := setting{key: "layer." + l.Name + ".capacity", doc: "most people within the " + l.Name + " layer", lo: 1, hi: 1e6,
			get: func(p *model.Params) string { return strconv.Itoa(p.Layers[i].Capacity) }}
		capacity.set = func(p *model.Params, v string) error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return rapport.Errorf(rapport.EINVALID, "%s %q: expected a whole number", capacity.key, v)
			}
			if _, err := capacity.parse(v, "a whole number"); err != nil {
				return err
			}
			p.Layers[i].Capacity = n
			return nil
		}
		s = append(s,
			daysSetting("layer."+l.Name+".cadence", "days between contacts that keep someone in the "+l.Name+" layer (0: none)", 0, 3650,
				func(p *model.Params) *time.Duration { return &p.Layers[i].Cadence }),
			floatSetting("layer."+l.Name+".min", "least strength for the "+l.Name+" layer", 0, 100, func(p *model.Params) *float64 { return &p.Layers[i].Min }),
			capacity)
	}
	return s
}

// params reads the model's parameters: the defaults with stored overrides.
func (a *App) params(ctx context.Context, tx *store.Tx) (model.Params, error) {
	stored, err := tx.Settings(ctx)
	if err != nil {
		return model.Params{}, err
	}
	p := model.DefaultParams()
	for _, s := range settings() {
		if v, ok := stored["model."+s.key]; ok {
			if err := s.set(&p, v); err != nil {
				return p, fmt.Errorf("stored setting: %w", err)
			}
		}
	}
	return p, nil
}

// Setting is one model parameter as `rapport config` shows it.
type Setting struct {
	Key     string `json:"key"`
	Value   string `json:"value"`
	Default string `json:"default"`
	Range   string `json:"range"` // the values it accepts, "lo–hi"
	Doc     string `json:"doc"`
}

// Config lists the model's parameters.
func (a *App) Config(ctx context.Context) ([]Setting, error) {
	p, err := a.params(ctx, a.view(ctx))
	if err != nil {
		return nil, err
	}
	d := model.DefaultParams()
	var out []Setting
	for _, s := range settings() {
		out = append(out, Setting{Key: s.key, Value: s.get(&p), Default: s.get(&d), Range: s.Range(), Doc: s.doc})
	}
	env := "UTC"
	if z := a.envZone.Load(); z != nil {
		env = z.String()
	}
	out = append(out, Setting{Key: zoneSetting, Value: a.Zone().String(), Default: env, Range: "a zone name (Europe/Berlin)",
		Doc: "the zone your days are in: dates, today, week, due dates and the report's periods (default: TZ)"})
	return out, nil
}

// SetConfig changes one model parameter ("default" restores it) and rebuilds
// every tie under the new model, in one transaction.
func (a *App) SetConfig(ctx context.Context, key, value string) error {
	return a.UpdateSettings(ctx, SettingsInput{Config: map[string]string{key: value}})
}

// SettingsInput is a set of changes to the budget and the model, as the
// settings page posts them: nil and missing ones are left as they are. The
// model's settings stay text, as `rapport config` and the settings table show
// them: each setting reads its own value (a number, days, a zone).
type SettingsInput struct {
	Day, Week *int              // the budget's minutes
	Config    map[string]string // key → value, or "default"
}

// UpdateSettings checks every change first and then writes them all, with one
// rebuild of the ties, in one transaction: one bad value changes nothing.
func (a *App) UpdateSettings(ctx context.Context, in SettingsInput) error {
	all := settings()
	byKey := map[string]setting{}
	for _, s := range all {
		byKey[s.key] = s
	}
	keys := make([]string, 0, len(in.Config))
	zone, setZone := in.Config[zoneSetting]
	if setZone {
		if err := checkZone(zone); err != nil {
			return err
		}
	}
	for k := range in.Config {
		if k == zoneSetting {
			continue
		}
		if _, ok := byKey[k]; !ok {
			known := make([]string, len(all))
			for i, s := range all {
				known[i] = s.key
			}
			known = append(known, zoneSetting)
			sort.Strings(known)
			return rapport.Errorf(rapport.EINVALID, "unknown setting %q; settings are: %s", k, strings.Join(known, ", "))
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	day, week, err := checkBudget(in.Day, in.Week)
	if err != nil {
		return err
	}
	err = a.update(ctx, func(tx *store.Tx) error {
		p, err := a.params(ctx, tx)
		if err != nil {
			return err
		}
		orig := p
		orig.Layers = slices.Clone(p.Layers) // set writes the layers in place
		stored := map[string]string{}
		for _, k := range keys {
			s, value := byKey[k], in.Config[k]
			stored[k] = value
			if value == "default" {
				d := model.DefaultParams()
				value, stored[k] = s.get(&d), ""
			}
			if err := s.set(&p, value); err != nil {
				return err
			}
		}
		if err := p.Validate(); err != nil {
			return err
		}
		if err := a.storeBudget(ctx, tx, day, week); err != nil {
			return err
		}
		// The model and the zone are the workspace's on a team's server:
		// a member sends them back unchanged with their budget, and only
		// an owner or an admin changes them.
		now, err := tx.Settings(ctx)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if byKey[k].get(&orig) != byKey[k].get(&p) {
				if err := a.sharedChange(ctx, "the model's settings"); err != nil {
					return err
				}
			}
		}
		if setZone && strings.TrimSpace(strings.TrimPrefix(zone, "default")) != now[zoneKey] {
			if err := a.sharedChange(ctx, "the time zone"); err != nil {
				return err
			}
		}
		for _, k := range keys {
			if err := tx.SetSetting(ctx, "model."+k, stored[k]); err != nil {
				return err
			}
		}
		if setZone {
			if zone == "default" {
				zone = ""
			}
			if err := tx.SetSetting(ctx, zoneKey, strings.TrimSpace(zone)); err != nil {
				return err
			}
		}
		if len(keys) == 0 {
			return nil
		}
		return a.rebuild(ctx, tx, p)
	})
	if err == nil && setZone {
		err = a.reloadZone(ctx, a.view(ctx))
	}
	return err
}

// zoneSetting is the time zone as `rapport config` names it.
const zoneSetting = "time_zone"

// checkZone accepts an IANA zone name, or "default" (the zone of TZ).
func checkZone(v string) error {
	v = strings.TrimSpace(v)
	if v == "default" || v == "" {
		return nil
	}
	if _, err := time.LoadLocation(v); err != nil || strings.EqualFold(v, "local") {
		return rapport.Errorf(rapport.EINVALID, "time_zone %q: expected a zone name such as Europe/Berlin, America/New_York or UTC, or default (the zone of TZ)", v)
	}
	return nil
}

func (a *App) rebuild(ctx context.Context, tx *store.Tx, p model.Params) error {
	kinds, err := a.kindMap(ctx, tx)
	if err != nil {
		return err
	}
	_, err = rebuildTies(ctx, tx, kinds, p)
	return err
}

// tokenKey is where the web server's token is kept, as a hex SHA-256: the
// token itself is shown once and never stored.
const tokenKey = "serve.token_sha256"

// ServeTokenHash returns the stored hash of the web server's token, or "".
func (a *App) ServeTokenHash(ctx context.Context) (string, error) {
	s, err := a.view(ctx).Settings(ctx)
	if err != nil {
		return "", err
	}
	return s[tokenKey], nil
}

// SetServeTokenHash stores the hash of a new web server token.
func (a *App) SetServeTokenHash(ctx context.Context, hash string) error {
	return a.update(ctx, func(tx *store.Tx) error { return tx.SetSetting(ctx, tokenKey, hash) })
}

// modelRev names the way ties are computed from touches; stored ties made
// by an earlier way are rebuilt once when a database is opened (rev 2: time
// spent counts between 1/8 and 8 times, where it was between 1/2 and 2).
const (
	modelRev    = "2"
	modelRevKey = "rev.model"
)

// EnsureModel rebuilds every stored tie if the database's were computed by
// an earlier model, in one transaction. A database that cannot be written
// keeps its ties (figures computed from history are still right).
func (a *App) EnsureModel(ctx context.Context) error {
	s, err := a.view(ctx).Settings(ctx)
	if err != nil || s[modelRevKey] == modelRev || a.DB.ReadOnly() {
		return err
	}
	return a.update(ctx, func(tx *store.Tx) error {
		p, err := a.params(ctx, tx)
		if err != nil {
			return err
		}
		if err := a.rebuild(ctx, tx, p); err != nil {
			return err
		}
		return tx.SetSetting(ctx, modelRevKey, modelRev)
	})
}
