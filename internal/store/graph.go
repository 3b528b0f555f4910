package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/rapport-app/rapport"
)

// Canonical returns the topic an alias stands for (the topic itself if none).
func (tx *Tx) Canonical(ctx context.Context, topic string) (string, error) {
	var c string
	err := tx.q.QueryRowContext(ctx, `SELECT canonical FROM topic_aliases WHERE alias = ?`, topic).Scan(&c)
	if err == sql.ErrNoRows {
		return topic, nil
	}
	if err != nil {
		return "", fmt.Errorf("read topic alias: %w", err)
	}
	return c, nil
}

// SetAlias makes alias stand for canonical, and moves lines filed under it.
func (tx *Tx) SetAlias(ctx context.Context, alias, canonical string) error {
	for _, s := range []struct {
		q    string
		args []any
	}{
		{`INSERT INTO topic_aliases (alias, canonical) VALUES (?, ?) ON CONFLICT (alias) DO UPDATE SET canonical = excluded.canonical`, []any{alias, canonical}},
		{`UPDATE topic_aliases SET canonical = ? WHERE canonical = ?`, []any{canonical, alias}},
		{`UPDATE trust SET topic = ? WHERE topic = ? AND NOT EXISTS (
			SELECT 1 FROM trust t WHERE t.topic = ? AND t.truster = trust.truster AND t.trustee = trust.trustee)`, []any{canonical, alias, canonical}},
		{`DELETE FROM trust WHERE topic = ?`, []any{alias}},
	} {
		if _, err := tx.q.ExecContext(ctx, s.q, s.args...); err != nil {
			return fmt.Errorf("alias topic: %w", mapErr(err))
		}
	}
	return nil
}

// TrustFrom returns the lines of several trusters on a topic, in one query.
func (tx *Tx) TrustFrom(ctx context.Context, topic string, trusters []string) ([]rapport.TrustLine, error) {
	if len(trusters) == 0 {
		return nil, nil
	}
	return tx.trustLines(ctx, `SELECT truster, trustee, rank FROM trust WHERE topic = ? AND truster IN `+
		placeholders(len(trusters))+` ORDER BY truster, rank, trustee`, append([]any{topic}, anys(trusters)...)...)
}

// TrustOf returns a truster's lines on a topic, by rank.
func (tx *Tx) TrustOf(ctx context.Context, topic, truster string) ([]rapport.TrustLine, error) {
	return tx.trustLines(ctx, `SELECT truster, trustee, rank FROM trust WHERE topic = ? AND truster = ? ORDER BY rank, trustee`, topic, truster)
}

func (tx *Tx) trustLines(ctx context.Context, q string, args ...any) ([]rapport.TrustLine, error) {
	var out []rapport.TrustLine
	err := tx.eachRow(ctx, "read trust", q, args, func(rows *sql.Rows) error {
		var l rapport.TrustLine
		err := rows.Scan(&l.Truster, &l.Trustee, &l.Rank)
		out = append(out, l)
		return err
	})
	return out, err
}

// Topics lists the topics with trust lines, and how many lines each has.
func (tx *Tx) Topics(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	err := tx.eachRow(ctx, "read topics", `SELECT topic, COUNT(*) FROM trust GROUP BY topic`, nil, func(rows *sql.Rows) error {
		var t string
		var n int
		err := rows.Scan(&t, &n)
		out[t] = n
		return err
	})
	return out, err
}

