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
	_, err := tx.q.ExecContext(ctx, `INSERT INTO followups (id, person_id, text, due_ms, created_ms, member_id) VALUES (?, ?, ?, ?, ?, ?)`,
		f.ID, f.Person.ID, f.Text, ms(f.Due), ms(f.CreatedAt), tx.lens)
	if err != nil {
		return fmt.Errorf("record follow-up: %w", mapErr(err))
	}
	return nil
}

// Followups returns the follow-ups of whoever the transaction is for (its
// lens; only the open ones when open is set), earliest due first.
func (tx *Tx) Followups(ctx context.Context, open bool) ([]rapport.Followup, error) {
	where := `WHERE f.member_id = ?`
	if open {
		where += ` AND f.done_ms IS NULL`
	}
	out := []rapport.Followup{}
	err := tx.eachRow(ctx, "read follow-ups", `SELECT f.id, f.person_id, p.name, f.text, f.due_ms, f.created_ms, f.done_ms
		FROM followups f JOIN people p ON p.id = f.person_id `+where+` ORDER BY f.due_ms, f.id`, []any{tx.lens}, func(r *sql.Rows) error {
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
		return tx.byPerson(ctx, ref, "follow-up", `SELECT id FROM followups WHERE person_id = ? AND done_ms IS NULL AND member_id = ? ORDER BY due_ms, id LIMIT 1`, tx.lens)
	}
	if err != nil {
		return "", err
	}
	return id, tx.owns(ctx, "followups", "follow-up", id, ref)
}

// owns refuses, as not found, a row of a table another member keeps (a
// teammate's goal or follow-up).
func (tx *Tx) owns(ctx context.Context, table, what, id, ref string) error {
	var n int
	if err := tx.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE id = ? AND member_id = ?`, id, tx.lens).Scan(&n); err != nil {
		return fmt.Errorf("find %s %s: %w", what, ref, err)
	}
	if n == 0 {
		return rapport.Errorf(rapport.ENOTFOUND, "no %s %q", what, ref)
	}
	return nil
}

// SetFollowupDone closes a follow-up.
func (tx *Tx) SetFollowupDone(ctx context.Context, id string, at time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE followups SET done_ms = ? WHERE id = ?`, ms(at), id); err != nil {
		return fmt.Errorf("close follow-up %s: %w", id, mapErr(err))
	}
	return nil
}
