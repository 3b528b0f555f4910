package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/safefile"
	"github.com/rapport-app/rapport/internal/store"
)

// ExportJSON writes a lossless backup of everything: people, interactions,
// asks, goals, follow-ups, assignments, the ladder and the settings. Rows
// come in a stable order, so the same data gives the same bytes.
func (a *App) ExportJSON(ctx context.Context, w io.Writer) error {
	if err := a.ownWorkspaceOnly("a JSON export"); err != nil {
		return err
	}
	d, err := a.DB.Snapshot(ctx)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(d)
}

// RestoreSummary says what a restore brought back.
type RestoreSummary struct {
	Source string         `json:"source"`
	Rows   map[string]int `json:"rows"`
}

// RestoreJSON reads a backup into an empty database, in one transaction,
// and rebuilds every tie from the restored history.
func (a *App) RestoreJSON(ctx context.Context, r io.Reader, file string) (*RestoreSummary, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var d store.Dump
	if err := dec.Decode(&d); err != nil {
		return nil, rapport.Errorf(rapport.EINVALID, "%s: not valid JSON: %v", file, err)
	}
	return a.restore(ctx, &d, file)
}

// restore writes a dump into this (empty) database and rebuilds every tie.
func (a *App) restore(ctx context.Context, d *store.Dump, file string) (*RestoreSummary, error) {
	sum := &RestoreSummary{Source: "json", Rows: map[string]int{}}
	for t, rows := range d.Tables {
		sum.Rows[t] = len(rows)
	}
	err := a.update(ctx, func(tx *store.Tx) error {
		if err := tx.Restore(ctx, d, file); err != nil {
			return err
		}
		p, err := a.params(ctx, tx)
		if err != nil {
			return fmt.Errorf("%s: settings: %w", file, err)
		}
		return a.rebuild(ctx, tx, p)
	})
	if err != nil {
		return nil, err
	}
	return sum, nil
}

// Backup copies the live database to a new SQLite file, which opens with
// --db like any other: from SQLite itself (VACUUM INTO), from PostgreSQL by
// restoring one consistent snapshot of it into the new file.
func (a *App) Backup(ctx context.Context, path string) error {
	if err := a.ownWorkspaceOnly("a backup"); err != nil {
		return err
	}
	if !a.DB.Postgres() {
		return a.DB.Backup(ctx, path)
	}
	d, err := a.DB.Snapshot(ctx)
	if err != nil {
		return err
	}
	return safefile.Create(path, func(tmp string) error {
		db, err := store.Open(ctx, tmp)
		if err != nil {
			return err
		}
		if _, err := New(db, a.Now).restore(ctx, d, path); err != nil {
			db.Close()
			return err
		}
		return db.Close() // the last connection folds the log into the file
	})
}