// PutTrust records a line (replacing its rank if it exists).
func (tx *Tx) PutTrust(ctx context.Context, topic string, l rapport.TrustLine) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO trust (truster, topic, trustee, rank) VALUES (?, ?, ?, ?)
		ON CONFLICT (topic, truster, trustee) DO UPDATE SET rank = excluded.rank`, l.Truster, topic, l.Trustee, l.Rank)
	if err != nil {
		return fmt.Errorf("record trust: %w", mapErr(err))
	}
	return nil
}

// DeleteTrust removes a line; it reports whether there was one.
func (tx *Tx) DeleteTrust(ctx context.Context, topic, truster, trustee string) (bool, error) {
	r, err := tx.q.ExecContext(ctx, `DELETE FROM trust WHERE topic = ? AND truster = ? AND trustee = ?`, topic, truster, trustee)
	if err != nil {
		return false, fmt.Errorf("remove trust: %w", mapErr(err))
	}
	n, _ := r.RowsAffected()
	return n > 0, nil
}

// PutKnows records that a and b know each other (by hand).
func (tx *Tx) PutKnows(ctx context.Context, a, b string, strength float64) error {
	if a > b {
		a, b = b, a
	}
	_, err := tx.q.ExecContext(ctx, `INSERT INTO knows (a, b, strength, source) VALUES (?, ?, ?, 'manual')
		ON CONFLICT (a, b) DO UPDATE SET strength = excluded.strength, source = 'manual'`, a, b, strength)
	if err != nil {
		return fmt.Errorf("record knows: %w", mapErr(err))
	}
	return nil
}

// Acquaintance is someone a person knows, and how well (0-100).
type Acquaintance struct {
	ID       string
	Strength float64
	Shared   int // interactions they shared
}

// KnownBy returns whom a person knows: recorded by hand, or inferred from
// interactions they shared (at least minShared of them; each shared
// interaction counts perShared points, up to 100). The stronger source wins.
func (tx *Tx) KnownBy(ctx context.Context, id string, minShared int, perShared float64) (map[string]Acquaintance, error) {
	out := map[string]Acquaintance{}
	err := tx.eachRow(ctx, "read knows", `SELECT b, strength FROM knows WHERE a = ? UNION ALL SELECT a, strength FROM knows WHERE b = ?`, []any{id, id}, func(rows *sql.Rows) error {
		var k Acquaintance
		err := rows.Scan(&k.ID, &k.Strength)
		out[k.ID] = k
		return err
	})
	if err != nil {
		return nil, err
	}
	err = tx.eachRow(ctx, "read shared interactions", `SELECT o.person_id, COUNT(*) FROM interaction_people p
		JOIN interaction_people o ON o.interaction_id = p.interaction_id
		WHERE p.person_id = ? AND o.person_id <> ? GROUP BY o.person_id HAVING COUNT(*) >= ?`, []any{id, id, minShared}, func(rows *sql.Rows) error {
		var k Acquaintance
		if err := rows.Scan(&k.ID, &k.Shared); err != nil {
			return err
		}
		k.Strength = min(100, float64(k.Shared)*perShared)
		if cur, ok := out[k.ID]; !ok || cur.Strength < k.Strength {
			out[k.ID] = k
		} else {
			cur.Shared = k.Shared
			out[k.ID] = cur
		}
		return nil
	})
	return out, err
}

// BulkTrust inserts many trust lines on one topic (for generated networks).
func (tx *Tx) BulkTrust(ctx context.Context, topic string, lines []rapport.TrustLine) error {
	rows := make([][]any, len(lines))
	for i, l := range lines {
		rows[i] = []any{l.Truster, topic, l.Trustee, l.Rank}
	}
	return tx.insertRows(ctx, "trust", "truster, topic, trustee, rank", " ON CONFLICT DO NOTHING", rows)
}

// BulkKnows inserts many knows edges [a, b, strength] (for generated networks).
func (tx *Tx) BulkKnows(ctx context.Context, edges [][3]any) error {
	rows := make([][]any, len(edges))
	for i, e := range edges {
		a, b := e[0].(string), e[1].(string)
		if a > b {
			a, b = b, a
		}
		rows[i] = []any{a, b, e[2], "manual"}
	}
	return tx.insertRows(ctx, "knows", "a, b, strength, source", " ON CONFLICT DO NOTHING", rows)
}

// DropGraphIndexes and CreateGraphIndexes bracket a bulk load of the graph
// (generated benchmark networks): secondary indexes are built once at the
// end instead of being updated at random for every row.
func (db *DB) DropGraphIndexes(ctx context.Context) error {
	for _, q := range []string{`DROP INDEX IF EXISTS trust_trustee`, `DROP INDEX IF EXISTS knows_b`} {
		if _, err := db.sql.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("drop graph indexes: %w", err)
		}
	}
	return nil
}

// CreateGraphIndexes restores what DropGraphIndexes removed.
func (db *DB) CreateGraphIndexes(ctx context.Context) error {
	for _, q := range []string{`CREATE INDEX IF NOT EXISTS trust_trustee ON trust (trustee)`, `CREATE INDEX IF NOT EXISTS knows_b ON knows (b, a)`} {
		if _, err := db.sql.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create graph indexes: %w", err)
		}
	}
	return nil
}
