package store

import (
	"context"
	"fmt"
)

// Settings returns every stored setting.
func (tx *Tx) Settings(ctx context.Context) (map[string]string, error) {
	rows, err := tx.q.QueryContext(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read settings: %w", err)
		}
		out[k] = v
	}
	return out, closeRows(rows)
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
