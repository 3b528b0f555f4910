// Command rapport is Rapport's single binary: the CLI and the web server (rapport serve).
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"syscall"
	"time"
	_ "time/tzdata" // calendars name time zones; not every machine has the zone database

	"github.com/rapport-app/rapport/internal/cli"
)

func main() {
	// A command lives for milliseconds and reads at most a few tens of MB:
	// collecting less often saves time at a small cost in peak memory.
	debug.SetGCPercent(400)
	// RAPPORT_CPUPROFILE=FILE writes a CPU profile of the command (go tool
	// pprof reads it): how the benchmarks in docs/benchmarks.md were looked into.
	if path := os.Getenv("RAPPORT_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM) // serve shuts down cleanly on either
	code := cli.Run(ctx, os.Args[1:], cli.Env{
		Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Clock: time.Now,
		IsTerminal: cli.IsTerminal(os.Stderr),
	})
	stop()
	pprof.StopCPUProfile()
	os.Exit(code)
}
