package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// Watcher tells when the database has changed, from this process or any
// other: it holds one connection of its own that never writes and asks
// SQLite's data_version, which moves whenever another connection commits.
// On PostgreSQL it reads the position of the write-ahead log, which moves
// with every write to the cluster (more often than the data changes, never
// less).
type Watcher struct {
	mu   sync.Mutex
	conn *sql.Conn
	pg   bool
}

// Watch returns a Watcher; Close it when done.
func (db *DB) Watch(ctx context.Context) (*Watcher, error) {
	c, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", db.path, err)
	}
	return &Watcher{conn: c, pg: db.pg}, nil
}

// Version is a number that changes when the data does.
func (w *Watcher) Version(ctx context.Context) (int64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var v int64
	q := `PRAGMA data_version`
	if w.pg {
		q = `SELECT (pg_current_wal_insert_lsn() - '0/0')::bigint`
	}
	if err := w.conn.QueryRowContext(ctx, q).Scan(&v); err != nil {
		return 0, fmt.Errorf("read the data version: %w", err)
	}
	return v, nil
}

// Close gives the connection back.
func (w *Watcher) Close() error { return w.conn.Close() }
