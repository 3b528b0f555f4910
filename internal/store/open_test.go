package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pressly/goose/v3"
	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/store/pgtest"
)

func fileSum(t *testing.T, p string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// Another application's SQLite file, or a file that is not SQLite, is
// refused and left exactly as it was: no tables added, no WAL switched on.
func TestOpenRefusesOtherFilesUntouched(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	dir := t.TempDir()
	other := filepath.Join(dir, "notes.db")
	db, err := sql.Open("sqlite", "file:"+other)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`, `INSERT INTO notes (body) VALUES ('keep me')`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("shopping list\nmilk\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{other, text} {
		before := fileSum(t, p)
		_, err := Open(ctx, p)
		if rapport.ErrorCode(err) != rapport.EINVALID || !strings.Contains(err.Error(), "untouched") {
			t.Errorf("open %s: %v", filepath.Base(p), err)
		}
		if fileSum(t, p) != before {
			t.Errorf("%s was changed", filepath.Base(p))
		}
		for _, side := range []string{"-wal", "-shm"} {
			if _, err := os.Stat(p + side); err == nil {
				t.Errorf("%s%s was made", filepath.Base(p), side)
			}
		}
	}
}

// Eight processes' worth of first opens of one new file at once: every one
// succeeds (each migration step is taken by one, the others start again).
func TestFirstOpenUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	for round := range 5 {
		p := dbPath(t)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db, err := Open(ctx, p)
				if err == nil {
					_, err = db.View().Settings(ctx)
					db.Close()
				}
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
}

// A database that cannot be written (a read-only directory, a read-only
// mount) can still be read and exported; a write says it is read-only.
func TestReadOnlyDatabaseCanBeRead(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "r.db")
	db, err := Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(ctx, func(tx *Tx) error { return tx.SetSetting(ctx, "budget.day", "25") }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := fileSum(t, p)
	ro, err := openDB(ctx, p, true)
	if err != nil {
		t.Fatalf("open read-only: %v", err)
	}
	defer ro.Close()
	s, err := ro.View().Settings(ctx)
	if err != nil || s["budget.day"] != "25" {
		t.Fatalf("read: %v %v", s, err)
	}
	if _, err := ro.View().Dump(ctx); err != nil {
		t.Errorf("export: %v", err)
	}
	err = ro.Update(ctx, func(tx *Tx) error { return tx.SetSetting(ctx, "budget.day", "30") })
	if err == nil || !strings.Contains(rapport.ErrorMessage(err), "read-only") {
		t.Errorf("a write to a read-only database: %v", err)
	}
	if fileSum(t, p) != before {
		t.Error("the read-only file changed")
	}
	if os.Geteuid() != 0 { // root writes anywhere: the permission check itself is tried only as a user
		dir := filepath.Dir(p)
		os.Chmod(p, 0o444)
		os.Chmod(dir, 0o555)
		defer os.Chmod(dir, 0o755)
		if writable(p) {
			t.Error("a file in a read-only directory looks writable")
		}
	}
}

// Migration 5 reads an old database faithfully: a ladder action logged by
// one side (as give and got stored it) stays a favour; a plain kind, or a
// ladder action done together, does not become one.
func TestMigrationKeepsGivesAsFavours(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", "file:"+p+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	fsys, _ := fs.Sub(migrations, "migrations/sqlite")
	prov, err := goose.NewProvider(goose.DialectSQLite3, raw, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := prov.UpTo(ctx, 4); err != nil {
		t.Fatal(err)
	}
	stmts := []string{
		`INSERT INTO kinds (name, description, weight, shallow, mode, threshold, minutes, builtin, ord) VALUES
			('introduce', '', 5, 0, 'help', 45, 20, 1, 1), ('meeting', '', 4, 0, 'in_person', NULL, 60, 1, 2), ('like', '', 0.1, 1, 'online', 4, 1, 1, 3)`,
		`INSERT INTO people (id, name, name_key, org, title, met, created_ms, updated_ms) VALUES ('p1', 'Ada', 'ada', '', '', '', 0, 0)`,
	}
	for i, c := range []struct{ id, kind, by string }{{"i1", "introduce", "me"}, {"i2", "introduce", "them"}, {"i3", "introduce", "both"}, {"i4", "meeting", "me"}, {"i5", "like", "them"}} {
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO interactions (id, at_ms, kind, by_side, channel, minutes, note, participants, created_ms) VALUES ('%s', %d, '%s', '%s', '', 0, '', 1, 0)`, c.id, i, c.kind, c.by),
			fmt.Sprintf(`INSERT INTO interaction_people (interaction_id, person_id) VALUES ('%s', 'p1')`, c.id))
	}
	for _, q := range stmts {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	db, err := Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := map[string]bool{}
	hist, err := db.View().History(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hist {
		got[h.ID] = h.Favour
	}
	want := map[string]bool{"i1": true, "i2": true, "i3": false, "i4": false, "i5": false}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: favour %v, want %v", id, got[id], w)
		}
	}
}

// The two engines' migrations make the same tables: each SQLite migration
// has its PostgreSQL twin, equal but for the types and clauses one engine
// lacks (BLOB/BYTEA, WITHOUT ROWID, DEFERRABLE) and the comments.
func TestMigrationsInStep(t *testing.T) {
	strip := func(s string) string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if i := strings.Index(l, "--"); i >= 0 && !strings.HasPrefix(strings.TrimSpace(l), "-- +goose") {
				l = l[:i]
			}
			l = strings.TrimRight(l, " ")
			if l != "" {
				out = append(out, l)
			}
		}
		r := strings.NewReplacer("BYTEA", "BLOB", " WITHOUT ROWID", "", " DEFERRABLE", "")
		return r.Replace(strings.Join(out, "\n"))
	}
	lite, _ := fs.Glob(migrations, "migrations/sqlite/*.sql")
	pg, _ := fs.Glob(migrations, "migrations/postgres/*.sql")
	if len(lite) != len(pg) || len(lite) == 0 {
		t.Fatalf("%d SQLite migrations, %d PostgreSQL ones", len(lite), len(pg))
	}
	for i := range lite {
		if path.Base(lite[i]) != path.Base(pg[i]) {
			t.Fatalf("%s beside %s", lite[i], pg[i])
		}
		a, _ := fs.ReadFile(migrations, lite[i])
		b, _ := fs.ReadFile(migrations, pg[i])
		if strip(string(a)) != strip(string(b)) {
			t.Errorf("%s: the engines' migrations differ:\n%s\n---\n%s", path.Base(lite[i]), strip(string(a)), strip(string(b)))
		}
	}
}

// A PostgreSQL database that holds another application's tables is refused
// and left as it was.
func TestOpenRefusesAnotherApplicationsPostgres(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("PostgreSQL only")
	}
	u := pgtest.URL(t)
	raw, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`CREATE TABLE invoices (id INT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), u); rapport.ErrorCode(err) != rapport.EINVALID || !strings.Contains(err.Error(), "invoices") {
		t.Fatalf("open: %v, want a refusal naming the table", err)
	}
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d tables after the refusal (%v), want the one", n, err)
	}
}
