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
	c := &cobra.Command{
		Use:   "demo",
		Short: "Fill an empty database with a realistic synthetic network",
		Example: `  rapport --db demo.db demo
  rapport --db bench.db demo --people 20000 --interactions 2000000 --years 5`,
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
