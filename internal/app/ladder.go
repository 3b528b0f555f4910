package app

import (
	"context"
	"sort"
	"strings"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/store"
)

// Rung is one step of the ladder with the people who stand at or above it.
type Rung struct {
	Action      string  `json:"action"`
	Description string  `json:"description"`
	Threshold   float64 `json:"threshold"`
	Minutes     int     `json:"minutes"`
	People      int     `json:"people"`
}

// Ladder is the actionable network beside the raw contact count.
type Ladder struct {
	Contacts int    `json:"contacts"`
	Rungs    []Rung `json:"rungs"`
}

// Ladder counts, for each rung in ascending threshold, the people at or above it.
func (a *App) Ladder(ctx context.Context) (*Ladder, error) {
	tx := a.view(ctx)
	p, err := a.params(ctx, tx)
	if err != nil {
		return nil, err
	}
	kinds, err := tx.Kinds(ctx)
	if err != nil {
		return nil, err
	}
	sc, err := a.scores(ctx, tx, p)
	if err != nil {
		return nil, err
	}
	contacts, err := tx.CountPeople(ctx)
	if err != nil {
		return nil, err
	}
	l := &Ladder{Contacts: contacts, Rungs: []Rung{}}
	for _, k := range kinds {
		if !k.OnLadder() {
			continue
		}
		r := Rung{Action: k.Name, Description: k.Description, Threshold: *k.Threshold, Minutes: k.Minutes}
		// The list is strongest first: count the prefix at or above the threshold.
		r.People = sort.Search(len(sc.List), func(i int) bool { return sc.List[i].Strength < r.Threshold })
		l.Rungs = append(l.Rungs, r)
	}
	return l, nil
}

// Who is the answer to "who would do this for me?".
type Who struct {
	Action    string      `json:"action"`
	Threshold float64     `json:"threshold"`
	People    []WhoPerson `json:"people"`
}

// WhoPerson is one person above a rung.
type WhoPerson struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	Strength float64 `json:"strength"`
	Layer    string  `json:"layer"`
}

