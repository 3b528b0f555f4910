package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/rapport-app/rapport"
)

const kindColumns = `name, description, weight, shallow, mode, threshold, minutes, builtin`

func scanKind(scan func(...any) error) (rapport.Kind, error) {
	var k rapport.Kind
	var shallow, builtin int
	var threshold sql.NullFloat64
	if err := scan(&k.Name, &k.Description, &k.Weight, &shallow, &k.Mode, &threshold, &k.Minutes, &builtin); err != nil {
		return k, err
	}
	k.Shallow, k.Builtin = shallow != 0, builtin != 0
	if threshold.Valid {
		v := threshold.Float64
		k.Threshold = &v
	}
	return k, nil
}

// Kinds returns the catalogue in its order: rungs by rising threshold after
// the kinds that are not on the ladder.
func (tx *Tx) Kinds(ctx context.Context) ([]rapport.Kind, error) {
	var out []rapport.Kind
	err := tx.eachRow(ctx, "list kinds", `SELECT `+kindColumns+` FROM kinds
		ORDER BY CASE WHEN threshold IS NULL THEN 0 ELSE 1 END, threshold, ord, name`, nil, func(r *sql.Rows) error {
		k, err := scanKind(r.Scan)
		out = append(out, k)
		return err
	})
	return out, err
}

// Kind returns one kind by name.
func (tx *Tx) Kind(ctx context.Context, name string) (rapport.Kind, error) {
	k, err := scanKind(tx.q.QueryRowContext(ctx, `SELECT `+kindColumns+` FROM kinds WHERE name = ?`, name).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return k, rapport.Errorf(rapport.ENOTFOUND, "unknown kind %q (see `rapport kinds`)", name)
	}
	if err != nil {
		return k, fmt.Errorf("read kind %s: %w", name, err)
	}
	return k, nil
}

// PutKind inserts or replaces a kind.
func (tx *Tx) PutKind(ctx context.Context, k rapport.Kind) error {
	var threshold any
	if k.Threshold != nil {
		threshold = *k.Threshold
	}
	_, err := tx.q.ExecContext(ctx, `
		INSERT INTO kinds (`+kindColumns+`, ord) VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT COUNT(*) FROM kinds))
		ON CONFLICT (name) DO UPDATE SET description = excluded.description, weight = excluded.weight,
			shallow = excluded.shallow, mode = excluded.mode, threshold = excluded.threshold,
			minutes = excluded.minutes, builtin = excluded.builtin`,
		k.Name, k.Description, k.Weight, boolInt(k.Shallow), string(k.Mode), threshold, k.Minutes, boolInt(k.Builtin))
	if err != nil {
		return fmt.Errorf("save kind %s: %w", k.Name, mapErr(err))
	}
	return nil
}

// DeleteKind removes a kind that no interaction uses.
func (tx *Tx) DeleteKind(ctx context.Context, name string) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM kinds WHERE name = ?`, name); err != nil {
		return fmt.Errorf("delete kind %s: %w", name, mapErr(err))
	}
	return nil
}

// KindUses counts the interactions of a kind.
func (tx *Tx) KindUses(ctx context.Context, name string) (int, error) {
	var n int
	if err := tx.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM interactions WHERE kind = ?`, name).Scan(&n); err != nil {
		return 0, fmt.Errorf("count uses of %s: %w", name, err)
	}
	return n, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
