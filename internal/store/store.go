// Package store keeps Rapport's data in SQLite (the embedded default) or
// PostgreSQL (a postgres:// URL) through hand-written, portable SQL (see
// dialect.go). Migrations are embedded, one set per engine, and applied on
// open; a database written by a newer Rapport is refused rather than damaged.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/rapport-app/rapport"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// DB is an open Rapport database.
type DB struct {
	sql      *sql.DB
	path     string // the file, or the URL without its password
	readOnly bool
	pg       bool // PostgreSQL, not SQLite
	// On PostgreSQL, a write commits with a notification to every process
	// watching the database (see watch.go): token tells this handle's own
	// from the others', and wrote counts its own writes.
	token string
	wrote atomic.Int64
	// url is the PostgreSQL URL as given (with its password): a
	// workspace's handle connects with it (OpenSchema). channel is where
	// this handle's writes are announced (one per workspace).
	url     string
	channel string
	shared  bool // another handle's connections (OpenSchema of "public"): Close leaves them
}

// DefaultPath is where the database lives when neither --db nor RAPPORT_DB
// says otherwise: $XDG_DATA_HOME/rapport/rapport.db, else
// ~/.local/share/rapport/rapport.db.
func DefaultPath() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "rapport", "rapport.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the default database: %w (set --db or RAPPORT_DB)", err)
	}
	return filepath.Join(home, ".local", "share", "rapport", "rapport.db"), nil
}

