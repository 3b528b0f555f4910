package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
)

// The report asks how the network stood on any date. Replaying every
// history to answer took seconds to minutes on a large network, so three
// tables derived from the interactions are kept:
//
//   - touches: every person's part in every interaction, in time order
//     (written with the interactions, see interactions.go), so that replaying
//     a stretch of time is one range read.
//   - tie_snapshots: every tie (and its model.Reach) as it stood on the 1st
//     and the 16th of each month, at midnight UTC. The state at any t is the
//     snapshot at or before t with the touches since folded in: at most half
//     a month of touches.
//   - activity_days: each UTC day's interactions counted by kind, side and
//     favour, so a period's activity is a sum over days plus two part days.
//
// The last two are built lazily, in time order, up to the marks in
// snapshots_built (a snapshot moment, a day start): BuildSnapshots extends
// them when the report needs a later day. Writing or removing an interaction
// at t before a mark cuts it back to t's snapshot or day (stale), so logging
// today costs one cached comparison, and a change to the past costs the next
// report a replay from that point on. A change of the model's parameters or
// weights drops them altogether.

// TieState is one person's tie and reach at a moment.
type TieState struct {
	Tie   model.Tie
	Reach model.Reach
}

const tieStateSize = tieSize + 3*8

func encodeTieState(s *TieState) []byte {
	b := encodeTie(s.Tie)
	for _, t := range []time.Time{s.Reach.LastMe, s.Reach.LastThem, s.Reach.MeBeforeThem} {
		b = binary.LittleEndian.AppendUint64(b, uint64(msOrZero(t)))
	}
	return b
}

func decodeTieState(b []byte) (*TieState, error) {
	if len(b) != tieStateSize {
		return nil, fmt.Errorf("tie state of %d bytes: not one this Rapport knows", len(b))
	}
	t, err := decodeTie(b[:tieSize])
	if err != nil {
		return nil, err
	}
	s := &TieState{Tie: t}
	for i, p := range []*time.Time{&s.Reach.LastMe, &s.Reach.LastThem, &s.Reach.MeBeforeThem} {
		if v := int64(binary.LittleEndian.Uint64(b[tieSize+8*i:])); v != 0 {
			*p = fromMs(v)
		}
	}
	return s, nil
}

func msOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return ms(t)
}

// SnapshotStart is the snapshot moment at or before t: the first or the
// sixteenth of t's month, at midnight UTC.
func SnapshotStart(t time.Time) time.Time {
	t = t.UTC()
	day := 1
	if t.Day() >= 16 {
		day = 16
	}
	return time.Date(t.Year(), t.Month(), day, 0, 0, 0, 0, time.UTC)
}

// nextSnapshot is the snapshot moment after the one at or before t.
func nextSnapshot(t time.Time) time.Time {
	s := SnapshotStart(t)
	if s.Day() == 1 {
		return s.AddDate(0, 0, 15)
	}
	return s.AddDate(0, 1, -15)
}

// DayStart is the first instant of t's day, in UTC.
func DayStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// snapMark is snapshots_built as this transaction knows it.
type snapMark struct {
	built   bool
	through int64 // tie_snapshots holds every snapshot moment up to this one
	days    int64 // activity_days holds every day before this one
}

func (tx *Tx) builtMarks(ctx context.Context) (snapMark, error) {
	if tx.snaps != nil {
		return *tx.snaps, nil
	}
	var m snapMark
	err := tx.q.QueryRowContext(ctx, `SELECT through_ms, days_ms FROM snapshots_built WHERE id = 1`).Scan(&m.through, &m.days)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return m, fmt.Errorf("read snapshots built: %w", err)
	default:
		m.built = true
	}
	tx.snaps = &m
	return m, nil
}

// stale cuts the built snapshots and days back so that none holds a touch at
// t: called before an interaction at t is written or removed.
func (tx *Tx) stale(ctx context.Context, t time.Time) error {
	m, err := tx.builtMarks(ctx)
	if err != nil || !m.built || ms(t) >= m.days {
		return err
	}
	m.days = ms(DayStart(t))
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM activity_days WHERE day_ms >= ?`, m.days); err != nil {
		return fmt.Errorf("cut back days: %w", mapErr(err))
	}
	if ms(t) < m.through {
		m.through = ms(SnapshotStart(t))
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM tie_snapshots WHERE at_ms > ?`, m.through); err != nil {
			return fmt.Errorf("cut back snapshots: %w", mapErr(err))
		}
	}
	if _, err := tx.q.ExecContext(ctx, `UPDATE snapshots_built SET through_ms = ?, days_ms = ? WHERE id = 1`, m.through, m.days); err != nil {
		return fmt.Errorf("cut back snapshots: %w", mapErr(err))
	}
	tx.snaps = &m
	return nil
}

