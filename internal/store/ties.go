package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/rapport-app/rapport/internal/model"
)

type tieScan struct {
	ref                          sql.NullInt64
	depth, shallow, mine, theirs sql.NullFloat64
	first, last, seen            sql.NullInt64
	modes, touches               sql.NullInt64
}

func (s tieScan) tie() model.Tie {
	if !s.ref.Valid {
		return model.Tie{}
	}
	t := model.Tie{
		Ref: fromMs(s.ref.Int64), Depth: s.depth.Float64, Shallow: s.shallow.Float64,
		Me: s.mine.Float64, Them: s.theirs.Float64, Seen: fromMs(s.seen.Int64),
		Modes: uint8(s.modes.Int64), Touches: int(s.touches.Int64),
	}
	if s.first.Valid {
		t.First = fromMs(s.first.Int64)
	}
	if s.last.Valid {
		t.Last = fromMs(s.last.Int64)
	}
	return t
}

// Tie returns the stored tie state of a person (empty when they have no history).
func (tx *Tx) Tie(ctx context.Context, personID string) (model.Tie, error) {
	var s tieScan
	err := tx.q.QueryRowContext(ctx, `SELECT ref_ms, depth, shallow, mine, theirs, first_ms, last_ms, seen_ms, modes, touches
		FROM ties WHERE person_id = ?`, personID).
		Scan(&s.ref, &s.depth, &s.shallow, &s.mine, &s.theirs, &s.first, &s.last, &s.seen, &s.modes, &s.touches)
	if err == sql.ErrNoRows {
		return model.Tie{}, nil
	}
	if err != nil {
		return model.Tie{}, fmt.Errorf("read tie of %s: %w", personID, err)
	}
	return s.tie(), nil
}

// PutTie stores the tie state of a person.
func (tx *Tx) PutTie(ctx context.Context, personID string, t model.Tie) error {
	if t.Touches == 0 {
		_, err := tx.q.ExecContext(ctx, `DELETE FROM ties WHERE person_id = ?`, personID)
		return err
	}
	var first, last any
	if !t.First.IsZero() {
		first, last = ms(t.First), ms(t.Last)
	}
	_, err := tx.q.ExecContext(ctx, `
		INSERT INTO ties (person_id, ref_ms, depth, shallow, mine, theirs, first_ms, last_ms, seen_ms, modes, touches)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (person_id) DO UPDATE SET ref_ms = excluded.ref_ms, depth = excluded.depth,
			shallow = excluded.shallow, mine = excluded.mine, theirs = excluded.theirs, first_ms = excluded.first_ms,
			last_ms = excluded.last_ms, seen_ms = excluded.seen_ms, modes = excluded.modes, touches = excluded.touches`,
		personID, ms(t.Ref), t.Depth, t.Shallow, t.Me, t.Them, first, last, ms(t.Seen), int(t.Modes), t.Touches)
	if err != nil {
		return fmt.Errorf("save tie of %s: %w", personID, mapErr(err))
	}
	return nil
}
