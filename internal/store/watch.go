package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// notifyChannel is where PostgreSQL writers tell the watchers.
const notifyChannel = "rapport_changed"

// Watcher tells when the database has changed, from this process or any
// other. On SQLite it holds one connection of its own that never writes and
// asks SQLite's data_version, which moves whenever another connection
// commits. On PostgreSQL every write commits with a NOTIFY (see DB.notify)
// and the watcher LISTENs on a connection of its own: a write through this
// handle moves the version at once, one from another process as soon as its
// notification arrives (moments later). Reading the version costs no query.
type Watcher struct {
	mu   sync.Mutex
	conn *sql.Conn

	// PostgreSQL
	db     *DB
	heard  atomic.Int64 // notifications from other processes
	deaf   atomic.Bool  // not listening (the connection broke): every read is a change
	missed atomic.Int64
	stop   context.CancelFunc
	done   chan struct{}
}

// Watch returns a Watcher; Close it when done.
func (db *DB) Watch(ctx context.Context) (*Watcher, error) {
	if db.pg {
		return db.watchPg(ctx)
	}
	c, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", db.path, err)
	}
	return &Watcher{conn: c}, nil
}

// Version is a number that changes when the data does.
func (w *Watcher) Version(ctx context.Context) (int64, error) {
	if w.db != nil {
		// Each count only grows, so their sum moves with any of them.
		if w.deaf.Load() {
			w.missed.Add(1)
		}
		return w.db.wrote.Load() + w.heard.Load() + w.missed.Load(), nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var v int64
	if err := w.conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read the data version: %w", err)
	}
	return v, nil
}

// Close gives the connection back.
func (w *Watcher) Close() error {
	if w.db != nil {
		w.stop()
		<-w.done
		return nil
	}
	return w.conn.Close()
}

// watchPg starts listening; it fails if the first connection cannot listen.
func (db *DB) watchPg(ctx context.Context) (*Watcher, error) {
	c, err := db.listen(ctx)
	if err != nil {
		return nil, err
	}
	lctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	w := &Watcher{db: db, stop: stop, done: make(chan struct{})}
	go w.hear(lctx, c)
	return w, nil
}

// listen takes a connection of the pool for good and LISTENs on it.
func (db *DB) listen(ctx context.Context) (*sql.Conn, error) {
	c, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", db.path, err)
	}
	if _, err := c.ExecContext(ctx, `LISTEN `+pgx.Identifier{db.channel}.Sanitize()); err != nil {
		c.Close()
		return nil, fmt.Errorf("watch %s: %w", db.path, err)
	}
	return c, nil
}

// hear counts the notifications of other processes until ctx ends. If the
// connection breaks, the watcher is deaf (every version read differs, so
// nothing stale is served) until a new one listens.
func (w *Watcher) hear(ctx context.Context, c *sql.Conn) {
	defer close(w.done)
	for ctx.Err() == nil {
		_ = c.Raw(func(dc any) error { // its error is the broken connection, replaced below
			pc, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("not a pgx connection")
			}
			for {
				n, err := pc.Conn().WaitForNotification(ctx)
				if err != nil {
					return err
				}
				if n.Payload != w.db.token {
					w.heard.Add(1)
				}
			}
		})
		c.Close()
		if ctx.Err() != nil {
			return
		}
		w.deaf.Store(true)
		for ctx.Err() == nil {
			var err error
			if c, err = w.db.listen(ctx); err == nil {
				w.missed.Add(1) // what was missed while deaf counts as a change
				w.deaf.Store(false)
				break
			}
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
}
