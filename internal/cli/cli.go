// Package cli is Rapport's command line: flags in, app operations, text or
// --json out, and an exit code. It holds no logic of its own beyond parsing
// and presenting.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
	ExitGuard = 3
)

// Env is what a run of the CLI sees of the world.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Clock          func() time.Time
	IsTerminal     bool
}

// runner holds one invocation's state: the global flags and the open app.
type runner struct {
	env     Env
	dbPath  string
	nowFlag string
	json    bool
	verbose bool
	log     *slog.Logger
	app     *app.App
	opened  *app.App // to close, once opened, however the command ends
	space   *app.App // a workspace's, when a member's token says whose (closed too)
}

type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }

// Run runs one command line and returns its exit code.
func Run(ctx context.Context, args []string, env Env) int {
	env.Stdout, env.Stderr = &terminalSafe{w: env.Stdout}, &terminalSafe{w: env.Stderr}
	r := &runner{env: env}
	root := r.root()
	root.SetArgs(args)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.ExecuteContext(ctx)
	if err != nil && strings.HasPrefix(err.Error(), "unknown command ") {
		err = usageError{err} // cobra's own, with its suggestions: bad usage
	}
	for _, a := range []*app.App{r.space, r.opened} {
		if a == nil {
			continue
		}
		if cerr := a.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}
	if err == nil {
		return ExitOK
	}
	return r.fail(err)
}

func (r *runner) fail(err error) int {
	code := ExitError
	if errors.Is(err, context.Canceled) {
		// Every write is one transaction, and one cut short is rolled back.
		err = rapport.Errorf(rapport.EINTERNAL, "interrupted: nothing was written")
	}
	var ue usageError
	var ge guardError
	switch {
	case errors.As(err, &ue):
		code = ExitUsage
	case errors.As(err, &ge):
		code = ExitGuard
	default:
		switch rapport.ErrorCode(err) {
		case rapport.EINVALID, rapport.ENOTFOUND, rapport.EAMBIGUOUS, rapport.ECONFLICT, rapport.ETOOLARGE:
			code = ExitUsage
		}
	}
	var rerr *rapport.Error
	errors.As(err, &rerr)
	if r.json {
		out := map[string]any{"code": rapport.ErrorCode(err), "message": rapport.ErrorMessage(err)}
		if f := rapport.ErrorField(err); f != "" {
			out["field"] = f
		}
		if rerr != nil && len(rerr.Candidates) > 0 {
			out["candidates"] = rerr.Candidates
		}
		b, _ := json.Marshal(map[string]any{"error": out})
		fmt.Fprintln(r.env.Stderr, string(b))
		return code
	}
	fmt.Fprintf(r.env.Stderr, "rapport: %s\n", rapport.FieldMessage(err, flagName))
	if rerr != nil {
		for _, c := range rerr.Candidates {
			fmt.Fprintf(r.env.Stderr, "  %s\n", c)
		}
	}
	if code == ExitUsage && errors.As(err, &ue) {
		fmt.Fprintln(r.env.Stderr, "Run 'rapport --help' for usage.")
	}
	return code
}

// form reads the values typed in flags into the app's types, against the
// app's clock in the user's zone; its errors name the field, which the CLI
// prints as its flag (flagName).
func form(a *app.App) *rapport.Form { return &rapport.Form{Now: a.Local()} }

// flagName names an input field as the CLI's flag for it (rm_tag is
// --rm-tag), or as its argument where it is one.
func flagName(field string) string {
	if arg, ok := argNames[field]; ok {
		return arg
	}
	return "--" + strings.ReplaceAll(field, "_", "-")
}

// argNames are the fields the commands take as arguments, not flags.
var argNames = map[string]string{"url": "URL"}

// guardError is a refusal by a guard (exit 3).
type guardError struct{ error }