// staleFrom is stale from a person's first touch: their whole history is
// about to change (a merge, a deletion).
func (tx *Tx) staleFrom(ctx context.Context, personID string) error {
	var first sql.NullInt64
	if err := tx.q.QueryRowContext(ctx, `SELECT MIN(i.at_ms) FROM interactions i JOIN interaction_people ip ON ip.interaction_id = i.id
		WHERE ip.person_id = ?`, personID).Scan(&first); err != nil {
		return fmt.Errorf("first touch of %s: %w", personID, mapErr(err))
	}
	if !first.Valid {
		return nil
	}
	return tx.stale(ctx, fromMs(first.Int64))
}

// dropSnapshots forgets every built snapshot and day (the model changed).
func (tx *Tx) dropSnapshots(ctx context.Context) error {
	for _, q := range []string{`DELETE FROM tie_snapshots`, `DELETE FROM activity_days`, `DELETE FROM snapshots_built`} {
		if _, err := tx.q.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("drop snapshots: %w", mapErr(err))
		}
	}
	tx.snaps = &snapMark{}
	return nil
}

// SnapshotsBuilt returns the moment up to which snapshots are built and
// the day before which days are counted (false when neither is).
func (tx *Tx) SnapshotsBuilt(ctx context.Context) (snaps, days time.Time, ok bool, err error) {
	m, err := tx.builtMarks(ctx)
	return fromMs(m.through), fromMs(m.days), m.built, err
}

// BuildSnapshots extends the snapshots up to the one at or before t and the daily
// counts up to t's day, replaying the touches since the last built in time
// order.
func (tx *Tx) BuildSnapshots(ctx context.Context, kinds map[string]rapport.Kind, p model.Params, t time.Time) error {
	upTo, day := SnapshotStart(t), DayStart(t)
	m, err := tx.builtMarks(ctx)
	if err != nil || m.built && m.through >= ms(upTo) && m.days >= ms(day) {
		return err
	}
	fromDays := int64(math.MinInt64)
	if m.built {
		fromDays = m.days
	}
	if err := tx.buildDays(ctx, fromDays, max(ms(day), fromDays)); err != nil {
		return err
	}
	m.days = max(ms(day), fromDays)
	if !m.built || m.through < ms(upTo) {
		if err := tx.buildSnapshots(ctx, kinds, p, m, upTo); err != nil {
			return err
		}
		m.through = ms(upTo)
	}
	m.built = true
	if _, err := tx.q.ExecContext(ctx, `INSERT INTO snapshots_built (id, through_ms, days_ms) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET through_ms = excluded.through_ms, days_ms = excluded.days_ms`, m.through, m.days); err != nil {
		return fmt.Errorf("build snapshots: %w", mapErr(err))
	}
	tx.snaps = &m
	return nil
}

func (tx *Tx) buildSnapshots(ctx context.Context, kinds map[string]rapport.Kind, p model.Params, m snapMark, upTo time.Time) error {
	states := map[string]*TieState{}
	from := int64(math.MinInt64)
	if m.built {
		from = m.through
		var err error
		if states, err = tx.snapshotStates(ctx, m.through); err != nil {
			return err
		}
	}
	ins := tx.newInserter("tie_snapshots", "at_ms, person_id, state", "", 3)
	defer ins.close()
	at := func(b time.Time) error {
		for id, s := range states {
			if err := ins.add(ctx, ms(b), id, encodeTieState(s)); err != nil {
				return fmt.Errorf("build snapshots: %w", mapErr(err))
			}
		}
		return nil
	}
	if err := tx.fold(ctx, kinds, p, states, from, ms(upTo), at); err != nil {
		return err
	}
	if err := ins.flush(ctx); err != nil {
		return fmt.Errorf("build snapshots: %w", mapErr(err))
	}
	return nil
}

// snapshotStates reads the snapshot taken at a snapshot moment.
func (tx *Tx) snapshotStates(ctx context.Context, at int64) (map[string]*TieState, error) {
	out := map[string]*TieState{}
	err := tx.eachRow(ctx, "read snapshot "+fromMs(at).Format("2006-01-02"), `SELECT person_id, state FROM tie_snapshots WHERE at_ms = ?`, []any{at}, func(rows *sql.Rows) error {
		var id string
		var b sql.RawBytes // decoded at once
		if err := rows.Scan(&id, &b); err != nil {
			return err
		}
		s, err := decodeTieState(b)
		if err != nil {
			return fmt.Errorf("the state of %s: %w", id, err)
		}
		out[id] = s
		return nil
	})
	return out, err
}