// Open opens (creating it if needed) the database at path and brings its
// schema up to date. Every pooled connection waits for locks (busy_timeout),
// writes ahead (WAL), enforces foreign keys, and starts write transactions
// with BEGIN IMMEDIATE so concurrent writers queue instead of failing.
func Open(ctx context.Context, path string) (*DB, error) {
	if IsURL(path) {
		return openPostgres(ctx, path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return openDB(ctx, path, !writable(path))
}

// open is Open, told whether the file can be written.
func openDB(ctx context.Context, path string, readOnly bool) (*DB, error) {
	if !readOnly {
		if err := create(ctx, path); err != nil {
			return nil, err
		}
	}
	if err := checkOwn(ctx, path, readOnly); err != nil {
		return nil, err
	}
	q := url.Values{}
	if readOnly {
		// A file in a directory we cannot write cannot have its WAL
		// index made beside it: it is read as it stands, and writes
		// fail with "the database is read-only".
		q.Set("mode", "ro")
		q.Set("immutable", "1")
	}
	q.Add("_pragma", "busy_timeout(20000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "temp_store(MEMORY)") // statement journals of large inserts stay off the disk
	q.Add("_pragma", "cache_size(-32000)") // 32 MB of page cache: imports and the demo touch many index pages
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	d := &DB{sql: db, path: path, readOnly: readOnly}
	if err := d.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if readOnly {
		return d, nil
	}
	if err := d.seed(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

// create gives a new (absent or empty) database file 16 KB pages, before
// anything else touches it: the driver applies a DSN's pragmas in
// alphabetical order, journal_mode before page_size, and WAL fixes the page
// size. With 16 KB pages a large import writes a quarter of the log frames and
// splits fewer B-tree pages (the floor under a 200,000-message import: 2.1 s to
// 1.9 s). A file that already has pages keeps its size.
func create(ctx context.Context, path string) error {
	if st, err := os.Stat(path); err == nil && st.Size() > 0 || err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil // there already, or Open will say what is wrong with it
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(20000)")
	if err != nil {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	defer db.Close()
	for _, q := range []string{`PRAGMA page_size = 16384`, `PRAGMA journal_mode = WAL`} {
		for try := 0; ; try++ {
			_, err := db.ExecContext(ctx, q)
			if err == nil {
				break
			}
			// Several processes may make the same new file at once: the one
			// that loses the race for the journal mode (SQLite answers busy
			// at once there, without waiting) finds the file made.
			if st, serr := os.Stat(path); rapport.ErrorCode(mapErr(err)) == rapport.EBUSY && try < 100 {
				if serr == nil && st.Size() > 0 {
					return nil
				}
				time.Sleep(10 * time.Millisecond)
				continue
			}
			return fmt.Errorf("create database %s: %w", path, mapErr(err))
		}
	}
	return nil
}

// checkOwn refuses, untouched, a file that is not a Rapport database: an
// SQLite file of another application (tables, but none of ours), or not
// SQLite at all. It reads on a connection without Open's pragmas, which
// would switch the file to WAL before anything could be checked.
func checkOwn(ctx context.Context, path string, readOnly bool) error {
	dsn := "file:" + path + "?mode=ro&_pragma=busy_timeout(20000)"
	if readOnly {
		dsn += "&immutable=1"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	defer db.Close()
	foreign, err := foreignTables(ctx, &Tx{q: db}, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		var se *sqlite.Error
		if errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_NOTADB || se.Code() == sqlite3.SQLITE_CORRUPT) {
			return rapport.Errorf(rapport.EINVALID, "%s is not a Rapport database (not SQLite at all): it was left untouched; choose another file with --db", path)
		}
		if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CANTOPEN {
			return nil // Open makes it, or says why it cannot
		}
		return fmt.Errorf("open database %s: %w", path, mapErr(err))
	}
	if foreign != "" {
		return rapport.Errorf(rapport.EINVALID, "%s is an SQLite database of another application (tables %s), not Rapport's: it was left untouched; choose another file with --db",
			path, foreign)
	}
	return nil
}

// foreignTables reads the table names query lists and, when there are
// tables but not Rapport's (no migration table among them), names the first
// few: the database belongs to another application. Its error is the
// driver's, as is, for the caller to read.
func foreignTables(ctx context.Context, tx *Tx, query string) (string, error) {
	var tables []string
	ours := false
	err := tx.eachRow(ctx, "", query, nil, func(rows *sql.Rows) error {
		var name string
		err := rows.Scan(&name)
		tables = append(tables, name)
		ours = ours || name == "goose_db_version"
		return err
	})
	if err != nil || len(tables) == 0 || ours {
		return "", err
	}
	if len(tables) > 5 {
		tables = append(tables[:5], "…")
	}
	return strings.Join(tables, ", "), nil
}

// writable reports whether the database at path, and the directory it is
// in, can be written: SQLite makes its WAL files beside the database.
func writable(path string) bool {
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return !errors.Is(err, fs.ErrPermission)
	}
	return dirWritable(filepath.Dir(path))
}

// ReadOnly reports whether the database was opened read-only (it cannot be
// written where it is).
func (db *DB) ReadOnly() bool { return db.readOnly }

// Path is the database file, or its URL without the password.
func (db *DB) Path() string { return db.path }

// Postgres reports whether the database is PostgreSQL rather than SQLite.
func (db *DB) Postgres() bool { return db.pg }

// Close closes the database.
func (db *DB) Close() error {
	if db.shared {
		return nil
	}
	return db.sql.Close()
}

// SchemaVersion is the newest migration this build knows.
func SchemaVersion() int64 {
	entries, _ := fs.Glob(migrations, "migrations/sqlite/*.sql")
	var v int64
	for _, e := range entries {
		var n int64
		fmt.Sscanf(filepath.Base(e), "%d_", &n)
		v = max(v, n)
	}
	return v
}

func (db *DB) migrate(ctx context.Context) error {
	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	if db.pg {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
	}
	fsys, err := fs.Sub(migrations, dir)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(dialect, db.sql, fsys)
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("read the schema version of %s: %w", db.path, err)
	}
	if known := SchemaVersion(); current > known {
		return rapport.Errorf(rapport.EINVALID,
			"database %s has schema version %d, written by a newer Rapport (this one knows up to %d): upgrade rapport; the file was not changed",
			db.path, current, known)
	}
	if current == SchemaVersion() {
		return nil
	}
	if db.pg {
		// Processes that open a new database at once take turns, waiting
		// on a lock of the session's (goose's own locker polls each second).
		conn, err := db.sql.Conn(ctx)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", db.path, err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7354836)`); err != nil {
			return fmt.Errorf("migrate %s: %w", db.path, err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7354836)`)
	}
	if db.readOnly {
		return rapport.Errorf(rapport.EINVALID, "database %s is read-only here and has schema version %d, older than this Rapport's %d: open it once where it can be written to upgrade it",
			db.path, current, SchemaVersion())
	}
	// Several processes may open the same new file at once (a script that
	// starts eight rapport commands). Each migration is its own BEGIN
	// IMMEDIATE transaction, so they queue; one that finds its step already
	// taken by another process fails and starts again from the version now
	// stored. Each failure means another process moved the schema forward,
	// so this ends; the bound only stops a real error from looping.
	var last error
	for range 4 * (SchemaVersion() + 1) {
		if _, err := p.Up(ctx); err == nil {
			return nil
		} else {
			last = err
		}
		v, err := p.GetDBVersion(ctx)
		if err != nil {
			break
		}
		if v == SchemaVersion() {
			return nil
		}
		if v < current {
			break
		}
		current = v
		if err := ctx.Err(); err != nil {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("migrate %s: %w", db.path, last)
}

func (db *DB) seed(ctx context.Context) error {
	// Read first: most opens find the catalogue there and take no write lock.
	var n int
	if err := db.View().q.QueryRowContext(ctx, `SELECT COUNT(*) FROM kinds`).Scan(&n); err != nil {
		return fmt.Errorf("count kinds: %w", err)
	}
	if n > 0 {
		return nil
	}
	return db.Update(ctx, func(tx *Tx) error {
		var n int
		if err := tx.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM kinds`).Scan(&n); err != nil {
			return fmt.Errorf("count kinds: %w", err)
		}
		if n > 0 {
			return nil
		}
		for _, k := range rapport.DefaultKinds() {
			k.Builtin = true
			if err := tx.PutKind(ctx, k); err != nil {
				return err
			}
		}
		return nil
	})
}

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// Tx runs queries, inside a write transaction (Update) or straight on the
// pool (View).
type Tx struct {
	q     querier
	pg    bool      // on PostgreSQL (q rebinds)
	bulk  bool      // in BulkUpdate: inserts end the transaction on a conflict (see insertRows)
	snaps *snapMark // snapshots_built as last read or written in this transaction
	// copy loads rows with PostgreSQL's COPY, in BulkUpdate there; nil
	// elsewhere.
	copy func(ctx context.Context, table string, cols []string, rows [][]any) error
	// member is whose ties the transaction reads and writes ("" for one
	// person's; see Lens).
	lens string
	// foldPage is how many touches the replay reads at a time (0: 50,000);
	// tests make it small to cross many pages.
	foldPage int
}

// View returns a Tx for reads outside any transaction.
func (db *DB) View() *Tx { return db.tx(db.sql) }

// tx wraps a querier for the engine.
func (db *DB) tx(q querier) *Tx {
	if db.pg {
		return &Tx{q: pgQuerier{q}, pg: true}
	}
	return &Tx{q: q}
}

// BulkUpdate is Update for large writes whose every reference fn itself
// read or made in the same transaction (imports, the demo). The transaction
// runs on a connection of its own with a page cache large enough that SQLite
// need not spill dirty pages to the log halfway through, and with foreign
// keys unchecked: checking each of hundreds of thousands of participant rows
// against two parent tables, and keeping the statement journal such checks
// need, was a fifth of an mbox import. The import tests run SQLite's
// foreign_key_check after every import to hold fn to its side of this.
func (db *DB) BulkUpdate(ctx context.Context, fn func(*Tx) error) error {
	if db.pg {
		return db.bulkPg(ctx, fn)
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", mapErr(err))
	}
	defer conn.Close()
	// The pragma is a no-op inside a transaction, so it is set before BEGIN
	// and restored after; a connection that cannot be restored is dropped
	// rather than returned to the pool without its foreign keys.
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return fmt.Errorf("begin: %w", mapErr(err))
	}
	defer func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", mapErr(err))
	}
	t := &Tx{q: tx, bulk: true}
	// The connection's own 32 MB page cache is enough: the big inserts go
	// in key order with their indexes built after, and a 256 MB cache, once
	// worth 2 s of spills, now only added 250 MB to an import's peak memory
	// (docs/benchmarks.md).
	if _, err := tx.ExecContext(ctx, `PRAGMA threads = 2`); err != nil {
		tx.Rollback()
		return fmt.Errorf("sort on two threads: %w", err)
	}
	if err := fn(t); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	return nil
}

