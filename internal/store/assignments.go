package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/rapport-app/rapport"
)

// InsertAssignment stores an assignment and its slots.
func (tx *Tx) InsertAssignment(ctx context.Context, a *rapport.Assignment, createdMs int64) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO assignments (id, goal_id, start_ms, end_ms, created_ms, member_id) VALUES (?, ?, ?, ?, ?, ?)`,
		a.ID, a.GoalID, ms(a.Start), ms(a.End), createdMs, tx.lens)
	if err != nil {
		return fmt.Errorf("record assignment: %w", mapErr(err))
	}
	for _, s := range a.Slots {
		if err := tx.PutSlot(ctx, a.ID, s); err != nil {
			return err
		}
	}
	return nil
}

// PutSlot inserts or replaces one slot.
func (tx *Tx) PutSlot(ctx context.Context, assignmentID string, s rapport.Slot) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO assignment_slots (assignment_id, slot, side, person_id, offer, action, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (assignment_id, slot) DO UPDATE SET side = excluded.side, person_id = excluded.person_id,
			offer = excluded.offer, action = excluded.action, reason = excluded.reason`,
		assignmentID, s.Slot, s.Side, s.Person.ID, s.Offer, s.Action, s.Reason)
	if err != nil {
		return fmt.Errorf("save slot %d: %w", s.Slot, mapErr(err))
	}
	return nil
}

// DeleteAssignment removes an assignment and its slots.
func (tx *Tx) DeleteAssignment(ctx context.Context, id string) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM assignment_slots WHERE assignment_id = ?`, id); err != nil {
		return fmt.Errorf("delete assignment: %w", err)
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM assignments WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete assignment: %w", err)
	}
	return nil
}

// LatestAssignment returns the assignment created last that had started by
// now, of whoever the transaction is for (its lens), or a not-found error.
func (tx *Tx) LatestAssignment(ctx context.Context, now time.Time) (*rapport.Assignment, error) {
	a := &rapport.Assignment{Slots: []rapport.Slot{}}
	var start, end int64
	var goal sql.NullString
	err := tx.q.QueryRowContext(ctx, `SELECT id, goal_id, start_ms, end_ms FROM assignments WHERE start_ms <= ? AND member_id = ?
		ORDER BY start_ms DESC, created_ms DESC, id DESC LIMIT 1`, ms(now), tx.lens).Scan(&a.ID, &goal, &start, &end)
	if err == sql.ErrNoRows {
		return nil, rapport.Errorf(rapport.ENOTFOUND, "no assignment yet: draft one with `rapport assignment new`")
	}
	if err != nil {
		return nil, fmt.Errorf("read assignment: %w", err)
	}
	a.Start, a.End = fromMs(start), fromMs(end)
	if goal.Valid {
		a.GoalID = &goal.String
	}
	err = tx.eachRow(ctx, "read assignment slots", `SELECT s.slot, s.side, s.person_id, p.name, s.offer, s.action, s.reason
		FROM assignment_slots s JOIN people p ON p.id = s.person_id WHERE s.assignment_id = ? ORDER BY s.slot`, []any{a.ID}, func(rows *sql.Rows) error {
		var s rapport.Slot
		err := rows.Scan(&s.Slot, &s.Side, &s.Person.ID, &s.Person.Name, &s.Offer, &s.Action, &s.Reason)
		a.Slots = append(a.Slots, s)
		return err
	})
	return a, err
}

// TeamSlot is a person in a teammate's running assignment.
type TeamSlot struct {
	MemberID string
	Person   rapport.PersonRef
	Side     string
	Action   string
}

// TeamSlots returns the people in the running assignments (at now) of every
// member but the one the transaction is for.
func (tx *Tx) TeamSlots(ctx context.Context, now time.Time) ([]TeamSlot, error) {
	var out []TeamSlot
	err := tx.eachRow(ctx, "read the team's assignments", `SELECT a.member_id, s.person_id, p.name, s.side, s.action
		FROM assignments a JOIN assignment_slots s ON s.assignment_id = a.id JOIN people p ON p.id = s.person_id
		WHERE a.start_ms <= ? AND a.end_ms > ? AND a.member_id <> ? AND a.member_id <> ''
		ORDER BY a.member_id, s.slot`, []any{ms(now), ms(now), tx.lens}, func(rows *sql.Rows) error {
		var t TeamSlot
		err := rows.Scan(&t.MemberID, &t.Person.ID, &t.Person.Name, &t.Side, &t.Action)
		out = append(out, t)
		return err
	})
	return out, err
}
