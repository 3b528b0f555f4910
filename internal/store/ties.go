package store

import (
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

// TieState returns the stored tie state of a person, nil when they have no
// history.
func (tx *Tx) TieState(ctx context.Context, personID string) ([]byte, error) {
	var state []byte
	err := tx.q.QueryRowContext(ctx, `SELECT state FROM ties WHERE person_id = ?`, personID).Scan(&state)
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
	if state == nil {
		_, err := tx.q.ExecContext(ctx, `DELETE FROM ties WHERE person_id = ?`, personID)
		return err
	}
	_, err := tx.q.ExecContext(ctx, `INSERT INTO ties (person_id, state) VALUES (?, ?)
		ON CONFLICT (person_id) DO UPDATE SET state = excluded.state`, personID, state)
	if err != nil {
		return fmt.Errorf("save tie of %s: %w", personID, mapErr(err))
	}
	return nil
}

// EachTieState calls fn with the tie state of everyone with a history: the
// one scan every ranking needs. state is valid only during the call.
func (tx *Tx) EachTieState(ctx context.Context, fn func(id string, state []byte) error) error {
	return tx.eachRow(ctx, "read ties", `SELECT person_id, state FROM ties`, nil, func(rows *sql.Rows) error {
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
