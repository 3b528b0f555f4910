package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/safefile"
)

// backupTables are the tables a JSON backup holds, in an order that respects
// foreign keys, each with the columns that order its rows. Ties are derived
// and rebuilt after a restore; the migration table belongs to the schema.
// App passwords are credentials, not data: a restored database has none (make
// new ones); the address book's state is derived (devices sync afresh).
var backupTables = []struct{ name, order string }{
	{"settings", "key"},
	{"kinds", "name"},
	{"people", "id"},
	{"handles", "person_id, kind, ord, norm"},
	{"tags", "person_id, tag"},
	{"person_items", "person_id, id"},
	{"interactions", "id"},
	{"interaction_people", "interaction_id, person_id"},
	{"asks", "id"},
	{"goals", "id"},
	{"goal_tags", "goal_id, tag"},
	{"followups", "id"},
	{"assignments", "id"},
	{"assignment_slots", "assignment_id, slot"},
	{"import_keys", "key"},
	{"topic_aliases", "alias"},
	{"trust", "topic, truster, trustee"},
	{"knows", "a, b"},
	{"photos", "person_id"},
	{"device_removals", "member_id, person_id"},
}

// BackupFormat names Rapport's JSON backup.
const BackupFormat = "rapport-backup"

// Dump is the whole database as data: every row of every table, as column →
// value, in a stable order.
type Dump struct {
	Format string                      `json:"format"`
	Schema int64                       `json:"schema"`
	Tables map[string][]map[string]any `json:"tables"`
}

// Dump reads every table.
func (tx *Tx) Dump(ctx context.Context) (*Dump, error) {
	d := &Dump{Format: BackupFormat, Schema: SchemaVersion(), Tables: map[string][]map[string]any{}}
	for _, t := range backupTables {
		list := []map[string]any{}
		var cols []string
		err := tx.eachRow(ctx, "back up "+t.name, `SELECT * FROM `+t.name+` ORDER BY `+t.order, nil, func(rows *sql.Rows) error {
			if cols == nil {
				var err error
				if cols, err = rows.Columns(); err != nil {
					return err
				}
			}
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			row := make(map[string]any, len(cols))
			for i, c := range cols {
				if b, ok := vals[i].([]byte); ok {
					vals[i] = string(b)
				}
				row[c] = vals[i]
			}
			if k, ok := row["key"].(string); ok && t.name == "import_keys" {
				row["key"] = tx.readKey(k)
			}
			list = append(list, row)
			return nil
		})
		if err != nil {
			return nil, err
		}
		d.Tables[t.name] = list
	}
	return d, nil
}

// Restore writes a dump into a database that holds no people or
// interactions yet, replacing its catalogue of kinds and its settings.
func (tx *Tx) Restore(ctx context.Context, d *Dump, file string) error {
	if d.Format != BackupFormat {
		return rapport.Errorf(rapport.EINVALID, "%s: not a Rapport backup (format %q)", file, d.Format)
	}
	if d.Schema > SchemaVersion() {
		return rapport.Errorf(rapport.EINVALID, "%s: written by a newer Rapport (schema %d, this one knows up to %d)", file, d.Schema, SchemaVersion())
	}
	var n int
	if err := tx.q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM people) + (SELECT COUNT(*) FROM interactions)`).Scan(&n); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if n > 0 {
		return rapport.Errorf(rapport.ECONFLICT, "import json restores a backup into an empty database; this one has data: use --db NEW.db")
	}
	for _, t := range []string{"settings", "kinds"} {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM `+t); err != nil {
			return fmt.Errorf("restore: clear %s: %w", t, err)
		}
	}
	known := map[string]bool{}
	for _, t := range backupTables {
		known[t.name] = true
	}
	for name := range d.Tables {
		if !known[name] {
			return rapport.Errorf(rapport.EINVALID, "%s: unknown table %q", file, name)
		}
	}
	for _, t := range backupTables {
		// Rows with the same columns go in multi-row batches (a backup of
		// 200,000 interactions took 100 s row by row on PostgreSQL).
		var cols []string
		var batch [][]any
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			err := tx.insertRows(ctx, t.name, strings.Join(cols, ", "), "", batch)
			batch = batch[:0]
			if err != nil {
				return rapport.Errorf(rapport.EINVALID, "%s: %s: %v", file, t.name, rapport.ErrorMessage(err))
			}
			return nil
		}
		for i, row := range d.Tables[t.name] {
			rc := make([]string, 0, len(row))
			for c := range row {
				if strings.Trim(c, "abcdefghijklmnopqrstuvwxyz_") != "" {
					return rapport.Errorf(rapport.EINVALID, "%s: %s record %d: bad column name %q", file, t.name, i+1, c)
				}
				rc = append(rc, c)
			}
			sort.Strings(rc)
			if !slices.Equal(rc, cols) {
				if err := flush(); err != nil {
					return err
				}
				cols = rc
			}
			args := make([]any, len(cols))
			for j, c := range cols {
				args[j] = jsonValue(row[c])
				// A backup is input like any other: its text is held to
				// the same rule and the largest limit.
				if s, ok := args[j].(string); ok {
					if len(s) > rapport.MaxNote {
						return rapport.Errorf(rapport.ETOOLARGE, "%s: %s record %d: %s: %d bytes, more than the %d allowed", file, t.name, i+1, c, len(s), rapport.MaxNote)
					}
					if t.name == "import_keys" && c == "key" {
						// Made by Rapport, its parts joined with NUL, which
						// the text rule would strip: a re-import after the
						// restore would then not know the records again.
						args[j] = tx.storedKey(s)
						continue
					}
					args[j], _ = rapport.Clean(s, true)
				}
			}
			batch = append(batch, args)
		}
		if err := flush(); err != nil {
			return err
		}
	}
	// What the report replays from is derived, not backed up.
	if err := tx.copyTouches(ctx); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if d.Schema < 5 {
		// A backup from before touches and favours were told apart: read it
		// as migration 5 reads an old database.
		if _, err := tx.q.ExecContext(ctx, `UPDATE interactions SET favour = 1
			WHERE by_side IN ('me', 'them')
			  AND kind IN (SELECT name FROM kinds WHERE threshold IS NOT NULL AND shallow = 0 AND weight >= 1)`); err != nil {
			return fmt.Errorf("restore: favours: %w", err)
		}
	}
	return nil
}

// jsonValue turns a decoded JSON value back into what the driver stores.
func jsonValue(v any) any {
	if n, ok := v.(json.Number); ok {
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			return i
		}
		f, _ := strconv.ParseFloat(string(n), 64)
		return f
	}
	return v
}

// Snapshot is Dump of one consistent moment, while the database is in use.
func (db *DB) Snapshot(ctx context.Context) (*Dump, error) {
	if !db.pg {
		return db.View().Dump(ctx) // as the JSON export always read it; a consistent copy is Backup's VACUUM INTO
	}
	tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("back up: %w", err)
	}
	defer tx.Rollback()
	return db.tx(tx).Dump(ctx)
}

// Backup copies the live SQLite database to path, consistently, while it is
// in use (VACUUM INTO). A PostgreSQL database is backed up by app.Backup,
// into an SQLite file through Snapshot.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.pg {
		return rapport.Errorf(rapport.EINVALID, "back up %s: a PostgreSQL database is copied through a snapshot (app.Backup)", db.path)
	}
	return safefile.Create(path, func(tmp string) error {
		if _, err := db.sql.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
			return fmt.Errorf("back up to %s: %w", path, mapErr(err))
		}
		return nil
	})
}