// ForeignKeyViolations lists the rows whose references do not hold, as
// "table rowid → parent"; none in a sound database.
func (db *DB) ForeignKeyViolations(ctx context.Context) ([]string, error) {
	if db.pg {
		return nil, nil // PostgreSQL checks every reference, always
	}
	var out []string
	err := db.View().eachRow(ctx, "check foreign keys", `PRAGMA foreign_key_check`, nil, func(rows *sql.Rows) error {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		err := rows.Scan(&table, &rowid, &parent, &fk)
		out = append(out, fmt.Sprintf("%s %d → %s", table, rowid.Int64, parent))
		return err
	})
	return out, err
}

// Update runs fn in one write transaction: all of it is kept, or none.
// On PostgreSQL the transaction is SERIALIZABLE, so a read-modify-write (a
// tie read, updated and written back) cannot lose a concurrent one's
// update: the loser is rolled back and fn runs again, on what the winner
// wrote. fn must therefore keep its effects inside the transaction.
func (db *DB) Update(ctx context.Context, fn func(*Tx) error) error {
	if db.pg {
		return db.updatePg(ctx, fn)
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", mapErr(err))
	}
	if err := fn(&Tx{q: tx}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	return nil
}

// mapErr turns driver errors a user can act on into coded errors.
func mapErr(err error) error {
	if pgCode(err) != "" {
		return mapPgErr(err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return rapport.Errorf(rapport.EBUSY, "the database is busy (another rapport is writing): try again")
		case sqlite3.SQLITE_READONLY:
			return rapport.Errorf(rapport.EINTERNAL, "the database is read-only")
		}
	}
	return err
}

func isUniqueViolation(err error) bool {
	if pgCode(err) == pgUniqueViolation {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
	}
	return false
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMs(v int64) time.Time { return time.UnixMilli(v).UTC() }

func nullMs(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

func msPtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMs(v.Int64)
	return &t
}

// likeEscape escapes s for a LIKE pattern with ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
