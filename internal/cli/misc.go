package cli

import (
	"fmt"
	"io"
	"runtime/debug"
	"text/tabwriter"
	"time"

	"github.com/rapport-app/rapport/internal/app"
	"github.com/rapport-app/rapport/internal/demo"
	"github.com/spf13/cobra"
)

func (r *runner) demoCmd() *cobra.Command {
	var opts demo.Options
	var team bool
	var members int
	var workspace string
	c := &cobra.Command{
		Use:   "demo",
		Short: "Fill an empty database with a realistic synthetic network",
		Long: `Fill an empty database with a realistic synthetic network. With --team (on
PostgreSQL), make a workspace of --members members instead, whose interactions
with the network are the members' own, and print each member's API token.`,
		Example: `  rapport --db demo.db demo
  rapport --db bench.db demo --people 20000 --interactions 2000000 --years 5
  rapport --db postgres:///team demo --team --members 20 --people 200000 --interactions 10000000 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			start := time.Now()
			var progress func(done, total int)
			if r.env.IsTerminal && !r.json && opts.Interactions > 0 {
				progress = func(done, total int) {
					fmt.Fprintf(r.env.Stderr, "\r  %d / ~%d interactions", done, total)
				}
			}
			if team {
				res, err := a.DemoTeam(cmd.Context(), workspace, members, opts, progress)
				if progress != nil {
					fmt.Fprintln(r.env.Stderr)
				}
				if err != nil {
					return err
				}
				r.log.Debug("team demo generated", "took", time.Since(start))
				return r.emit(res, func(w io.Writer) {
					fmt.Fprintf(w, "Made the workspace %q: %d members, %d people, %d interactions.\nEach member's token (RAPPORT_MEMBER_TOKEN=… rapport today, or Authorization: Bearer …):\n",
						res.Workspace, len(res.Members), res.People, res.Interactions)
					for _, m := range res.Members {
						fmt.Fprintf(w, "%s\t%s\n", m.Email, m.Token)
					}
				})
			}
			res, err := a.Demo(cmd.Context(), opts, progress)
			if progress != nil {
				fmt.Fprintln(r.env.Stderr)
			}
			if err != nil {
				return err
			}
			r.log.Debug("demo generated", "took", time.Since(start))
			return r.emit(res, func(w io.Writer) {
				if res.Existing {
					fmt.Fprintf(w, "%s already holds a demo network of %d people; nothing to do.\n", a.Where(), res.People)
					return
				}
				fmt.Fprintf(w, "Made %d people and %d interactions over %d years in %s.\nTry: rapport ladder, rapport people --limit 20, rapport why NAME\n",
					res.People, res.Interactions, opts.Years, a.Where())
			})
		},
	}
	c.Flags().IntVar(&opts.People, "people", 500, "how many people")
	c.Flags().IntVar(&opts.Years, "years", 5, "how many years of history")
	c.Flags().Uint64Var(&opts.Seed, "seed", 1, "random seed: the same seed gives the same network")
	c.Flags().IntVar(&opts.Interactions, "interactions", 0, "aim for this many interactions in all (0: what the people's rhythms give)")
	c.Flags().BoolVar(&team, "team", false, "make a team's workspace (PostgreSQL)")
	c.Flags().IntVar(&members, "members", 20, "with --team: how many members")
	c.Flags().StringVar(&workspace, "workspace", "Demo Team", "with --team: the workspace's name")
	return c
}

func (r *runner) configCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "config",
		Short: "Show the model's parameters; `config set KEY VALUE` changes one",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			list, err := a.Config(cmd.Context())
			if err != nil {
				return err
			}
			return r.emit(list, func(w io.Writer) {
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "KEY\tVALUE\tDEFAULT\tMEANING")
				for _, s := range list {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Key, s.Value, s.Default, s.Doc)
				}
				tw.Flush()
			})
		},
	}
	c.AddCommand(&cobra.Command{
		Use:     "set KEY VALUE",
		Short:   "Change a model parameter (\"default\" restores it); every tie is recomputed",
		Example: "  rapport config set half_life 90\n  rapport config set layer.inner.min default\n  rapport config set time_zone Europe/Berlin",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			if err := a.SetConfig(cmd.Context(), args[0], args[1]); err != nil {
				return err
			}
			return r.emit(map[string]string{"key": args[0], "value": args[1]}, func(w io.Writer) {
				if args[0] == "time_zone" {
					fmt.Fprintf(w, "time_zone = %s: dates are days in %s.\n", args[1], a.Zone())
					return
				}
				fmt.Fprintf(w, "%s = %s; ties recomputed.\n", args[0], args[1])
			})
		},
	})
	return c
}

func (r *runner) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and the schema version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := version()
			out := map[string]any{"version": v, "schema": app.SchemaVersion()}
			return r.emit(out, func(w io.Writer) { fmt.Fprintf(w, "rapport %s (schema %d)\n", v, app.SchemaVersion()) })
		},
	}
}

// stamp is the version a release build sets: go build -ldflags "-X
// github.com/rapport-app/rapport/internal/cli.stamp=v1.2.3".
var stamp string

// version is the stamped version, else the module's when built from a tagged
// module (go install ...@v1.2.3), else the commit it was built from, with its
// date and whether the tree had changes (builds with -buildvcs=false know
// none of these: "devel").
func version() string {
	if stamp != "" {
		return stamp
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, when string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	v := "devel-" + rev[:min(12, len(rev))]
	if dirty {
		v += "-dirty"
	}
	if t, err := time.Parse(time.RFC3339, when); err == nil {
		v += " (" + t.UTC().Format("2006-01-02") + ")"
	}
	return v
}
