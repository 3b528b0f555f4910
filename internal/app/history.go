package app

import (
	"context"
	"time"

	"github.com/rapport-app/rapport"
)

// StrengthHistory is a person's strength over the last days: the strength
// recorded just before each touch, then today's.
func (a *App) StrengthHistory(ctx context.Context, ref string, days int) ([]rapport.StrengthPoint, error) {
	tx := a.view(ctx)
	r, err := tx.Resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	now := a.now()
	pts, err := tx.StrengthHistory(ctx, r.ID, now.AddDate(0, 0, -days))
	if err != nil {
		return nil, err
	}
	p, err := a.params(ctx, tx)
	if err != nil {
		return nil, err
	}
	s, err := a.scoreOf(ctx, tx, p, r.ID)
	if err != nil {
		return nil, err
	}
	return append(pts, rapport.StrengthPoint{At: now, Strength: s.Strength}), nil
}

// LadderPoint is how many people stood at or above each rung at a moment.
type LadderPoint struct {
	At       time.Time      `json:"at"`
	Contacts int            `json:"contacts"`
	Rungs    map[string]int `json:"rungs"` // action → people at or above it
}

// LadderHistory rebuilds the ladder at the end of each of the last months
// (oldest first), from the tie snapshots (see statesAt).
func (a *App) LadderHistory(ctx context.Context, months int) ([]LadderPoint, error) {
	if err := a.buildSnapshots(ctx, a.now()); err != nil {
		return nil, err
	}
	tx := a.view(ctx)
	p, kinds, err := a.modelOf(ctx, tx)
	if err != nil {
		return nil, err
	}
	l, err := a.Ladder(ctx)
	if err != nil {
		return nil, err
	}
	now := a.now()
	var out []LadderPoint
	for m := months; m >= 1; m-- {
		at := now.AddDate(0, -m, 0)
		strengths, _, err := a.strengthsAt(ctx, tx, at, kinds, p)
		if err != nil {
			return nil, err
		}
		created, err := tx.CountPeopleBefore(ctx, at)
		if err != nil {
			return nil, err
		}
		pt := LadderPoint{At: at, Contacts: created, Rungs: map[string]int{}}
		for _, r := range l.Rungs {
			n := 0
			for _, s := range strengths {
				if s >= r.Threshold {
					n++
				}
			}
			pt.Rungs[r.Action] = n
		}
		out = append(out, pt)
	}
	return out, nil
}
