package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapport-app/rapport/internal/store/pgtest"
)

// The README's tour, typed literally, in order, on a fresh database: every
// rapport command in its shell blocks must run. Imports of the reader's own
// files are left out (they name files on the reader's machine); `ask` may
// exit 3, as the tour says.
func TestReadmeTourRuns(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "## A short tour")
	if start < 0 {
		t.Fatal("README has no tour")
	}
	end := strings.Index(text[start+1:], "\n## ")
	tour := text[start : start+1+end]
	dir := t.TempDir()
	db := filepath.Join(dir, "rapport.db")
	if pgtest.Enabled() {
		db = pgtest.URL(t) // the same tour on PostgreSQL
	}
	ran := 0
	for _, block := range shellBlocks(tour) {
		for _, line := range block {
			for _, args := range commands(line) {
				if len(args) == 0 || args[0] != "rapport" {
					continue
				}
				if imported(args, dir) {
					continue
				}
				cmd := exec.Command(os.Args[0], args[1:]...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "RAPPORT_TEST_MAIN=1", "RAPPORT_DB="+db, "RAPPORT_NOW=2026-11-22T12:00:00Z")
				out, err := cmd.CombinedOutput()
				code := 0
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					code = ee.ExitCode()
				} else if err != nil {
					t.Fatal(err)
				}
				if code != 0 && !(code == 3 && args[1] == "ask") {
					t.Errorf("README tour: %s\nexited %d:\n%s", strings.Join(args, " "), code, out)
				}
				ran++
			}
		}
	}
	if ran < 50 {
		t.Errorf("ran %d commands of the tour; the parser lost some", ran)
	}
}

// imported reports whether args import a file that is not there: the tour's
// examples of the reader's own exports.
func imported(args []string, dir string) bool {
	for i, a := range args {
		if a == "import" && i+2 < len(args) {
			_, err := os.Stat(filepath.Join(dir, args[i+2]))
			return err != nil
		}
	}
	return false
}

// shellBlocks returns the lines of each ```sh block, continuations joined.
func shellBlocks(md string) [][]string {
	var out [][]string
	var cur []string
	in := false
	pending := ""
	for _, line := range strings.Split(md, "\n") {
		switch {
		case strings.HasPrefix(line, "```sh"):
			in, cur = true, nil
		case in && strings.HasPrefix(line, "```"):
			in = false
			out = append(out, cur)
		case in:
			if strings.HasSuffix(line, "\\") {
				pending += strings.TrimSuffix(line, "\\")
				continue
			}
			cur = append(cur, pending+line)
			pending = ""
		}
	}
	return out
}

// commands splits a shell line into its commands (separated by &&) and their
// words, with quotes removed and a # comment dropped.
func commands(line string) [][]string {
	var out [][]string
	var words []string
	var w strings.Builder
	inWord := false
	quote := rune(0)
	flush := func() {
		if inWord {
			words = append(words, w.String())
			w.Reset()
			inWord = false
		}
	}
	rs := []rune(line)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				w.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == '#' && !inWord:
			i = len(rs)
		case r == '&' && i+1 < len(rs) && rs[i+1] == '&':
			flush()
			out = append(out, words)
			words = nil
			i++
		case r == ' ' || r == '\t':
			flush()
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	flush()
	return append(out, words)
}
