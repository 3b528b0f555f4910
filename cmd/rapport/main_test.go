package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"rapport": main})
}

// TestScripts runs the end-to-end scripts in testdata/script: real processes
// of the rapport binary on a fresh database each, with a fixed now.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("RAPPORT_DB", filepath.Join(env.WorkDir, "rapport.db"))
			env.Setenv("RAPPORT_NOW", "2026-11-22T12:00:00Z")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
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
				cmd.Env = append(os.Environ(), "RAPPORT_DB="+ts.Getenv("RAPPORT_DB"), "RAPPORT_NOW="+ts.Getenv("RAPPORT_NOW"))
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
