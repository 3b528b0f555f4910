package store

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL through database/sql

	"github.com/rapport-app/rapport"
)

// The store writes one SQL for both engines: `?` placeholders (rebound to
// $1, $2... for PostgreSQL), ON CONFLICT upserts, BIGINT milliseconds, TEXT
// ids. What differs is kept here and in the few places that ask tx.pg:
// pragmas, SQLite's bulk-load tricks, the data version, backup.

// IsURL reports whether a --db value names a PostgreSQL database rather
// than an SQLite file.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// redact is a database URL without its password, for messages.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "the PostgreSQL database"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

var rebound sync.Map // query → its PostgreSQL form

// rebind turns each ? outside quotes into $1, $2, ...
func rebind(q string) string {
	if v, ok := rebound.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n, quote := 0, byte(0)
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	if len(q) < 4096 { // the long multi-row inserts are prepared once each
		rebound.Store(q, out)
	}
	return out
}

// pgQuerier rebinds every query on its way to PostgreSQL.
type pgQuerier struct{ q querier }

func (p pgQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.q.ExecContext(ctx, rebind(query), args...)
}

func (p pgQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.q.QueryContext(ctx, rebind(query), args...)
}

func (p pgQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.q.QueryRowContext(ctx, rebind(query), args...)
}

func (p pgQuerier) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.q.PrepareContext(ctx, rebind(query))
}

// PostgreSQL's error codes the store acts on.
const (
	pgUniqueViolation      = "23505"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
)

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// retryable reports whether a PostgreSQL transaction failed only because a
// concurrent one won: run again, it will see what that one wrote.
func retryable(err error) bool {
	c := pgCode(err)
	return c == pgSerializationFailure || c == pgDeadlockDetected
}

func mapPgErr(err error) error {
	if retryable(err) {
		return &pgBusy{coded: rapport.Errorf(rapport.EBUSY, "the database is busy (another rapport is writing): try again"), cause: err}
	}
	return err
}

// pgBusy is a lost race said as EBUSY that still carries PostgreSQL's own
// error, so that Update knows to run the transaction again.
type pgBusy struct {
	coded *rapport.Error
	cause error
}

func (e *pgBusy) Error() string   { return e.coded.Error() }
func (e *pgBusy) Unwrap() []error { return []error{e.coded, e.cause} }

// Import keys join their parts with NUL ("vcard\x00name\x00..."), which
// PostgreSQL's text cannot hold: there they are stored with the unit
// separator instead, and read (and backed up) as everywhere else.
func (tx *Tx) storedKey(k string) string {
	if tx.pg {
		return strings.ReplaceAll(k, "\x00", "\x1f")
	}
	return k
}

func (tx *Tx) readKey(k string) string {
	if tx.pg {
		return strings.ReplaceAll(k, "\x1f", "\x00")
	}
	return k
}
