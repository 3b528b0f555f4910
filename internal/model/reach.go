package model

import (
	"time"

	"github.com/rapport-app/rapport"
)

// Reach is who reached out on a tie and whether it was answered, kept while a
// history is read in time order: enough to tell, for any period ending when
// it was read, whether you reached out to the person in it and whether they
// answered (the report's "people reached" and "responded").
type Reach struct {
	LastMe       time.Time // your last touch (you alone began it)
	LastThem     time.Time // their last touch, or the last you had together
	MeBeforeThem time.Time // your last touch at or before LastThem
}

// Add folds one touch in. Touches must come in time order (touches at the
// same instant in any order): an answer is a touch of theirs at or after one
// of yours.
func (r *Reach) Add(at time.Time, by rapport.By) {
	if by == rapport.ByMe {
		if at.After(r.LastMe) {
			r.LastMe = at
		}
		if !at.After(r.LastThem) && at.After(r.MeBeforeThem) {
			r.MeBeforeThem = at
		}
		return
	}
	if !at.Before(r.LastThem) {
		r.LastThem = at
		if !r.LastMe.After(at) {
			r.MeBeforeThem = r.LastMe
		}
	}
}

// Reached reports whether you reached out in [since, then), where then is
// when the history was read up to.
func (r Reach) Reached(since time.Time) bool { return !r.LastMe.IsZero() && !r.LastMe.Before(since) }

// Answered reports whether, in [since, then), a touch of theirs came at or
// after one of yours.
func (r Reach) Answered(since time.Time) bool {
	return !r.MeBeforeThem.IsZero() && !r.MeBeforeThem.Before(since)
}
