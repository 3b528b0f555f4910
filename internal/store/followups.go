package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/rapport-app/rapport"
)

// InsertFollowup records a follow-up.
func (tx *Tx) InsertFollowup(ctx context.Context, f *rapport.Followup) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO followups (id, person_id, text, due_ms, created_ms) VALUES (?, ?, ?, ?, ?)`,
		f.ID, f.Person.ID, f.Text, ms(f.Due), ms(f.CreatedAt))
	if err != nil {
		return fmt.Errorf("record follow-up: %w", mapErr(err))
	}
	return nil
}

// Followups returns the follow-ups (only the open ones when open is set),
// earliest due first.
func (tx *Tx) Followups(ctx context.Context, open bool) ([]rapport.Followup, error) {
	where := ""
	if open {
		where = `WHERE f.done_ms IS NULL`
	}
	out := []rapport.Followup{}
	err := tx.eachRow(ctx, "read follow-ups", `SELECT f.id, f.person_id, p.name, f.text, f.due_ms, f.created_ms, f.done_ms
		FROM followups f JOIN people p ON p.id = f.person_id `+where+` ORDER BY f.due_ms, f.id`, nil, func(r *sql.Rows) error {
		var f rapport.Followup
		var due, created int64
		var done sql.NullInt64
		if err := r.Scan(&f.ID, &f.Person.ID, &f.Person.Name, &f.Text, &due, &created, &done); err != nil {
			return err
		}
		f.Due, f.CreatedAt, f.Done = fromMs(due), fromMs(created), msPtr(done)
		out = append(out, f)
		return nil
	})
	return out, err
}

// FollowupID resolves a follow-up reference: an id, a prefix or a suffix
// of it, or the person it is with (their open follow-up due first).
func (tx *Tx) FollowupID(ctx context.Context, ref string) (string, error) {
	id, err := tx.resolveID(ctx, "followups", "follow-up", ref)
	if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		return tx.byPerson(ctx, ref, "follow-up", `SELECT id FROM followups WHERE person_id = ? AND done_ms IS NULL ORDER BY due_ms, id LIMIT 1`)
	}
	return id, err
}

// SetFollowupDone closes a follow-up.
func (tx *Tx) SetFollowupDone(ctx context.Context, id string, at time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE followups SET done_ms = ? WHERE id = ?`, ms(at), id); err != nil {
		return fmt.Errorf("close follow-up %s: %w", id, mapErr(err))
	}
	return nil
}
