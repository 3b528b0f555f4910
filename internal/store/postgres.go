package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/rapport-app/rapport"
)

// openPostgres opens the PostgreSQL database a URL names and brings its
// schema up to date; one that holds another application's tables is
// refused, untouched.
func openPostgres(ctx context.Context, u string) (*DB, error) {
	db, err := sql.Open("pgx", u)
	if err != nil {
		return nil, rapport.Errorf(rapport.EINVALID, "open %s: %v", redact(u), err)
	}
	db.SetMaxOpenConns(16)
	d := &DB{sql: db, url: u, path: redact(u), pg: true, token: uuid.NewString(), channel: notifyChannel}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, rapport.Errorf(rapport.EINVALID, "cannot reach %s: %v", d.path, err)
	}
	if err := d.checkOwnPg(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// Several processes may open a new database at once: goose takes a
	// lock of its own for the migrations on PostgreSQL.
	if err := d.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := d.seed(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

// checkOwnPg refuses a database whose schema holds tables but not Rapport's.
func (db *DB) checkOwnPg(ctx context.Context) error {
	foreign, err := foreignTables(ctx, db.View(), `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`)
	if err != nil {
		return fmt.Errorf("open %s: %w", db.path, err)
	}
	if foreign != "" {
		return rapport.Errorf(rapport.EINVALID, "%s holds another application's tables (%s), not Rapport's: it was left untouched; choose another database",
			db.path, foreign)
	}
	return nil
}

// updatePg runs fn in a SERIALIZABLE transaction, again while it loses to a
// concurrent one (at most for a minute).
func (db *DB) updatePg(ctx context.Context, fn func(*Tx) error) error {
	return db.retryPg(ctx, func() error { return db.updatePgOnce(ctx, fn) })
}

// bulkPg is BulkUpdate on PostgreSQL: one SERIALIZABLE transaction on a
// connection of its own, so that its batches of rows can go in with COPY
// (which database/sql's transactions cannot reach), and with the references
// checked at commit rather than row by row (the schema's foreign keys are
// DEFERRABLE): an import writes interactions before the new people they name.
func (db *DB) bulkPg(ctx context.Context, fn func(*Tx) error) error {
	return db.retryPg(ctx, func() error {
		conn, err := db.sql.Conn(ctx)
		if err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `BEGIN ISOLATION LEVEL SERIALIZABLE`); err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		rollback := func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`) }
		if _, err := conn.ExecContext(ctx, `SET CONSTRAINTS ALL DEFERRED`); err != nil {
			rollback()
			return fmt.Errorf("defer the reference checks: %w", err)
		}
		tx := &Tx{q: pgQuerier{conn}, pg: true, copy: func(ctx context.Context, table string, cols []string, rows [][]any) error {
			return conn.Raw(func(dc any) error {
				c, ok := dc.(*stdlib.Conn)
				if !ok {
					return fmt.Errorf("copy into %s: not a pgx connection", table)
				}
				_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
				return err
			})
		}}
		if err := fn(tx); err != nil {
			rollback()
			return err
		}
		wrote, err := db.notify(ctx, conn)
		if err != nil {
			rollback()
			return err
		}
		if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
			rollback()
			return fmt.Errorf("commit: %w", err)
		}
		db.committed(wrote)
		return nil
	})
}

// notify tells the processes watching the database, at commit, that it
// changed, if the transaction wrote anything (PostgreSQL gave it an id).
func (db *DB) notify(ctx context.Context, q querier) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM (SELECT pg_notify($1, $2)) n WHERE pg_current_xact_id_if_assigned() IS NOT NULL`,
		db.channel, db.token).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("notify the watchers: %w", err)
	}
	return true, nil
}

// committed counts a write this handle committed, for its own watchers.
func (db *DB) committed(wrote bool) {
	if wrote {
		db.wrote.Add(1)
	}
}

// retryPg runs once, and again while it fails only because a concurrent
// transaction won (at most for a minute).
func (db *DB) retryPg(ctx context.Context, once func() error) error {
	deadline := time.Now().Add(time.Minute)
	for try := 0; ; try++ {
		err := once()
		if err != nil && ctx.Err() != nil {
			// Cancelled (Ctrl-C): pgx drops the connection and says only
			// that it is bad; the rollback is the server's.
			return fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		if err == nil || !retryable(err) || time.Now().After(deadline) {
			if retryable(err) {
				return mapPgErr(err)
			}
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(min(try+1, 20)) * 5 * time.Millisecond):
		}
	}
}

func (db *DB) updatePgOnce(ctx context.Context, fn func(*Tx) error) error {
	tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(db.tx(tx)); err != nil {
		tx.Rollback()
		return err
	}
	wrote, err := db.notify(ctx, tx)
	if err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	db.committed(wrote)
	return nil
}
