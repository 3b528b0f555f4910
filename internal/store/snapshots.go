package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"math"
	"time"

	"github.com/rapport-app/rapport"
)

// The report asks how the network stood on any date. Replaying every
// history to answer took seconds to minutes on a large network, so three
// tables derived from the interactions are kept:
//
//   - touches: every person's part in every interaction, in time order
//     (written with the interactions, see interactions.go), so that replaying
//     a stretch of time is one range read.
//   - tie_snapshots: every tie's state (and its reach, encoded by the app) as it stood on the 1st
//     and the 16th of each month, at midnight UTC. The state at any t is the
//     snapshot at or before t with the touches since folded in: at most half
//     a month of touches.
//   - activity_days: each UTC day's interactions counted by kind, side and
//     favour, so a period's activity is a sum over days plus two part days.
//
// The last two are built lazily, in time order, up to the marks in
// snapshots_built (a snapshot moment, a day start): the app extends them
// (PutSnapshot, CountDays, MarkBuilt) when the report needs a later day. Writing or removing an interaction
// at t before a mark cuts it back to t's snapshot or day (stale), so logging
// today costs one cached comparison, and a change to the past costs the next
// report a replay from that point on. A change of the model's parameters or
// weights drops them altogether.

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

// NextSnapshot is the snapshot moment after the one at or before t.
func NextSnapshot(t time.Time) time.Time {
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

// MarkBuilt records that every snapshot moment up to through is stored
// (PutSnapshot) and every day before days is counted (CountDays).
func (tx *Tx) MarkBuilt(ctx context.Context, through, days time.Time) error {
	m := snapMark{built: true, through: ms(through), days: ms(days)}
	if _, err := tx.q.ExecContext(ctx, `INSERT INTO snapshots_built (id, through_ms, days_ms) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET through_ms = excluded.through_ms, days_ms = excluded.days_ms`, m.through, m.days); err != nil {
		return fmt.Errorf("build snapshots: %w", mapErr(err))
	}
	tx.snaps = &m
	return nil
}

// PutSnapshot stores everyone's state at a snapshot moment.
func (tx *Tx) PutSnapshot(ctx context.Context, at time.Time, states iter.Seq2[string, []byte]) error {
	ins := tx.newInserter("tie_snapshots", "at_ms, person_id, state", "", 3)
	defer ins.close()
	for id, s := range states {
		if err := ins.add(ctx, ms(at), id, s); err != nil {
			return fmt.Errorf("build snapshots: %w", mapErr(err))
		}
	}
	if err := ins.flush(ctx); err != nil {
		return fmt.Errorf("build snapshots: %w", mapErr(err))
	}
	return nil
}

// Snapshot calls fn with each person's state stored at a snapshot moment;
// state is valid only during the call.
func (tx *Tx) Snapshot(ctx context.Context, at time.Time, fn func(id string, state []byte) error) error {
	return tx.eachRow(ctx, "read snapshot "+at.Format("2006-01-02"), `SELECT person_id, state FROM tie_snapshots WHERE at_ms = ?`, []any{ms(at)}, func(rows *sql.Rows) error {
		var id string
		var b sql.RawBytes
		if err := rows.Scan(&id, &b); err != nil {
			return err
		}
		if err := fn(id, b); err != nil {
			return fmt.Errorf("the state of %s: %w", id, err)
		}
		return nil
	})
}

// Touch is one person's part in one interaction, as the replay reads it.
type Touch struct {
	PersonID              string
	At                    time.Time
	Kind                  string
	By                    rapport.By
	Minutes, Participants int
}

// Touches calls fn with every touch in [from, to) in time order (from zero:
// since the first). They are read in pages, each read whole before fn sees
// it, so fn may write: PostgreSQL cannot run a statement on a connection
// whose rows are still being read.
func (tx *Tx) Touches(ctx context.Context, from, to time.Time, fn func(Touch) error) error {
	pageSize := tx.foldPage
	if pageSize == 0 {
		pageSize = 50000
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
	page := make([]Touch, 0, pageSize)
	after := [3]any{int64(math.MinInt64), "", ""} // the last row read: (at_ms, person_id, interaction_id) is the key
	if !from.IsZero() {
		after[0] = ms(from) - 1
	}
	var lastID sql.RawBytes
	for {
		page = page[:0]
		err := tx.eachRow(ctx, "replay touches", `
			SELECT person_id, at_ms, kind, by_side, minutes, participants, interaction_id
			FROM touches WHERE (at_ms, person_id, interaction_id) > (?, ?, ?) AND at_ms < ?
			ORDER BY at_ms, person_id, interaction_id LIMIT ?`, []any{after[0], after[1], after[2], ms(to), pageSize}, func(rows *sql.Rows) error {
			var id, kind, by sql.RawBytes
			var t Touch
			var at int64
			if err := rows.Scan(&id, &at, &kind, &by, &t.Minutes, &t.Participants, &lastID); err != nil {
				return err
			}
			t.PersonID, t.At, t.Kind, t.By = intern(id), fromMs(at), intern(kind), sideOf(by)
			page = append(page, t)
			after = [3]any{at, t.PersonID, string(lastID)} // copied while the driver's bytes are valid
			return nil
		})
		if err != nil {
			return err
		}
		for _, t := range page {
			if err := fn(t); err != nil {
				return err
			}
		}
		if len(page) < pageSize {
			return nil
		}
	}
}

// CountDays counts the interactions of [from, to) into activity_days (from
// zero: since the first).
func (tx *Tx) CountDays(ctx context.Context, fromT, toT time.Time) error {
	from, to := int64(math.MinInt64), ms(toT)
	if !fromT.IsZero() {
		from = ms(fromT)
	}
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
// interactions themselves (through a member's lens, all from theirs).
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
		if tx.lens != "" { // a member's: the day counts are everyone's
			return read(`SELECT kind, by_side, favour, COUNT(*), COALESCE(SUM(minutes), 0), SUM(CASE WHEN minutes > 0 THEN 0 ELSE 1 END)
			FROM interactions WHERE at_ms >= ? AND at_ms < ? AND member_id = ? GROUP BY kind, by_side, favour`, ms(a), ms(b), tx.lens)
		}
		return read(`SELECT kind, by_side, favour, COUNT(*), COALESCE(SUM(minutes), 0), SUM(CASE WHEN minutes > 0 THEN 0 ELSE 1 END)
			FROM interactions WHERE at_ms >= ? AND at_ms < ? GROUP BY kind, by_side, favour`, ms(a), ms(b))
	}
	if m.built && first.Before(last) && tx.lens == "" {
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
