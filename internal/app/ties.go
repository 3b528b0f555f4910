package app

import (
	"context"
	"encoding/binary"
	"fmt"
	"iter"
	"math"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// The store keeps each tie's state as an opaque value; the model's state is
// encoded here as 81 bytes: a format byte, then ten little-endian 8-byte
// fields: ref_ms, depth, shallow, mine, theirs, first_ms, last_ms, seen_ms,
// modes, touches (times in Unix ms, 0 for none; floats as IEEE 754 bits, so
// they round-trip exactly). A snapshot's state adds the reach: 24 bytes.
const (
	tieFormat    = 1
	tieSize      = 1 + 10*8
	tieStateSize = tieSize + 3*8
)

func encodeTie(t model.Tie) []byte {
	var first, last int64
	if !t.First.IsZero() {
		first, last = t.First.UnixMilli(), t.Last.UnixMilli()
	}
	b := make([]byte, 1, tieStateSize)
	b[0] = tieFormat
	for _, v := range []uint64{uint64(t.Ref.UnixMilli()), math.Float64bits(t.Depth), math.Float64bits(t.Shallow),
		math.Float64bits(t.Me), math.Float64bits(t.Them), uint64(first), uint64(last), uint64(t.Seen.UnixMilli()),
		uint64(t.Modes), uint64(t.Touches)} {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	return b
}

func decodeTie(b []byte) (model.Tie, error) {
	if len(b) != tieSize || b[0] != tieFormat {
		return model.Tie{}, fmt.Errorf("tie state of %d bytes, format %v: not one this Rapport knows", len(b), b[:min(1, len(b))])
	}
	var v [10]uint64
	for i := range v {
		v[i] = binary.LittleEndian.Uint64(b[1+8*i:])
	}
	t := model.Tie{Ref: fromMs(int64(v[0])), Depth: math.Float64frombits(v[1]), Shallow: math.Float64frombits(v[2]),
		Me: math.Float64frombits(v[3]), Them: math.Float64frombits(v[4]), Seen: fromMs(int64(v[7])),
		Modes: uint8(v[8]), Touches: int(v[9])}
	if v[5] != 0 || v[6] != 0 {
		t.First, t.Last = fromMs(int64(v[5])), fromMs(int64(v[6]))
	}
	return t, nil
}

func fromMs(v int64) time.Time { return time.UnixMilli(v).UTC() }

// tieState is one person's tie and reach at a moment: what a snapshot holds.
type tieState struct {
	Tie   model.Tie
	Reach model.Reach
}

func encodeTieState(s *tieState) []byte {
	b := encodeTie(s.Tie)
	for _, t := range []time.Time{s.Reach.LastMe, s.Reach.LastThem, s.Reach.MeBeforeThem} {
		var v int64
		if !t.IsZero() {
			v = t.UnixMilli()
		}
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	return b
}

func decodeTieState(b []byte) (*tieState, error) {
	if len(b) != tieStateSize {
		return nil, fmt.Errorf("tie state of %d bytes: not one this Rapport knows", len(b))
	}
	t, err := decodeTie(b[:tieSize])
	if err != nil {
		return nil, err
	}
	s := &tieState{Tie: t}
	for i, p := range []*time.Time{&s.Reach.LastMe, &s.Reach.LastThem, &s.Reach.MeBeforeThem} {
		if v := int64(binary.LittleEndian.Uint64(b[tieSize+8*i:])); v != 0 {
			*p = fromMs(v)
		}
	}
	return s, nil
}

// tieBytes is what the store keeps of t: nothing for a tie without a touch.
func tieBytes(t model.Tie) []byte {
	if t.Touches == 0 {
		return nil
	}
	return encodeTie(t)
}

// lens is tx seen by whoever acts: on a team's server, the member's own
// ties (their history alone made them); elsewhere, the ties.
func (a *App) lens(ctx context.Context, tx *store.Tx) *store.Tx {
	if a.space == nil {
		return tx
	}
	return tx.Lens(a.memberID(ctx))
}

// lensMember is the member whose ties a workspace's operations read ("" for
// one person's Rapport).
func (a *App) lensMember(ctx context.Context) string {
	if a.space == nil {
		return ""
	}
	return a.memberID(ctx)
}

// loadTie reads a person's tie (empty when they have no history).
func (a *App) loadTie(ctx context.Context, tx *store.Tx, id string) (model.Tie, error) {
	b, err := a.lens(ctx, tx).TieState(ctx, id)
	if err != nil || b == nil {
		return model.Tie{}, err
	}
	t, err := decodeTie(b)
	if err != nil {
		return t, fmt.Errorf("the tie of %s: %w", id, err)
	}
	return t, nil
}

// saveTie stores a person's tie.
func (a *App) saveTie(ctx context.Context, tx *store.Tx, id string, t model.Tie) error {
	return a.lens(ctx, tx).PutTieState(ctx, id, tieBytes(t))
}

// tieRow is one person's stored tie.
type tieRow struct {
	ID  string
	Tie model.Tie
}

// allTies reads the tie of everyone with a history: the scan every ranking
// needs.
func (a *App) allTies(ctx context.Context, tx *store.Tx) ([]tieRow, error) {
	var out []tieRow
	err := a.lens(ctx, tx).EachTieState(ctx, func(id string, b []byte) error {
		t, err := decodeTie(b)
		out = append(out, tieRow{id, t})
		return err
	})
	return out, err
}

// encoded yields ties as the store keeps them.
func encoded(ties map[string]model.Tie) iter.Seq2[string, []byte] {
	return func(yield func(string, []byte) bool) {
		for id, t := range ties {
			if !yield(id, tieBytes(t)) {
				return
			}
		}
	}
}

// saveTies stores many ties at once.
func (a *App) saveTies(ctx context.Context, tx *store.Tx, ties map[string]model.Tie) error {
	return a.lens(ctx, tx).PutTieStates(ctx, encoded(ties))
}

// rebuildTies recomputes every tie from the whole log (the touches, in time
// order), for when the model's parameters or the kinds' weights change; the
// snapshots made with the old ones go.
func rebuildTies(ctx context.Context, tx *store.Tx, kinds map[string]rapport.Kind, p model.Params) (int, error) {
	ties := map[string]model.Tie{}
	err := tx.Touches(ctx, time.Time{}, rapport.MaxTime, func(r store.Touch) error {
		t := ties[r.PersonID]
		t.Add(model.TouchOf(kinds[r.Kind], r.At, r.By, r.Minutes, r.Participants), p)
		ties[r.PersonID] = t
		return nil
	})
	if err != nil {
		return 0, err
	}
	if err := tx.ReplaceTieStates(ctx, encoded(ties)); err != nil {
		return 0, err
	}
	return len(ties), rebuildMemberTies(ctx, tx, kinds, p)
}

// rebuildMemberTies recomputes every member's ties from their own history
// (nothing on one person's Rapport, where no interaction names a member).
func rebuildMemberTies(ctx context.Context, tx *store.Tx, kinds map[string]rapport.Kind, p model.Params) error {
	ties := map[[2]string]model.Tie{}
	err := tx.EachMemberTouch(ctx, func(t store.MemberTouch) error {
		k := [2]string{t.MemberID, t.PersonID}
		tie := ties[k]
		tie.Add(model.TouchOf(kinds[t.Kind], t.At, t.By, t.Minutes, t.Participants), p)
		ties[k] = tie
		return nil
	})
	if err != nil {
		return err
	}
	if len(ties) == 0 {
		if has, err := tx.HasMemberTies(ctx); err != nil || !has {
			return err
		}
	}
	return tx.ReplaceMemberTies(ctx, func(yield func([2]string, []byte) bool) {
		for k, t := range ties {
			if !yield(k, tieBytes(t)) {
				return
			}
		}
	})
}

// The report asks how the network stood on any date: the store keeps
// snapshots of every tie (and its reach) on the 1st and the 16th of each
// month, at midnight UTC, and each day's counts; the state at any t is the
// snapshot at or before t with the touches since folded in (see
// store/snapshots.go for what is kept and when it is cut back).

// snapshotStates reads the states at a snapshot moment.
func snapshotStates(ctx context.Context, tx *store.Tx, at time.Time) (map[string]*tieState, error) {
	out := map[string]*tieState{}
	err := tx.Snapshot(ctx, at, func(id string, b []byte) error {
		s, err := decodeTieState(b)
		out[id] = s
		return err
	})
	return out, err
}

// fold adds the touches in [from, to) to states in time order (from zero:
// since the first), calling at with each snapshot moment after from up to
// to included, before the touches at or after it.
func fold(ctx context.Context, tx *store.Tx, kinds map[string]rapport.Kind, p model.Params, states map[string]*tieState,
	from, to time.Time, at func(time.Time) error) error {
	var next time.Time // the next snapshot moment to report to at
	if at != nil && !from.IsZero() {
		next = store.NextSnapshot(from)
	}
	err := tx.Touches(ctx, from, to, func(r store.Touch) error {
		if at != nil {
			if next.IsZero() {
				next = store.NextSnapshot(r.At)
			}
			for !r.At.Before(next) {
				if err := at(next); err != nil {
					return err
				}
				next = store.NextSnapshot(next)
			}
		}
		s := states[r.PersonID]
		if s == nil {
			s = &tieState{}
			states[r.PersonID] = s
		}
		s.Tie.Add(model.TouchOf(kinds[r.Kind], r.At, r.By, r.Minutes, r.Participants), p)
		s.Reach.Add(r.At, r.By)
		return nil
	})
	if err != nil {
		return err
	}
	for at != nil && !next.IsZero() && !next.After(to) {
		if err := at(next); err != nil {
			return err
		}
		next = store.NextSnapshot(next)
	}
	return nil
}

// buildSnapshotsTx extends the snapshots up to the one at or before t and
// the daily counts up to t's day, replaying the touches since the last
// built in time order.
func buildSnapshotsTx(ctx context.Context, tx *store.Tx, kinds map[string]rapport.Kind, p model.Params, t time.Time) error {
	upTo, day := store.SnapshotStart(t), store.DayStart(t)
	through, days, built, err := tx.SnapshotsBuilt(ctx)
	if err != nil || built && !through.Before(upTo) && !days.Before(day) {
		return err
	}
	var fromDays time.Time
	if built {
		fromDays = days
	}
	if fromDays.IsZero() || fromDays.Before(day) {
		if err := tx.CountDays(ctx, fromDays, day); err != nil {
			return err
		}
		days = day
	}
	if !built || through.Before(upTo) {
		states := map[string]*tieState{}
		var from time.Time
		if built {
			from = through
			if states, err = snapshotStates(ctx, tx, through); err != nil {
				return err
			}
		}
		put := func(at time.Time) error {
			return tx.PutSnapshot(ctx, at, func(yield func(string, []byte) bool) {
				for id, s := range states {
					if !yield(id, encodeTieState(s)) {
						return
					}
				}
			})
		}
		if err := fold(ctx, tx, kinds, p, states, from, upTo, put); err != nil {
			return err
		}
		through = upTo
	}
	return tx.MarkBuilt(ctx, through, days)
}

// statesAt returns everyone's tie and reach as they stood at t (touches at
// t included): the snapshot at or before t and the touches since, or, where
// snapshots are not built that far (a database that cannot be written), a
// replay from the last one built.
func statesAt(ctx context.Context, tx *store.Tx, kinds map[string]rapport.Kind, p model.Params, t time.Time) (map[string]*tieState, error) {
	through, _, built, err := tx.SnapshotsBuilt(ctx)
	if err != nil {
		return nil, err
	}
	base := store.SnapshotStart(t)
	states := map[string]*tieState{}
	switch {
	case !built:
		base = time.Time{}
	case through.Before(base):
		base = through
		fallthrough
	default:
		if states, err = snapshotStates(ctx, tx, base); err != nil {
			return nil, err
		}
	}
	return states, fold(ctx, tx, kinds, p, states, base, t.Add(time.Millisecond), nil)
}
