package app

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// setting is one tunable of the model, stored under its key in settings.
type setting struct {
	key  string
	doc  string
	get  func(p *model.Params) string
	set  func(p *model.Params, v string) error
	days bool
}

func daysSetting(key, doc string, field func(p *model.Params) *time.Duration) setting {
	return setting{key: key, doc: doc, days: true,
		get: func(p *model.Params) string { return strconv.FormatFloat(field(p).Hours()/24, 'f', -1, 64) },
		set: func(p *model.Params, v string) error {
			d, err := strconv.ParseFloat(strings.TrimSuffix(v, "d"), 64)
			if err != nil {
				return rapport.Errorf(rapport.EINVALID, "%s %q: expected a number of days", key, v)
			}
			if d < 0 {
				return rapport.Errorf(rapport.EINVALID, "%s %q: must not be negative", key, v)
			}
			*field(p) = time.Duration(d * float64(model.Day))
			return nil
		}}
}

func floatSetting(key, doc string, field func(p *model.Params) *float64) setting {
	return setting{key: key, doc: doc,
		get: func(p *model.Params) string { return strconv.FormatFloat(*field(p), 'f', -1, 64) },
		set: func(p *model.Params, v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return rapport.Errorf(rapport.EINVALID, "%s %q: expected a number", key, v)
			}
			*field(p) = f
			return nil
		}}
}

func settings() []setting {
	s := []setting{
		daysSetting("half_life", "days for a tie's depth to halve without contact", func(p *model.Params) *time.Duration { return &p.HalfLife }),
		daysSetting("history_half_life", "days for the history component to halve without contact", func(p *model.Params) *time.Duration { return &p.HistoryHalfLife }),
		daysSetting("duration_full", "days of contact at which duration stops adding", func(p *model.Params) *time.Duration { return &p.DurationFull }),
		daysSetting("ask_window", "days an unanswered or declined ask blocks asking that person again", func(p *model.Params) *time.Duration { return &p.AskWindow }),
		daysSetting("balance_span", "days over which the ask guard compares asks and gives", func(p *model.Params) *time.Duration { return &p.BalanceSpan }),
		floatSetting("shallow_cap", "raw points that likes, follows and views can add at most", func(p *model.Params) *float64 { return &p.ShallowCap }),
		floatSetting("reciprocity", "bonus of a balanced tie, as a fraction of depth", func(p *model.Params) *float64 { return &p.Reciprocity }),
		floatSetting("history_max", "raw points of a long tie across every mode", func(p *model.Params) *float64 { return &p.HistoryMax }),
		floatSetting("scale", "raw points at which strength reaches 63", func(p *model.Params) *float64 { return &p.Scale }),
	}
	for i, l := range model.DefaultParams().Layers {
		i := i
		s = append(s,
			daysSetting("layer."+l.Name+".cadence", "days between contacts that keep someone in the "+l.Name+" layer (0: none)",
				func(p *model.Params) *time.Duration { return &p.Layers[i].Cadence }),
			floatSetting("layer."+l.Name+".min", "least strength for the "+l.Name+" layer", func(p *model.Params) *float64 { return &p.Layers[i].Min }),
			setting{key: "layer." + l.Name + ".capacity", doc: "most people within the " + l.Name + " layer",
				get: func(p *model.Params) string { return strconv.Itoa(p.Layers[i].Capacity) },
				set: func(p *model.Params, v string) error {
					n, err := strconv.Atoi(v)
					if err != nil {
						return rapport.Errorf(rapport.EINVALID, "layer.%s.capacity %q: expected a whole number", l.Name, v)
					}
					p.Layers[i].Capacity = n
					return nil
				}})
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
	Doc     string `json:"doc"`
}

// Config lists the model's parameters.
func (a *App) Config(ctx context.Context) ([]Setting, error) {
	p, err := a.params(ctx, a.DB.View())
	if err != nil {
		return nil, err
	}
	d := model.DefaultParams()
	var out []Setting
	for _, s := range settings() {
		out = append(out, Setting{Key: s.key, Value: s.get(&p), Default: s.get(&d), Doc: s.doc})
	}
	return out, nil
}

// SetConfig changes one model parameter ("default" restores it) and rebuilds
// every tie under the new model, in one transaction.
func (a *App) SetConfig(ctx context.Context, key, value string) error {
	var found *setting
	all := settings()
	for i := range all {
		if all[i].key == key {
			found = &all[i]
		}
	}
	if found == nil {
		keys := make([]string, len(all))
		for i, s := range all {
			keys[i] = s.key
		}
		sort.Strings(keys)
		return rapport.Errorf(rapport.EINVALID, "unknown setting %q; settings are: %s", key, strings.Join(keys, ", "))
	}
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		p, err := a.params(ctx, tx)
		if err != nil {
			return err
		}
		stored := value
		if value == "default" {
			d := model.DefaultParams()
			value, stored = found.get(&d), ""
		}
		if err := found.set(&p, value); err != nil {
			return err
		}
		if err := p.Validate(); err != nil {
			return err
		}
		if err := tx.SetSetting(ctx, "model."+key, stored); err != nil {
			return err
		}
		return a.rebuild(ctx, tx, p)
	})
}

func (a *App) rebuild(ctx context.Context, tx *store.Tx, p model.Params) error {
	kinds, err := a.kindMap(ctx, tx)
	if err != nil {
		return err
	}
	_, err = tx.RebuildTies(ctx, kinds, p)
	return err
}

// tokenKey is where the web server's token is kept, as a hex SHA-256: the
// token itself is shown once and never stored.
const tokenKey = "serve.token_sha256"

// ServeTokenHash returns the stored hash of the web server's token, or "".
func (a *App) ServeTokenHash(ctx context.Context) (string, error) {
	s, err := a.DB.View().Settings(ctx)
	if err != nil {
		return "", err
	}
	return s[tokenKey], nil
}

// SetServeTokenHash stores the hash of a new web server token.
func (a *App) SetServeTokenHash(ctx context.Context, hash string) error {
	return a.DB.Update(ctx, func(tx *store.Tx) error { return tx.SetSetting(ctx, tokenKey, hash) })
}
