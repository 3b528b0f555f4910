package model

import (
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
)

// TestReachMatchesDefinition checks Reach against the report's definition,
// on random histories: you reached someone in [since, end) when a touch of
// yours alone is in it, and they answered when a touch of theirs or a shared
// one came at or after your first there.
func TestReachMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sides := []rapport.By{rapport.ByMe, rapport.ByThem, rapport.ByBoth}
	type touch struct {
		at time.Time
		by rapport.By
	}
	for n := 0; n < 2000; n++ {
		var hist []touch
		for range rng.IntN(8) {
			// Few distinct days, so that touches at the same instant are common.
			hist = append(hist, touch{base.AddDate(0, 0, rng.IntN(10)), sides[rng.IntN(3)]})
		}
		sort.SliceStable(hist, func(i, j int) bool { return hist[i].at.Before(hist[j].at) })
		var r Reach
		for _, x := range hist {
			r.Add(x.at, x.by)
		}
		for d := range 11 {
			since := base.AddDate(0, 0, d)
			var first time.Time
			reached, answered := false, false
			for _, x := range hist {
				if x.at.Before(since) || x.by != rapport.ByMe {
					continue
				}
				if !reached || x.at.Before(first) {
					first = x.at
				}
				reached = true
			}
			for _, x := range hist {
				if reached && x.by != rapport.ByMe && !x.at.Before(first) {
					answered = true
				}
			}
			if r.Reached(since) != reached || r.Answered(since) != answered {
				t.Fatalf("history %v since day %d: reached %v answered %v, want %v %v", hist, d, r.Reached(since), r.Answered(since), reached, answered)
			}
		}
	}
}
