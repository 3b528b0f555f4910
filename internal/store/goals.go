package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/rapport-app/rapport"
)

// InsertGoal records a goal.
func (tx *Tx) InsertGoal(ctx context.Context, g *rapport.Goal) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO goals (id, text, due_ms, done_ms, created_ms, member_id) VALUES (?, ?, ?, NULL, ?, ?)`,
		g.ID, g.Text, nullMs(g.Due), ms(g.CreatedAt), tx.lens)
	if err != nil {
		return fmt.Errorf("record goal: %w", mapErr(err))
	}
	for _, t := range g.Tags {
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO goal_tags (goal_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING`, g.ID, t); err != nil {
			return fmt.Errorf("record goal tag %s: %w", t, err)
		}
	}
	return nil
}

// Goals returns the goals of whoever the transaction is for (its lens),
// open ones first, then by due date and creation.
func (tx *Tx) Goals(ctx context.Context) ([]rapport.Goal, error) {
	out := []rapport.Goal{}
	index := map[string]int{}
	err := tx.eachRow(ctx, "read goals", `SELECT id, text, due_ms, done_ms, created_ms FROM goals WHERE member_id = ?
		ORDER BY CASE WHEN done_ms IS NULL THEN 0 ELSE 1 END, CASE WHEN due_ms IS NULL THEN 1 ELSE 0 END, due_ms, created_ms, id`, []any{tx.lens}, func(r *sql.Rows) error {
		var g rapport.Goal
		var due, done sql.NullInt64
		var created int64
		if err := r.Scan(&g.ID, &g.Text, &due, &done, &created); err != nil {
			return err
		}
		g.Due, g.Done, g.CreatedAt, g.Tags = msPtr(due), msPtr(done), fromMs(created), []string{}
		index[g.ID] = len(out)
		out = append(out, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tx.eachRow(ctx, "read goal tags", `SELECT goal_id, tag FROM goal_tags ORDER BY goal_id, tag`, nil, func(r *sql.Rows) error {
		var id, tag string
		if err := r.Scan(&id, &tag); err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			out[i].Tags = append(out[i].Tags, tag)
		}
		return nil
	})
	return out, err
}

// Goal returns one goal by id, a prefix or a suffix of it, or by a piece
// of its text found in one goal only (open goals first).
func (tx *Tx) Goal(ctx context.Context, ref string) (rapport.Goal, error) {
	id, err := tx.resolveID(ctx, "goals", "goal", ref)
	if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		id, err = tx.goalByText(ctx, ref)
	}
	if err != nil {
		return rapport.Goal{}, err
	}
	all, err := tx.Goals(ctx)
	if err != nil {
		return rapport.Goal{}, err
	}
	for _, g := range all {
		if g.ID == id {
			return g, nil
		}
	}
	return rapport.Goal{}, rapport.Errorf(rapport.ENOTFOUND, "no goal with id %q", ref)
}

// SetGoalDone marks a goal done (or open again, with a nil time).
func (tx *Tx) SetGoalDone(ctx context.Context, id string, at *time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE goals SET done_ms = ? WHERE id = ?`, nullMs(at), id); err != nil {
		return fmt.Errorf("close goal %s: %w", id, mapErr(err))
	}
	return nil
}
