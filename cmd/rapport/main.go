// Command rapport is Rapport's single binary: the CLI today, the web server later.
package main

import (
	"context"
	"os"
	"os/signal"
	"time"

	"github.com/rapport-app/rapport/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], cli.Env{
		Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Clock: time.Now,
		IsTerminal: cli.IsTerminal(os.Stderr),
	})
	stop()
	os.Exit(code)
}
