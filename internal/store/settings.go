package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Settings returns every stored setting.
func (tx *Tx) Settings(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	err := tx.eachRow(ctx, "read settings", `SELECT key, value FROM settings`, nil, func(r *sql.Rows) error {
		var k, v string
		err := r.Scan(&k, &v)
		out[k] = v
		return err
	})
	return out, err
}

// SetSetting stores one setting; an empty value removes it.
func (tx *Tx) SetSetting(ctx context.Context, key, value string) error {
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
