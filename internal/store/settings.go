package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// personal are the settings each member of a workspace keeps for
// themselves (kept as KEY@MEMBER): what they offer and their time budget.
// A member who set none has the workspace's.
var personal = map[string]bool{"me.offers": true, "budget.day": true, "budget.week": true}

// Settings returns every stored setting, as whoever the transaction is for
// (its lens) has them.
func (tx *Tx) Settings(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	mine := map[string]string{}
	err := tx.eachRow(ctx, "read settings", `SELECT key, value FROM settings`, nil, func(r *sql.Rows) error {
		var k, v string
		err := r.Scan(&k, &v)
		if base, member, ok := strings.Cut(k, "@"); ok && personal[base] {
			if member == tx.lens {
				mine[base] = v
			}
			return err // another member's is theirs
		}
		out[k] = v
		return err
	})
	for k, v := range mine {
		out[k] = v
	}
	return out, err
}

// SetSetting stores one setting; an empty value removes it. A personal
// one is the member's, through a member's lens.
func (tx *Tx) SetSetting(ctx context.Context, key, value string) error {
	if personal[key] && tx.lens != "" {
		key += "@" + tx.lens
	}
	var err error
	if value == "" {
		_, err = tx.q.ExecContext(ctx, `DELETE FROM settings WHERE key = ?`, key)
	} else {
		_, err = tx.q.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	}
	if err != nil {
		return fmt.Errorf("save setting %s: %w", key, mapErr(err))
	}
	return nil
}
