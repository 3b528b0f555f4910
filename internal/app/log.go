package app

import (
	"context"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// LogInput is one interaction as a user types it.
type LogInput struct {
	Ref     string
	With    []string
	Kind    string
	At      string // empty for now
	By      string // me, them or both (the default)
	Channel string
	Minutes string // empty for not recorded
	Note    string
}

// MaxMinutes bounds the time one interaction may record: a full day.
const MaxMinutes = 24 * 60

// Log records one interaction and updates each participant's tie in
// constant time, all in one transaction.
func (a *App) Log(ctx context.Context, in LogInput) (*rapport.Interaction, error) {
	now := a.now()
	it := &rapport.Interaction{ID: newID(), At: now, Channel: strings.TrimSpace(in.Channel), Note: strings.TrimSpace(in.Note)}
	var err error
	if in.At != "" {
		if it.At, err = rapport.ParseTime(in.At, now); err != nil {
			return nil, err
		}
		if it.At.After(now.Add(time.Minute)) {
			return nil, rapport.Errorf(rapport.EINVALID, "--at %s is in the future (now is %s)", it.At.Format(time.RFC3339), now.Format(time.RFC3339))
		}
	}
	if it.By, err = rapport.ParseBy(in.By); err != nil {
		return nil, err
	}
	if in.Minutes != "" {
		if it.Minutes, err = rapport.ParseMinutes(in.Minutes); err != nil {
			return nil, err
		}
		if it.Minutes > MaxMinutes {
			return nil, rapport.Errorf(rapport.EINVALID, "--minutes %s: more than a day; log long events day by day", in.Minutes)
		}
	}
	err = a.DB.Update(ctx, func(tx *store.Tx) error {
		kind, err := tx.Kind(ctx, strings.ToLower(strings.TrimSpace(in.Kind)))
		if err != nil {
			return err
		}
		it.Kind = kind.Name
		seen := map[string]bool{}
		for _, ref := range append([]string{in.Ref}, in.With...) {
			r, err := tx.Resolve(ctx, ref)
			if err != nil {
				return err
			}
			if seen[r.ID] {
				return rapport.Errorf(rapport.EINVALID, "%s is named twice", r.Name)
			}
			seen[r.ID] = true
			it.People = append(it.People, r)
		}
		p, err := a.params(ctx, tx)
		if err != nil {
			return err
		}
		touch := model.TouchOf(kind, it.At, it.By, it.Minutes, len(it.People))
		before := make([]float64, len(it.People))
		for i, r := range it.People {
			tie, err := tx.Tie(ctx, r.ID)
			if err != nil {
				return err
			}
			if !tie.Seen.After(it.At) {
				before[i] = tie.Strength(it.At, p)
			} else {
				before[i] = tie.Strength(tie.Seen, p) // logged late: the best estimate at hand
			}
			tie.Add(touch, p)
			if err := tx.PutTie(ctx, r.ID, tie); err != nil {
				return err
			}
		}
		return tx.InsertInteraction(ctx, it, now.UnixMilli(), before)
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}

// Why is the explanation of one tie.
type Why struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Strength   float64           `json:"strength"`
	Layer      string            `json:"layer"`
	Components []model.Component `json:"components"`
	Top        []WhyTouch        `json:"top"`
}

// WhyTouch is one interaction's share of a strength.
type WhyTouch struct {
	At     time.Time  `json:"at"`
	Kind   string     `json:"kind"`
	By     rapport.By `json:"by"`
	Note   string     `json:"note,omitempty"`
	Points float64    `json:"points"`
}

// Why explains the strength of the tie with the person ref names: its
// components, which add up to it, and the interactions that gave most.
func (a *App) Why(ctx context.Context, ref string, top int) (*Why, error) {
	tx := a.DB.View()
	r, err := tx.Resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	p, kinds, err := a.modelOf(ctx, tx)
	if err != nil {
		return nil, err
	}
	touches, hist, err := a.touches(ctx, tx, r.ID, kinds)
	if err != nil {
		return nil, err
	}
	b, contribs := model.Explain(touches, a.now(), p)
	b = b.Round()
	w := &Why{ID: r.ID, Name: r.Name, Strength: b.Strength, Components: b.Components, Top: []WhyTouch{}}
	for _, c := range contribs {
		if len(w.Top) == top {
			break
		}
		h := hist[c.Index]
		w.Top = append(w.Top, WhyTouch{At: h.At, Kind: h.Kind, By: h.By, Note: h.Note, Points: round1(c.Points)})
	}
	sc, err := a.scores(ctx, tx, p)
	if err != nil {
		return nil, err
	}
	w.Layer = sc.Of(r.ID).Layer
	return w, nil
}
