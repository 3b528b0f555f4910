package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rapport-app/rapport"
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
		p := filepath.Join(t.TempDir(), "new.db")
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
