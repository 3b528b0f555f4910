package safefile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-app/rapport"
)

func TestCreateIsWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "backup.db")
	full := errors.New("no space left on device")
	err := Write(p, func(w io.Writer) error {
		io.WriteString(w, "SQLite format 3\x00half a database")
		return full
	})
	if !errors.Is(err, full) {
		t.Fatalf("a failing write: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a failed write left %v", entries)
	}
	// What kill -9 leaves (a partial file under its temporary name) is not
	// in the way of the next try, and is not the file asked for.
	if err := os.WriteFile(filepath.Join(dir, ".backup.db.partial-123"), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, func(w io.Writer) error { _, err := io.WriteString(w, "whole"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "whole" {
		t.Fatalf("content %q", b)
	}
	err = Write(p, func(w io.Writer) error { _, err := io.WriteString(w, "other"); return err })
	if rapport.ErrorCode(err) != rapport.ECONFLICT {
		t.Errorf("writing over a file: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "whole" {
		t.Errorf("an existing file was changed: %q", b)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), "partial") && e.Name() != ".backup.db.partial-123" {
			t.Errorf("a temporary file was left: %s", e.Name())
		}
	}
}

// A file that appears at the path while the content is written is not
// replaced.
func TestCreateNeverReplaces(t *testing.T) {
	p := filepath.Join(t.TempDir(), "out.vcf")
	err := Write(p, func(w io.Writer) error {
		io.WriteString(w, "ours")
		return os.WriteFile(p, []byte("theirs"), 0o600)
	})
	if rapport.ErrorCode(err) != rapport.ECONFLICT {
		t.Errorf("a file that appeared meanwhile: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "theirs" {
		t.Errorf("the file that appeared was replaced: %q", b)
	}
}
