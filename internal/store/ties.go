package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
)

// A tie's state is the model's (app encodes and decodes it): the store keeps
// it as one small opaque value per person, because one column instead of ten
// makes the full scan that every ranking needs several times cheaper.

// On a team's server each member has ties of their own (member_ties): a
// transaction seen through a member's lens (Lens) reads and writes theirs.

// Lens is tx reading and writing the ties of a member ("" for the ties of
// one person's Rapport).
func (tx *Tx) Lens(member string) *Tx {
	c := *tx
	c.lens = member
	return &c
}

// tieWhere is the table of the lens's ties, and the condition and
// arguments that pick a person's tie there.
func (tx *Tx) tieWhere(personID string) (table, where string, args []any) {
	if tx.lens == "" {
		return "ties", "person_id = ?", []any{personID}
	}
	return "member_ties", "member_id = ? AND person_id = ?", []any{tx.lens, personID}
}

// TieState returns the stored tie state of a person, nil when they have no
// history.
func (tx *Tx) TieState(ctx context.Context, personID string) ([]byte, error) {
	var state []byte
	table, where, args := tx.tieWhere(personID)
	err := tx.q.QueryRowContext(ctx, `SELECT state FROM `+table+` WHERE `+where, args...).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read tie of %s: %w", personID, err)
	}
	return state, nil
}

// PutTieState stores the tie state of a person; nil removes it (no history).
func (tx *Tx) PutTieState(ctx context.Context, personID string, state []byte) error {
	table, where, args := tx.tieWhere(personID)
	if state == nil {
		_, err := tx.q.ExecContext(ctx, `DELETE FROM `+table+` WHERE `+where, args...)
		return err
	}
	var err error
	if tx.lens == "" {
		_, err = tx.q.ExecContext(ctx, `INSERT INTO ties (person_id, state) VALUES (?, ?)
		ON CONFLICT (person_id) DO UPDATE SET state = excluded.state`, personID, state)
	} else {
		_, err = tx.q.ExecContext(ctx, `INSERT INTO member_ties (member_id, person_id, state) VALUES (?, ?, ?)
		ON CONFLICT (member_id, person_id) DO UPDATE SET state = excluded.state`, tx.lens, personID, state)
	}
	if err != nil {
		return fmt.Errorf("save tie of %s: %w", personID, mapErr(err))
	}
	return nil
}

// EachTieState calls fn with the tie state of everyone with a history: the
// one scan every ranking needs. state is valid only during the call.
func (tx *Tx) EachTieState(ctx context.Context, fn func(id string, state []byte) error) error {
	q, args := `SELECT person_id, state FROM ties`, []any(nil)
	if tx.lens != "" {
		q, args = `SELECT person_id, state FROM member_ties WHERE member_id = ?`, []any{tx.lens}
	}
	return tx.eachRow(ctx, "read ties", q, args, func(rows *sql.Rows) error {
		var id string
		var state sql.RawBytes
		if err := rows.Scan(&id, &state); err != nil {
			return err
		}
		if err := fn(id, state); err != nil {
			return fmt.Errorf("the tie of %s: %w", id, err)
		}
		return nil
	})
}

// PutTieStates stores many tie states at once (nil states are skipped), in
// the order of the ids.
func (tx *Tx) PutTieStates(ctx context.Context, states iter.Seq2[string, []byte]) error {
	var rows [][]any
	for id, s := range states {
		if s != nil {
			rows = append(rows, []any{id, s})
		}
	}
	slices.SortFunc(rows, func(a, b []any) int { return strings.Compare(a[0].(string), b[0].(string)) })
	if tx.lens != "" {
		for i := range rows {
			rows[i] = append([]any{tx.lens}, rows[i]...)
		}
		return tx.insertRows(ctx, "member_ties", "member_id, person_id, state", " ON CONFLICT (member_id, person_id) DO UPDATE SET state = excluded.state", rows)
	}
	return tx.insertRows(ctx, "ties", "person_id, state", " ON CONFLICT (person_id) DO UPDATE SET state = excluded.state", rows)
}

// ReplaceTieStates forgets every tie, and every snapshot and day count made
// from them, and stores states instead: the model's parameters or weights
// changed.
func (tx *Tx) ReplaceTieStates(ctx context.Context, states iter.Seq2[string, []byte]) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM ties`); err != nil {
		return fmt.Errorf("rebuild ties: %w", err)
	}
	if err := tx.dropSnapshots(ctx); err != nil {
		return err
	}
	return tx.PutTieStates(ctx, states)
}

// ReplaceMemberTies forgets every member's ties and stores states instead,
// keyed by member and person.
func (tx *Tx) ReplaceMemberTies(ctx context.Context, states iter.Seq2[[2]string, []byte]) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM member_ties`); err != nil {
		return fmt.Errorf("rebuild the members' ties: %w", err)
	}
	var rows [][]any
	for k, s := range states {
		if s != nil {
			rows = append(rows, []any{k[0], k[1], s})
		}
	}
	slices.SortFunc(rows, func(a, b []any) int {
		return cmp.Or(strings.Compare(a[0].(string), b[0].(string)), strings.Compare(a[1].(string), b[1].(string)))
	})
	return tx.insertRows(ctx, "member_ties", "member_id, person_id, state", "", rows)
}

// MemberTie is one member's stored tie state with one person.
type MemberTie struct {
	MemberID, PersonID string
	State              []byte // valid only during the call that gave it
}

// EachMemberTie calls fn with every member's tie with every person (all of
// them, or one person's when personID is not ""), by member.
func (tx *Tx) EachMemberTie(ctx context.Context, personID string, fn func(MemberTie) error) error {
	q, args := `SELECT member_id, person_id, state FROM member_ties ORDER BY member_id, person_id`, []any(nil)
	if personID != "" {
		q, args = `SELECT member_id, person_id, state FROM member_ties WHERE person_id = ? ORDER BY member_id`, []any{personID}
	}
	return tx.eachRow(ctx, "read the members' ties", q, args, func(rows *sql.Rows) error {
		var t MemberTie
		var state sql.RawBytes
		if err := rows.Scan(&t.MemberID, &t.PersonID, &state); err != nil {
			return err
		}
		t.State = state
		return fn(t)
	})
}

// HasMemberTies reports whether any member's tie is stored.
func (tx *Tx) HasMemberTies(ctx context.Context) (bool, error) {
	var n int
	if err := tx.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM member_ties LIMIT 1) t`).Scan(&n); err != nil {
		return false, fmt.Errorf("read the members' ties: %w", err)
	}
	return n > 0, nil
}
