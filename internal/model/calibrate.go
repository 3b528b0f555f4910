package model

import "math"

// Evidence is one observation about a rung: the tie's strength when someone
// was asked (or acted), and whether they did it.
type Evidence struct {
	Strength float64
	Yes      bool
}

// Calibration is a rung's threshold fitted to one user's evidence.
type Calibration struct {
	Default float64 `json:"default"`
	Fitted  float64 `json:"fitted"`
	N       int     `json:"evidence"`
	Yes     int     `json:"yes"`
	// Brier scores (mean squared error of the predicted chance of a yes) under
	// the default and the fitted threshold; lower is better calibrated.
	BrierDefault float64 `json:"brier_default"`
	BrierFitted  float64 `json:"brier_fitted"`
}

// CalibrationSlope is how sharply willingness rises around a threshold: the
// chance of a yes is 1/(1+exp(-(strength-threshold)/CalibrationSlope)).
const CalibrationSlope = 5.0

// CalibrationPrior is the spread (standard deviation, in strength points) of
// the prior around the default threshold: with little evidence the fit stays
// near the default, and each observation pulls it further toward the data.
const CalibrationPrior = 12.0

// PYes is the modelled chance that a person at strength s does an action with
// threshold t.
func PYes(s, t float64) float64 {
	return 1 / (1 + math.Exp(-(s-t)/CalibrationSlope))
}

// Calibrate fits a rung's threshold to the evidence: the maximum a posteriori
// threshold of a logistic response with a normal prior centred on the default
// (searched on a grid of tenths over 0..100, so it is deterministic).
func Calibrate(def float64, ev []Evidence) Calibration {
	c := Calibration{Default: def, Fitted: def, N: len(ev)}
	for _, e := range ev {
		if e.Yes {
			c.Yes++
		}
	}
	if len(ev) == 0 {
		return c
	}
	best, bestLP := def, math.Inf(-1)
	for i := 0; i <= 1000; i++ {
		t := float64(i) / 10
		lp := -0.5 * math.Pow((t-def)/CalibrationPrior, 2)
		for _, e := range ev {
			p := PYes(e.Strength, t)
			p = math.Min(math.Max(p, 1e-12), 1-1e-12)
			if e.Yes {
				lp += math.Log(p)
			} else {
				lp += math.Log(1 - p)
			}
		}
		if lp > bestLP {
			best, bestLP = t, lp
		}
	}
	c.Fitted = best
	c.BrierDefault, c.BrierFitted = brier(ev, def), brier(ev, best)
	return c
}

func brier(ev []Evidence, t float64) float64 {
	sum := 0.0
	for _, e := range ev {
		y := 0.0
		if e.Yes {
			y = 1
		}
		d := PYes(e.Strength, t) - y
		sum += d * d
	}
	return math.Round(sum/float64(len(ev))*10000) / 10000
}