// fold adds the touches in [from, to) to states in time order, calling at
// with each snapshot moment after from up to to included, before the
// touches at or after it.
func (tx *Tx) fold(ctx context.Context, kinds map[string]rapport.Kind, p model.Params, states map[string]*TieState,
	from, to int64, at func(time.Time) error) error {
	next := int64(math.MaxInt64) // the next snapshot moment to report to at
	if at != nil && from != math.MinInt64 {
		next = ms(nextSnapshot(fromMs(from)))
	}
	// In pages read whole before at writes anything: PostgreSQL cannot run
	// a statement on a connection whose rows are still being read.
	type row struct {
		id, kind              string
		by                    rapport.By
		atMs                  int64
		minutes, participants int
	}
	interned := map[string]string{} // a stretch of time names the same people and kinds again and again
	intern := func(b sql.RawBytes) string {
		if v, ok := interned[string(b)]; ok {
			return v
		}
		v := string(b)
		interned[v] = v
		return v
	}
	pageSize := tx.foldPage
	if pageSize == 0 {
		pageSize = 50000
	}
	page := make([]row, 0, pageSize)
	after := [3]any{from, "", ""} // the last row read: (at_ms, person_id, interaction_id) is the key
	if from != math.MinInt64 {
		after[0] = from - 1
	}
	var lastID sql.RawBytes
	for {
		page = page[:0]
		err := tx.eachRow(ctx, "replay touches", `
			SELECT person_id, at_ms, kind, by_side, minutes, participants, interaction_id
			FROM touches WHERE (at_ms, person_id, interaction_id) > (?, ?, ?) AND at_ms < ?
			ORDER BY at_ms, person_id, interaction_id LIMIT ?`, []any{after[0], after[1], after[2], to, pageSize}, func(rows *sql.Rows) error {
			var id, kind, by sql.RawBytes
			var r row
			if err := rows.Scan(&id, &r.atMs, &kind, &by, &r.minutes, &r.participants, &lastID); err != nil {
				return err
			}
			r.id, r.kind, r.by = intern(id), intern(kind), sideOf(by)
			page = append(page, r)
			after = [3]any{r.atMs, r.id, string(lastID)} // copied while the driver's bytes are valid
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range page {
			if at != nil && next == math.MaxInt64 {
				next = ms(nextSnapshot(fromMs(r.atMs)))
			}
			for r.atMs >= next {
				if err := at(fromMs(next)); err != nil {
					return err
				}
				next = ms(nextSnapshot(fromMs(next)))
			}
			s := states[r.id]
			if s == nil {
				s = &TieState{}
				states[r.id] = s
			}
			t := fromMs(r.atMs)
			s.Tie.Add(model.TouchOf(kinds[r.kind], t, r.by, r.minutes, r.participants), p)
			s.Reach.Add(t, r.by)
		}
		if len(page) < pageSize {
			break
		}
	}
	for at != nil && next <= to {
		if err := at(fromMs(next)); err != nil {
			return err
		}
		next = ms(nextSnapshot(fromMs(next)))
	}
	return nil
}

// buildDays counts the interactions of [from, to) into activity_days.
func (tx *Tx) buildDays(ctx context.Context, from, to int64) error {
	type key struct {
		day      int64
		kind, by string
		favour   bool
	}
	sums := map[key]*ActivitySum{}
	err := tx.eachRow(ctx, "count days", `SELECT at_ms, kind, by_side, favour, minutes FROM interactions WHERE at_ms >= ? AND at_ms < ?`, []any{from, to}, func(rows *sql.Rows) error {
		var k key
		var at int64
		var minutes int
		if err := rows.Scan(&at, &k.kind, &k.by, &k.favour, &minutes); err != nil {
			return err
		}
		k.day = ms(DayStart(fromMs(at)))
		s := sums[k]
		if s == nil {
			s = &ActivitySum{}
			sums[k] = s
		}
		s.add(minutes)
		return nil
	})
	if err != nil {
		return err
	}
	ins := tx.newInserter("activity_days", "day_ms, kind, by_side, favour, n, minutes, unrecorded", "", 7)
	defer ins.close()
	for k, s := range sums {
		if err := ins.add(ctx, k.day, k.kind, k.by, boolInt(k.favour), s.N, s.Minutes, s.Unrecorded); err != nil {
			return fmt.Errorf("count days: %w", mapErr(err))
		}
	}
	if err := ins.flush(ctx); err != nil {
		return fmt.Errorf("count days: %w", mapErr(err))
	}
	return nil
}

// StatesAt returns everyone's tie and reach as they stood at t (touches at
// t included): the snapshot at or before t and the touches since, or, where
// snapshots are not built that far (a database that cannot be written), a
// replay from the last one built.
func (tx *Tx) StatesAt(ctx context.Context, kinds map[string]rapport.Kind, p model.Params, t time.Time) (map[string]*TieState, error) {
	m, err := tx.builtMarks(ctx)
	if err != nil {
		return nil, err
	}
	base := ms(SnapshotStart(t))
	states := map[string]*TieState{}
	switch {
	case !m.built:
		base = math.MinInt64
	case m.through < base:
		base = m.through
		fallthrough
	default:
		if states, err = tx.snapshotStates(ctx, base); err != nil {
			return nil, err
		}
	}
	return states, tx.fold(ctx, kinds, p, states, base, ms(t)+1, nil)
}

// ActivitySum counts the interactions of one kind, side and favour.
type ActivitySum struct {
	Kind       string
	By         rapport.By
	Favour     bool
	N          int
	Minutes    int // recorded minutes
	Unrecorded int // interactions without minutes
}

func (s *ActivitySum) add(minutes int) {
	s.N++
	if minutes > 0 {
		s.Minutes += minutes
	} else {
		s.Unrecorded++
	}
}

// ActivitySums counts the interactions in [from, to) by kind, side and
// favour: whole days from activity_days where built, the rest from the
// interactions themselves.
func (tx *Tx) ActivitySums(ctx context.Context, from, to time.Time) ([]ActivitySum, error) {
	m, err := tx.builtMarks(ctx)
	if err != nil {
		return nil, err
	}
	first := DayStart(from)
	if first.Before(from) {
		first = first.AddDate(0, 0, 1)
	}
	last := DayStart(to)
	if !m.built || fromMs(m.days).Before(last) {
		last = fromMs(m.days)
	}
	type key struct {
		kind, by string
		favour   bool
	}
	sums := map[key]*ActivitySum{}
	read := func(q string, args ...any) error {
		return tx.eachRow(ctx, "read activity", q, args, func(rows *sql.Rows) error {
			var k key
			var n, minutes, unrecorded int
			if err := rows.Scan(&k.kind, &k.by, &k.favour, &n, &minutes, &unrecorded); err != nil {
				return err
			}
			s := sums[k]
			if s == nil {
				s = &ActivitySum{Kind: k.kind, By: rapport.By(k.by), Favour: k.favour}
				sums[k] = s
			}
			s.N, s.Minutes, s.Unrecorded = s.N+n, s.Minutes+minutes, s.Unrecorded+unrecorded
			return nil
		})
	}
	raw := func(a, b time.Time) error {
		if !a.Before(b) {
			return nil
		}
		return read(`SELECT kind, by_side, favour, COUNT(*), COALESCE(SUM(minutes), 0), SUM(CASE WHEN minutes > 0 THEN 0 ELSE 1 END)
			FROM interactions WHERE at_ms >= ? AND at_ms < ? GROUP BY kind, by_side, favour`, ms(a), ms(b))
	}
	if m.built && first.Before(last) {
		if err := read(`SELECT kind, by_side, favour, SUM(n), SUM(minutes), SUM(unrecorded)
			FROM activity_days WHERE day_ms >= ? AND day_ms < ? GROUP BY kind, by_side, favour`, ms(first), ms(last)); err != nil {
			return nil, err
		}
		if err := raw(from, first); err != nil {
			return nil, err
		}
		err = raw(last, to)
	} else {
		err = raw(from, to)
	}
	if err != nil {
		return nil, err
	}
	out := make([]ActivitySum, 0, len(sums))
	for _, s := range sums {
		out = append(out, *s)
	}
	return out, nil
}

// TouchesMismatch counts the rows where touches and the join of interactions
// and interaction_people it copies disagree, either way: 0 in a sound
// database.
func (db *DB) TouchesMismatch(ctx context.Context) (int, error) {
	const join = `SELECT i.at_ms, ip.person_id, i.id, i.kind, i.by_side, i.minutes, i.participants
		FROM interactions i JOIN interaction_people ip ON ip.interaction_id = i.id`
	const copy = `SELECT at_ms, person_id, interaction_id, kind, by_side, minutes, participants FROM touches`
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM (`+join+` EXCEPT `+copy+`) a) + (SELECT COUNT(*) FROM (`+copy+` EXCEPT `+join+`) b)`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("compare touches: %w", err)
	}
	return n, nil
}

// sideOf reads a stored by_side without copying it.
func sideOf(b []byte) rapport.By {
	switch string(b) {
	case string(rapport.ByMe):
		return rapport.ByMe
	case string(rapport.ByThem):
		return rapport.ByThem
	case string(rapport.ByBoth):
		return rapport.ByBoth
	}
	return rapport.By(b)
}
