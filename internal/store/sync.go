package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
)

// SyncSource is a source `rapport sync` reads as it changes: a mailbox by
// its URL (no password), your addresses in it, the command that gives its
// password, and its last run.
type SyncSource struct {
	URL             string     `json:"url"`
	Kind            string     `json:"kind"`
	Me              []string   `json:"me"`
	PasswordCommand string     `json:"password_command"`
	LastRun         *time.Time `json:"last_run"`
	LastAdded       int        `json:"last_added"`
	LastError       string     `json:"last_error"`
}

// PutSyncSource records a source (or changes how it is reached).
func (tx *Tx) PutSyncSource(ctx context.Context, s SyncSource) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO sync_sources (url, kind, me, password_command) VALUES (?, ?, ?, ?)
		ON CONFLICT (url) DO UPDATE SET kind = excluded.kind, me = excluded.me, password_command = excluded.password_command`,
		s.URL, s.Kind, strings.Join(s.Me, " "), s.PasswordCommand)
	if err != nil {
		return fmt.Errorf("record the source %s: %w", s.URL, mapErr(err))
	}
	return nil
}

// SyncRan records how a source's run went.
func (tx *Tx) SyncRan(ctx context.Context, url string, at time.Time, added int, failure string) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE sync_sources SET last_run_ms = ?, last_added = ?, last_error = ? WHERE url = ?`, ms(at), added, failure, url)
	if err != nil {
		return fmt.Errorf("record the run of %s: %w", url, mapErr(err))
	}
	return nil
}

// SyncSources lists the sources, by URL.
func (tx *Tx) SyncSources(ctx context.Context) ([]SyncSource, error) {
	out := []SyncSource{}
	err := tx.eachRow(ctx, "list sync sources", `SELECT url, kind, me, password_command, last_run_ms, last_added, last_error FROM sync_sources ORDER BY url`, nil, func(rows *sql.Rows) error {
		var s SyncSource
		var me string
		var run sql.NullInt64
		if err := rows.Scan(&s.URL, &s.Kind, &me, &s.PasswordCommand, &run, &s.LastAdded, &s.LastError); err != nil {
			return err
		}
		s.Me, s.LastRun = strings.Fields(me), msPtr(run)
		out = append(out, s)
		return nil
	})
	return out, err
}

// DeleteSyncSource forgets a source and how far it was read.
func (tx *Tx) DeleteSyncSource(ctx context.Context, url string) error {
	r, err := tx.q.ExecContext(ctx, `DELETE FROM sync_sources WHERE url = ?`, url)
	if err != nil {
		return fmt.Errorf("forget %s: %w", url, mapErr(err))
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return rapport.Errorf(rapport.ENOTFOUND, "no source %s (rapport sync list)", url)
	}
	for _, q := range []string{`DELETE FROM sync_folders WHERE url = ?`, `DELETE FROM sync_items WHERE url = ?`} {
		if _, err := tx.q.ExecContext(ctx, q, url); err != nil {
			return fmt.Errorf("forget %s: %w", url, mapErr(err))
		}
	}
	return nil
}

// SyncFolder returns how far a folder of a source was read (zeros for not
// yet).
func (tx *Tx) SyncFolder(ctx context.Context, url, folder string) (uidValidity, lastUID int64, err error) {
	err = tx.q.QueryRowContext(ctx, `SELECT uid_validity, last_uid FROM sync_folders WHERE url = ? AND folder = ?`, url, folder).Scan(&uidValidity, &lastUID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("read how far %s was read: %w", folder, err)
	}
	return uidValidity, lastUID, nil
}

// PutSyncFolder records how far a folder was read.
func (tx *Tx) PutSyncFolder(ctx context.Context, url, folder string, uidValidity, lastUID int64) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO sync_folders (url, folder, uid_validity, last_uid) VALUES (?, ?, ?, ?)
		ON CONFLICT (url, folder) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid`, url, folder, uidValidity, lastUID)
	if err != nil {
		return fmt.Errorf("record how far %s was read: %w", folder, mapErr(err))
	}
	return nil
}

// EmailedAddresses are the addresses of the people you have written to by
// email (an email interaction begun by you): whose mail counts in a sync.
func (tx *Tx) EmailedAddresses(ctx context.Context) ([]string, error) {
	return tx.strings(ctx, `SELECT DISTINCT h.norm FROM handles h
		JOIN interaction_people ip ON ip.person_id = h.person_id
		JOIN interactions i ON i.id = ip.interaction_id
		WHERE h.kind = ? AND i.kind = 'email' AND i.by_side = 'me'`, rapport.HandleEmail)
}

// SyncItems returns the ETag last read of each item (a calendar event) of a
// source, by href.
func (tx *Tx) SyncItems(ctx context.Context, url string) (map[string]string, error) {
	out := map[string]string{}
	err := tx.eachRow(ctx, "read what was synced", `SELECT href, etag FROM sync_items WHERE url = ?`, []any{url}, func(rows *sql.Rows) error {
		var h, e string
		err := rows.Scan(&h, &e)
		out[h] = e
		return err
	})
	return out, err
}

// PutSyncItems records the ETags read of items of a source.
func (tx *Tx) PutSyncItems(ctx context.Context, url string, etags map[string]string) error {
	for h, e := range etags {
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO sync_items (url, href, etag) VALUES (?, ?, ?)
			ON CONFLICT (url, href) DO UPDATE SET etag = excluded.etag`, url, h, e); err != nil {
			return fmt.Errorf("record what was synced: %w", mapErr(err))
		}
	}
	return nil
}
