package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/rapport-app/rapport/internal/model"
)

// The tie state is stored as one 81-byte value: a format byte, then ten
// little-endian 8-byte fields: ref_ms, depth, shallow, mine, theirs, first_ms,
// last_ms, seen_ms, modes, touches (times in Unix ms, 0 for none; floats as
// IEEE 754 bits, so they round-trip exactly). One small column instead of ten
// makes the full scan that every ranking needs several times cheaper.
const (
	tieFormat = 1
	tieSize   = 1 + 10*8
)

func encodeTie(t model.Tie) []byte {
	var first, last int64
	if !t.First.IsZero() {
		first, last = ms(t.First), ms(t.Last)
	}
	b := make([]byte, 1, tieSize)
	b[0] = tieFormat
	for _, v := range []uint64{uint64(ms(t.Ref)), math.Float64bits(t.Depth), math.Float64bits(t.Shallow),
		math.Float64bits(t.Me), math.Float64bits(t.Them), uint64(first), uint64(last), uint64(ms(t.Seen)),
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

// Tie returns the stored tie state of a person (empty when they have no history).
func (tx *Tx) Tie(ctx context.Context, personID string) (model.Tie, error) {
	var state []byte
	err := tx.q.QueryRowContext(ctx, `SELECT state FROM ties WHERE person_id = ?`, personID).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return model.Tie{}, nil
	}
	if err != nil {
		return model.Tie{}, fmt.Errorf("read tie of %s: %w", personID, err)
	}
	return decodeTie(state)
}

// PutTie stores the tie state of a person.
func (tx *Tx) PutTie(ctx context.Context, personID string, t model.Tie) error {
	if t.Touches == 0 {
		_, err := tx.q.ExecContext(ctx, `DELETE FROM ties WHERE person_id = ?`, personID)
		return err
	}
	_, err := tx.q.ExecContext(ctx, `INSERT INTO ties (person_id, state) VALUES (?, ?)
		ON CONFLICT (person_id) DO UPDATE SET state = excluded.state`, personID, encodeTie(t))
	if err != nil {
		return fmt.Errorf("save tie of %s: %w", personID, mapErr(err))
	}
	return nil
}

// TieRow is one person's stored tie state.
type TieRow struct {
	ID  string
	Tie model.Tie
}

// Ties returns the tie state of everyone with a history: the one scan every
// ranking needs.
func (tx *Tx) Ties(ctx context.Context) ([]TieRow, error) {
	var out []TieRow
	err := tx.eachRow(ctx, "read ties", `SELECT person_id, state FROM ties`, nil, func(rows *sql.Rows) error {
		var r TieRow
		var state []byte
		if err := rows.Scan(&r.ID, &state); err != nil {
			return err
		}
		var err error
		if r.Tie, err = decodeTie(state); err != nil {
			return fmt.Errorf("the tie of %s: %w", r.ID, err)
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// PutTies stores many tie states at once.
func (tx *Tx) PutTies(ctx context.Context, ties map[string]model.Tie) error {
	ids := make([]string, 0, len(ties))
	for id := range ties {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	rows := make([][]any, 0, len(ids))
	for _, id := range ids {
		if ties[id].Touches > 0 {
			rows = append(rows, []any{id, encodeTie(ties[id])})
		}
	}
	return tx.insertRows(ctx, "ties", "person_id, state", " ON CONFLICT (person_id) DO UPDATE SET state = excluded.state", rows)
}
