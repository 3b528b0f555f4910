package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/rapport-app/rapport"
)

// SetCadence sets a person's own stay-in-touch cadence in days (0 clears it).
func (tx *Tx) SetCadence(ctx context.Context, personID string, days int) error {
	var v any
	if days > 0 {
		v = days
	}
	if _, err := tx.q.ExecContext(ctx, `UPDATE people SET cadence_days = ? WHERE id = ?`, v, personID); err != nil {
		return fmt.Errorf("set cadence: %w", mapErr(err))
	}
	return nil
}

// SetSnooze keeps a person out of plans and overdue lists until a moment
// (nil wakes them).
func (tx *Tx) SetSnooze(ctx context.Context, personID string, until *time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE people SET snoozed_until_ms = ? WHERE id = ?`, nullMs(until), personID); err != nil {
		return fmt.Errorf("snooze: %w", mapErr(err))
	}
	return nil
}

// Snoozed returns the people resting at now, with the moment they wake.
func (tx *Tx) Snoozed(ctx context.Context, now time.Time) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	err := tx.eachRow(ctx, "read snoozes", `SELECT id, snoozed_until_ms FROM people WHERE snoozed_until_ms > ?`, []any{ms(now)}, func(r *sql.Rows) error {
		var id string
		var until int64
		err := r.Scan(&id, &until)
		out[id] = fromMs(until)
		return err
	})
	return out, err
}

// Cadences returns the people with their own cadence, in days.
func (tx *Tx) Cadences(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	err := tx.eachRow(ctx, "read cadences", `SELECT id, cadence_days FROM people WHERE cadence_days IS NOT NULL`, nil, func(r *sql.Rows) error {
		var id string
		var d int
		err := r.Scan(&id, &d)
		out[id] = d
		return err
	})
	return out, err
}

// Via is a warm introduction: who introduced a person, the strength of your
// tie with them then, and when.
type Via struct {
	By       rapport.PersonRef
	Strength float64
	At       time.Time
}

// SetVia records who introduced a person, unless someone already did.
func (tx *Tx) SetVia(ctx context.Context, personID string, v Via) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE people SET via_id = ?, via_strength = ?, via_ms = ? WHERE id = ? AND via_id IS NULL`,
		v.By.ID, v.Strength, ms(v.At), personID)
	if err != nil {
		return fmt.Errorf("record the introduction: %w", mapErr(err))
	}
	return nil
}

// ViaOf returns who introduced a person, if anyone did (ok false if not).
func (tx *Tx) ViaOf(ctx context.Context, personID string) (Via, bool, error) {
	var v Via
	var id, name sql.NullString
	var s sql.NullFloat64
	var at sql.NullInt64
	err := tx.q.QueryRowContext(ctx, `SELECT p.via_id, v.name, p.via_strength, p.via_ms FROM people p LEFT JOIN people v ON v.id = p.via_id WHERE p.id = ?`,
		personID).Scan(&id, &name, &s, &at)
	if err == sql.ErrNoRows || err == nil && !id.Valid {
		return v, false, nil
	}
	if err != nil {
		return v, false, fmt.Errorf("read the introduction: %w", err)
	}
	v.By, v.Strength, v.At = rapport.PersonRef{ID: id.String, Name: name.String}, s.Float64, fromMs(at.Int64)
	return v, true, nil
}

// SetKeep sets the layer a person is kept in ("" clears it).
func (tx *Tx) SetKeep(ctx context.Context, personID, layer string) error {
	var v any
	if layer != "" {
		v = layer
	}
	if _, err := tx.q.ExecContext(ctx, `UPDATE people SET keep_layer = ? WHERE id = ?`, v, personID); err != nil {
		return fmt.Errorf("keep: %w", mapErr(err))
	}
	return nil
}

// Keeps returns the people kept in a layer of your choosing.
func (tx *Tx) Keeps(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	err := tx.eachRow(ctx, "read kept layers", `SELECT id, keep_layer FROM people WHERE keep_layer IS NOT NULL`, nil, func(r *sql.Rows) error {
		var id, l string
		err := r.Scan(&id, &l)
		out[id] = l
		return err
	})
	return out, err
}