// Who lists the people at or above the threshold of a rung, strongest first.
func (a *App) Who(ctx context.Context, action string, limit int) (*Who, error) {
	tx := a.view(ctx)
	k, err := a.rung(ctx, tx, action)
	if err != nil {
		return nil, err
	}
	_, sc, err := a.scored(ctx, tx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, s := range sc.List {
		if s.Strength < *k.Threshold || limit > 0 && len(ids) == limit {
			break
		}
		ids = append(ids, s.ID)
	}
	rows, err := tx.PeopleByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	w := &Who{Action: k.Name, Threshold: *k.Threshold, People: []WhoPerson{}}
	for _, r := range rows {
		s := sc.Of(r.ID)
		w.People = append(w.People, WhoPerson{ID: r.ID, Name: r.Name, Strength: s.Strength, Layer: s.Layer})
	}
	return w, nil
}

func (a *App) rung(ctx context.Context, tx *store.Tx, action string) (rapport.Kind, error) {
	k, err := tx.Kind(ctx, strings.ToLower(strings.TrimSpace(action)))
	if err != nil {
		return k, err
	}
	if !k.OnLadder() {
		return k, rapport.Errorf(rapport.EINVALID, "%q is a kind of interaction but not a rung of the ladder (see `rapport ladder`)", action)
	}
	return k, nil
}

// Kinds lists the catalogue of kinds.
func (a *App) Kinds(ctx context.Context) ([]rapport.Kind, error) {
	return a.view(ctx).Kinds(ctx)
}

// RungEdit changes a rung; nil fields stay as they are.
type RungEdit struct {
	Threshold   *float64
	Minutes     *int
	Weight      *float64
	Mode        *rapport.Mode
	Description *string
}

// LadderSet changes a rung, or puts an existing kind on the ladder.
func (a *App) LadderSet(ctx context.Context, action string, e RungEdit) (rapport.Kind, error) {
	if err := a.sharedChange(ctx, "the ladder's rungs"); err != nil {
		return rapport.Kind{}, err
	}
	var out rapport.Kind
	err := a.update(ctx, func(tx *store.Tx) error {
		k, err := tx.Kind(ctx, strings.ToLower(strings.TrimSpace(action)))
		if err != nil {
			return err
		}
		if e.Threshold == nil && k.Threshold == nil {
			return rapport.FieldErrorf(rapport.EINVALID, "threshold", "is needed: %s is not on the ladder yet", k.Name)
		}
		reweigh := e.Weight != nil && *e.Weight != k.Weight
		if err := applyRung(&k, e); err != nil {
			return err
		}
		if err := tx.PutKind(ctx, k); err != nil {
			return err
		}
		out = k
		if reweigh {
			p, err := a.params(ctx, tx)
			if err != nil {
				return err
			}
			return a.rebuild(ctx, tx, p)
		}
		return nil
	})
	return out, err
}

// LadderAdd adds a new action to the catalogue and the ladder.
func (a *App) LadderAdd(ctx context.Context, action string, e RungEdit) (rapport.Kind, error) {
	if err := a.sharedChange(ctx, "the ladder's rungs"); err != nil {
		return rapport.Kind{}, err
	}
	name := strings.ToLower(strings.TrimSpace(action))
	if err := rapport.ValidateKindName(name); err != nil {
		return rapport.Kind{}, err
	}
	if e.Threshold == nil {
		return rapport.Kind{}, rapport.FieldErrorf(rapport.EINVALID, "threshold", "is required for a new rung (%s)", name)
	}
	k := rapport.Kind{Name: name, Mode: rapport.ModeHelp, Minutes: 30}
	// A favour that needs a stronger tie says more when it is done.
	k.Weight = 1 + *e.Threshold/10
	err := a.update(ctx, func(tx *store.Tx) error {
		if _, err := tx.Kind(ctx, name); err == nil {
			return rapport.Errorf(rapport.ECONFLICT, "%s already exists: use `rapport ladder set %s`", name, name)
		}
		if err := applyRung(&k, e); err != nil {
			return err
		}
		return tx.PutKind(ctx, k)
	})
	return k, err
}

// LadderRemove takes an action off the ladder. A kind that ships with
// Rapport or that interactions use stays in the catalogue, without a threshold.
func (a *App) LadderRemove(ctx context.Context, action string) error {
	if err := a.sharedChange(ctx, "the ladder's rungs"); err != nil {
		return err
	}
	return a.update(ctx, func(tx *store.Tx) error {
		k, err := a.rung(ctx, tx, action)
		if err != nil {
			return err
		}
		uses, err := tx.KindUses(ctx, k.Name)
		if err != nil {
			return err
		}
		if k.Builtin || uses > 0 {
			k.Threshold = nil
			return tx.PutKind(ctx, k)
		}
		return tx.DeleteKind(ctx, k.Name)
	})
}

func applyRung(k *rapport.Kind, e RungEdit) error {
	if e.Threshold != nil {
		if err := rapport.ValidateThreshold(*e.Threshold); err != nil {
			return err
		}
		t := *e.Threshold
		k.Threshold = &t
	}
	if e.Minutes != nil {
		if *e.Minutes < 0 || *e.Minutes > MaxMinutes {
			return rapport.FieldErrorf(rapport.EINVALID, "minutes", "%d: must be between 0 and %d", *e.Minutes, MaxMinutes)
		}
		k.Minutes = *e.Minutes
	}
	if e.Weight != nil {
		if !(*e.Weight >= 0 && *e.Weight <= 100) {
			return rapport.FieldErrorf(rapport.EINVALID, "weight", "%v: must be between 0 and 100", *e.Weight)
		}
		k.Weight = *e.Weight
	}
	if e.Mode != nil {
		m, err := rapport.ParseMode(string(*e.Mode))
		if err != nil {
			return err
		}
		k.Mode = m
	}
	if e.Description != nil {
		d, _ := rapport.Clean(*e.Description, false)
		if err := rapport.CheckText("description", d, rapport.MaxText); err != nil {
			return err
		}
		k.Description = strings.TrimSpace(d)
	}
	return nil
}
