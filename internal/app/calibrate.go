package app

import (
	"context"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// RungCalibration is one rung's threshold against this user's evidence.
type RungCalibration struct {
	Action  string  `json:"action"`
	Current float64 `json:"current"`
	model.Calibration
}

// Calibrate fits each rung's threshold to the evidence: asks with an outcome
// (yes, or no and no answer as refusals) at the strength they were made, and
// favours people did for you at the strength the tie had just before. The fit
// is shrunk toward the shipped default (the current threshold for rungs you
// added). With apply, rungs with evidence take their fitted threshold.
func (a *App) Calibrate(ctx context.Context, apply bool) ([]RungCalibration, error) {
	var out []RungCalibration
	err := a.update(ctx, func(tx *store.Tx) error {
		out = nil // a transaction run again (PostgreSQL) starts over
		kinds, err := tx.Kinds(ctx)
		if err != nil {
			return err
		}
		ev := map[string][]model.Evidence{}
		asks, err := tx.AnsweredAsks(ctx)
		if err != nil {
			return err
		}
		for _, x := range asks {
			ev[x.Action] = append(ev[x.Action], model.Evidence{Strength: x.Strength, Yes: x.Outcome == rapport.OutcomeYes})
		}
		got, _, err := tx.Favours(ctx, "", rapport.ByThem, time.Time{}, a.now().Add(time.Millisecond))
		if err != nil {
			return err
		}
		for _, f := range got {
			if f.StrengthBefore != nil && f.Note != answeredNote {
				ev[f.Kind] = append(ev[f.Kind], model.Evidence{Strength: *f.StrengthBefore, Yes: true})
			}
		}
		shipped := map[string]float64{}
		for _, k := range rapport.DefaultKinds() {
			if k.OnLadder() {
				shipped[k.Name] = *k.Threshold
			}
		}
		for _, k := range kinds {
			if !k.OnLadder() {
				continue
			}
			def, ok := shipped[k.Name]
			if !ok {
				def = *k.Threshold
			}
			// Evidence moves the threshold you set, not the shipped one: with
			// none, the fit is your threshold.
			c := RungCalibration{Action: k.Name, Current: *k.Threshold, Calibration: model.Calibrate(*k.Threshold, ev[k.Name])}
			c.Default = def
			if apply && c.N > 0 && c.Fitted != c.Current {
				t := c.Fitted
				k.Threshold = &t
				if err := tx.PutKind(ctx, k); err != nil {
					return err
				}
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}
