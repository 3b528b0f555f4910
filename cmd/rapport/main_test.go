package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/rapport-app/rapport/internal/store/pgtest"
)

func TestMain(m *testing.M) {
	if os.Getenv("RAPPORT_TEST_MAIN") == "1" {
		main() // the test binary as rapport, for tests that kill it
		return
	}
	testscript.Main(withPostgres{m}, map[string]func(){"rapport": main})
}

// withPostgres stops the throwaway PostgreSQL cluster after the tests, if
// they started one (RAPPORT_TEST_ENGINE=postgres).
type withPostgres struct{ m *testing.M }

func (w withPostgres) Run() int { return pgtest.Main(w.m) }

// Killing an import halfway (kill -9) leaves the database as it was, and
// running the import again completes it.
func TestKilledImportLeavesNothingAndRerunCompletes(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a large mailbox")
	}
	dir := t.TempDir()
	mbox := filepath.Join(dir, "big.mbox")
	var b strings.Builder
	for i := range 60000 {
		fmt.Fprintf(&b, "From x Fri Feb 04 17:10:22 +0000 2022\nMessage-ID: <%d@example.com>\nDate: Fri, 04 Feb 2022 17:10:22 +0000\n", i)
		if i%2 == 0 {
			fmt.Fprintf(&b, "From: pat@example.com\nTo: Person %d <p%d@example.com>\n", i%3000, i%3000)
		} else {
			// Replies from the even-numbered half; the odd half were never written to.
			fmt.Fprintf(&b, "From: Person %d <p%d@example.com>\nTo: pat@example.com\n", i%3000, i%3000)
		}
		b.WriteString("Subject: hello\n\nbody\n\n")
	}
	if err := os.WriteFile(mbox, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "r.db")
	if pgtest.Enabled() {
		db = pgtest.URL(t) // the killed connection's transaction is rolled back by the server
	}
	run := func(args ...string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), "RAPPORT_TEST_MAIN=1", "RAPPORT_DB="+db, "RAPPORT_NOW=2026-11-22")
		return cmd
	}
	if out, err := run("add", "Somebody").CombinedOutput(); err != nil {
		t.Fatalf("add: %v %s", err, out)
	}
	killed := false
	for _, delay := range []time.Duration{300 * time.Millisecond, 150 * time.Millisecond, 600 * time.Millisecond} {
		cmd := run("import", "mbox", mbox, "--me", "pat@example.com")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		if cmd.Process.Kill() == nil {
			if err := cmd.Wait(); err != nil {
				killed = true
				break
			}
		}
	}
	if !killed {
		t.Skip("the import finished before it could be killed")
	}
	out, err := run("people", "--json").Output()
	if err != nil || strings.Count(string(out), `"id"`) != 1 {
		t.Fatalf("after kill -9 the database changed: %v\n%s", err, out)
	}
	out, err = run("import", "mbox", mbox, "--me", "pat@example.com", "--json").CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"people_created": 1500`) || !strings.Contains(string(out), `"interactions_created": 30000`) {
		t.Fatalf("the rerun did not complete: %v\n%s", err, out)
	}
}

// TestScripts runs the end-to-end scripts in testdata/script: real processes
// of the rapport binary on a fresh database each, with a fixed now.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("RAPPORT_DB", filepath.Join(env.WorkDir, "rapport.db"))
			if pgtest.Enabled() {
				u, err := pgtest.NewURL()
				if err != nil {
					return err
				}
				env.Setenv("RAPPORT_DB", u)
			}
			env.Setenv("RAPPORT_NOW", "2026-11-22T12:00:00Z")
			return nil
		},
		// [postgres] runs a line on the PostgreSQL run only, [!postgres] on
		// SQLite only.
		Condition: func(cond string) (bool, error) {
			if cond == "postgres" {
				return pgtest.Enabled(), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// envjson VAR FILE KEY: set VAR to the string KEY of the JSON
			// object in FILE (an id printed by --json, say).
			"envjson": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 3 {
					ts.Fatalf("usage: envjson VAR FILE KEY")
				}
				var v map[string]any
				ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[1])), &v))
				s, ok := v[args[2]].(string)
				if !ok {
					ts.Fatalf("%s has no string %q", args[1], args[2])
				}
				ts.Setenv(args[0], s)
			},
			// sleep DURATION: let a background command get under way.
			"sleep": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: sleep DURATION")
				}
				d, err := time.ParseDuration(args[0])
				ts.Check(err)
				time.Sleep(d)
			},
			// exits CODE ARGS...: run rapport and check its exact exit code.
			"exits": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) < 1 {
					ts.Fatalf("usage: exits CODE [ARGS...]")
				}
				want, err := strconv.Atoi(args[0])
				ts.Check(err)
				bin := ""
				for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
					if _, err := os.Stat(filepath.Join(dir, "rapport")); err == nil {
						bin = filepath.Join(dir, "rapport")
						break
					}
				}
				cmd := exec.Command(bin, args[1:]...)
				cmd.Dir = ts.Getenv("WORK")
				cmd.Env = append(os.Environ(), "RAPPORT_DB="+ts.Getenv("RAPPORT_DB"), "RAPPORT_NOW="+ts.Getenv("RAPPORT_NOW"), "RAPPORT_MEMBER_TOKEN="+ts.Getenv("RAPPORT_MEMBER_TOKEN"))
				out, err := cmd.CombinedOutput()
				got := 0
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					got = ee.ExitCode()
				} else if err != nil {
					ts.Fatalf("run rapport: %v", err)
				}
				ts.Logf("%s", out)
				if got != want {
					ts.Fatalf("rapport %v exited %d, want %d", args[1:], got, want)
				}
				if err := os.WriteFile(filepath.Join(ts.Getenv("WORK"), ".exits-output"), out, 0o644); err != nil {
					ts.Fatalf("%v", err)
				}
			},
		},
	})
}