func (r *runner) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "rapport",
		Short: "Rapport: grow the part of your network that would act for you",
		Long: `Rapport keeps your people and your history with them, measures each tie by what it
can carry (the action ladder), and shows how many people stand above each rung.

Data lives in an SQLite file: --db, else $RAPPORT_DB, else
$XDG_DATA_HOME/rapport/rapport.db (~/.local/share/rapport/rapport.db).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			level := slog.LevelWarn
			if r.verbose {
				level = slog.LevelDebug
			}
			r.log = slog.New(slog.NewTextHandler(r.env.Stderr, &slog.HandlerOptions{Level: level}))
			return checkNumbers(cmd)
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&r.dbPath, "db", "", "database file (default $RAPPORT_DB, else ~/.local/share/rapport/rapport.db)")
	pf.StringVar(&r.nowFlag, "now", "", "compute as of this moment: RFC 3339 or YYYY-MM-DD (default $RAPPORT_NOW, else the clock)")
	pf.BoolVar(&r.json, "json", false, "print JSON with stable snake_case fields")
	pf.BoolVarP(&r.verbose, "verbose", "v", false, "log what happens to stderr")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	root.Version = version()
	root.SetVersionTemplate("rapport {{.Version}}\n")
	root.CompletionOptions.HiddenDefaultCmd = true

	root.AddCommand(r.addCmd(), r.editCmd(), r.peopleCmd(), r.showCmd(), r.logCmd(), r.giveCmd("give"), r.giveCmd("got"),
		r.whyCmd(), r.ladderCmd(), r.whoCmd(), r.kindsCmd(), r.demoCmd(), r.configCmd(), r.versionCmd(),
		r.askCmd(), r.answerCmd(), r.ledgerCmd())
	root.AddCommand(r.goalCmds()...)
	root.AddCommand(r.followupCmds()...)
	root.AddCommand(r.planCmds()...)
	root.AddCommand(r.takeBackCmds()...)
	root.AddCommand(r.assignmentCmd(), r.reportCmd(), r.importCmd(), r.exportCmd(), r.backupCmd())
	root.AddCommand(r.dupesCmds()...)
	root.AddCommand(r.retireCmds()...)
	root.AddCommand(r.graphCmds()...)
	root.AddCommand(r.serveCmd(), r.tokenCmd(), r.removedCmd(), r.syncCmd(), r.teamCmd(), r.blocklistCmd(), r.privateCmd())
	for _, c := range root.Commands() {
		wrapArgs(c)
	}
	return root
}

// checkNumbers refuses, before anything runs, a numeric flag given a value no
// command accepts: a negative count, limit or duration, NaN or an infinity
// (the demo's --seed may be any number).
func checkNumbers(cmd *cobra.Command) error {
	var bad error
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if bad != nil || f.Name == "seed" {
			return
		}
		switch f.Value.Type() {
		case "int", "int64", "float64":
			v, err := strconv.ParseFloat(f.Value.String(), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				bad = usageError{fmt.Errorf("--%s %s: expected a number, 0 or more", f.Name, f.Value.String())}
			}
		}
	})
	return bad
}

// wrapArgs turns argument-count errors into usage errors (exit 2).
func wrapArgs(c *cobra.Command) {
	if c.Args != nil {
		check := c.Args
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				// The message is printed after "rapport: ".
				return usageError{fmt.Errorf("%s: %w", strings.TrimPrefix(cmd.CommandPath(), "rapport "), err)}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		wrapArgs(sub)
	}
}

// open opens the database and builds the app, once per run.
func (r *runner) open(ctx context.Context) (*app.App, error) {
	if r.app != nil {
		return r.app, nil
	}
	clock := r.env.Clock
	nowText := r.nowFlag
	if nowText == "" {
		nowText = r.env.Getenv("RAPPORT_NOW")
	}
	path := r.dbPath
	if path == "" {
		path = r.env.Getenv("RAPPORT_DB")
	}
	if path == "" {
		var err error
		if path, err = app.DefaultPath(); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	a, err := app.Open(ctx, path, clock)
	if err != nil {
		return nil, err
	}
	r.log.Debug("opened database", "path", a.Where(), "took", time.Since(start)) // a URL without its password
	r.opened = a
	// Days are the user's: TZ, unless the time_zone setting says otherwise.
	if err := a.LoadZone(ctx, r.envZone()); err != nil {
		return nil, err
	}
	if nowText != "" {
		t, err := rapport.ParseTime(nowText, clock().In(a.Zone()))
		if err != nil {
			return nil, rapport.Errorf(rapport.EINVALID, "--now: %s", rapport.ErrorMessage(err))
		}
		a.Now = func() time.Time { return t }
	}
	if err := a.EnsureModel(ctx); err != nil {
		return nil, err
	}
	a.Warn = func(msg string) { fmt.Fprintf(r.env.Stderr, "rapport: warning: %s\n", msg) }
	if tok := r.env.Getenv("RAPPORT_MEMBER_TOKEN"); tok != "" {
		// A member's personal token: every command acts as them, on their
		// workspace's data.
		m, ok, err := a.MemberForToken(ctx, tok)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, rapport.Errorf(rapport.EINVALID, "RAPPORT_MEMBER_TOKEN is not a member's token on %s (make one with: rapport team token EMAIL --workspace NAME)", a.Where())
		}
		if r.space, err = a.Workspace(ctx, m.Workspace.ID); err != nil {
			return nil, err
		}
		r.space.ActAs(m)
		a = r.space
	}
	r.app = a
	return r.app, nil
}

// envZone is the zone TZ names (a leading colon allowed), else the
// process's own; a name Go does not know is said and left for UTC.
func (r *runner) envZone() *time.Location {
	tz := strings.TrimPrefix(r.env.Getenv("TZ"), ":")
	if tz == "" {
		return time.Local
	}
	l, err := time.LoadLocation(tz)
	if err != nil {
		fmt.Fprintf(r.env.Stderr, "rapport: warning: TZ %q is not a zone name Rapport knows; days are UTC days (set one with: rapport config set time_zone Europe/Berlin)\n", tz)
		return time.UTC
	}
	return l
}

// emit prints v as JSON with --json, else calls text.
func (r *runner) emit(v any, text func(w io.Writer)) error {
	if r.json {
		enc := json.NewEncoder(r.env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	text(r.env.Stdout)
	return nil
}

// IsTerminal reports whether f is a terminal (for progress output).
func IsTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func joinArgs(args []string) string { return strings.Join(args, " ") }
