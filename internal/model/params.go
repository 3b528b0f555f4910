// Package model computes tie strength, layers and the actionable network from
// plain values and an explicit moment. It does no I/O; every figure is a pure
// function of the history and the time asked about. docs/model.md gives the
// maths and the research behind the defaults.
package model

import (
	"fmt"
	"math"
	"time"

	"github.com/rapport-app/rapport"
)

// Params are the model's tunable constants. Zero values are not meaningful;
// start from DefaultParams.
type Params struct {
	// HalfLife is how long it takes the depth of a tie (and every decayed sum)
	// to halve without contact.
	HalfLife time.Duration
	// HistoryHalfLife is the slower half-life of the history component: a tie
	// known for years across several modes keeps more of its strength in a gap.
	HistoryHalfLife time.Duration
	// ShallowCap bounds, in raw points, the total that shallow kinds (likes,
	// follows, views) can ever add.
	ShallowCap float64
	// Reciprocity is the bonus, as a fraction of depth, of a perfectly
	// balanced tie over a one-way tie with the same touches.
	Reciprocity float64
	// HistoryMax is the raw points of a tie active for DurationFull or more
	// across every mode.
	HistoryMax float64
	// DurationFull is the span of contact at which duration stops adding.
	DurationFull time.Duration
	// Scale turns raw points into 0-100: strength = 100 * (1 - exp(-raw/Scale)).
	Scale float64
	// Layers are the Dunbar circles from the inside out.
	Layers []LayerRule
	// AskWindow is how long an unanswered or declined ask blocks another.
	AskWindow time.Duration
	// BalanceSpan is the span over which the guard compares asks and gives.
	BalanceSpan time.Duration
	// OneWayCap is the most strength a tie can have while nothing has come
	// back: no touch from them (a reply, them reaching out, a favour) and no
	// call or meeting, which take both sides. However many messages go out
	// unanswered, the tie stays below every rung above the like.
	OneWayCap float64
	// MaxAsksDay and MaxAsksWeek bound the asks across everyone: past them
	// the guard says wait (seed 004: do not blast your network).
	MaxAsksDay, MaxAsksWeek int
	// FavourMemory is how long a favour they did for you stands in the way
	// of the next ask until you give back.
	FavourMemory time.Duration
	// TimeMin and TimeMax bound the factor by which time spent scales a
	// touch (the square root of its minutes over the kind's usual minutes):
	// a 5-minute meeting counts less than a 15-minute one, a day together
	// more than an afternoon.
	TimeMin, TimeMax float64
	// IntroTrust is the share of the introducer's strength a person
	// introduced warmly starts with, in the guard's eyes; it decays with
	// HalfLife from the introduction.
	IntroTrust float64
}

// LayerRule is one Dunbar circle: at most Capacity people (counted with the
// circles inside it) whose strength is at least Min.
type LayerRule struct {
	Name     string  `json:"name"`
	Capacity int     `json:"capacity"`
	Min      float64 `json:"min"`
	// Cadence is how often people in this layer should hear from you to stay
	// in it (0: no cadence).
	Cadence time.Duration `json:"-"`
}

// Day is 24 hours; the model measures time in days.
const Day = 24 * time.Hour

// DefaultParams returns the defaults documented in docs/model.md.
func DefaultParams() Params {
	return Params{
		HalfLife:        120 * Day,
		HistoryHalfLife: 730 * Day,
		ShallowCap:      3,
		Reciprocity:     0.3,
		HistoryMax:      15,
		DurationFull:    10 * 365 * Day,
		Scale:           30,
		Layers: []LayerRule{
			{Name: "inner", Capacity: 5, Min: 70, Cadence: 7 * Day},
			{Name: "close", Capacity: 15, Min: 45, Cadence: 30 * Day},
			{Name: "active", Capacity: 50, Min: 15, Cadence: 182 * Day},
			{Name: "network", Capacity: 150, Min: 10, Cadence: 365 * Day},
			{Name: "acquaintance", Capacity: 500, Min: 2},
		},
		AskWindow:    30 * Day,
		BalanceSpan:  365 * Day,
		OneWayCap:    4,
		MaxAsksDay:   3,
		MaxAsksWeek:  7,
		FavourMemory: 60 * Day,
		IntroTrust:   0.4,
		TimeMin:      0.125,
		TimeMax:      8,
	}
}

// CadenceOf returns the cadence of a layer (0 for none).
func (p Params) CadenceOf(layer string) time.Duration {
	for _, l := range p.Layers {
		if l.Name == layer {
			return l.Cadence
		}
	}
	return 0
}

// Known is the layer of everyone outside the circles.
const Known = "known"

// Validate checks that the parameters make sense together.
func (p Params) Validate() error {
	switch {
	case p.HalfLife < Day:
		return rapport.Errorf(rapport.EINVALID, "half_life: must be at least one day")
	case p.HistoryHalfLife < Day:
		return rapport.Errorf(rapport.EINVALID, "history_half_life: must be at least one day")
	case p.AskWindow < Day || p.BalanceSpan < Day:
		return rapport.Errorf(rapport.EINVALID, "ask_window and balance_span: must be at least one day")
	case p.DurationFull < Day:
		return rapport.Errorf(rapport.EINVALID, "duration_full: must be at least one day")
	case !(p.ShallowCap >= 0), !(p.Reciprocity >= 0), !(p.HistoryMax >= 0):
		return rapport.Errorf(rapport.EINVALID, "shallow_cap, reciprocity and history_max must not be negative")
	case !(p.Scale > 0):
		return rapport.Errorf(rapport.EINVALID, "scale: must be positive")
	case !(p.TimeMin > 0 && p.TimeMin <= 1 && p.TimeMax >= 1):
		return rapport.Errorf(rapport.EINVALID, "time_min must be in (0, 1] and time_max at least 1")
	case !(p.OneWayCap >= 0 && p.OneWayCap <= 100):
		return rapport.Errorf(rapport.EINVALID, "one_way_cap: must be between 0 and 100")
	}
	prevCap, prevMin := 0, math.Inf(1)
	for _, l := range p.Layers {
		if l.Capacity <= prevCap || l.Min > prevMin {
			return rapport.Errorf(rapport.EINVALID, "layer %s: capacities must grow and minimums must fall from the inside out", l.Name)
		}
		prevCap, prevMin = l.Capacity, l.Min
	}
	return nil
}

// String shows the parameters on one line, for logs.
func (p Params) String() string {
	return fmt.Sprintf("half_life=%s history_half_life=%s shallow_cap=%g reciprocity=%g history_max=%g scale=%g",
		p.HalfLife, p.HistoryHalfLife, p.ShallowCap, p.Reciprocity, p.HistoryMax, p.Scale)
}
