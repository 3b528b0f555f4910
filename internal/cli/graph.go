package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/rapport-app/rapport/internal/app"
	"github.com/spf13/cobra"
)

func printTrust(w io.Writer, v *app.TrustView) {
	fmt.Fprintf(w, "%s on %q:\n", v.By.Name, v.Topic)
	if len(v.Trusted) == 0 {
		fmt.Fprintln(w, "  no one yet")
	}
	for _, p := range v.Trusted {
		fmt.Fprintf(w, "  %d. %s\n", p.Rank, p.Name)
	}
}

func (r *runner) graphCmds() []*cobra.Command {
	var rank int
	var by string
	trust := &cobra.Command{
		Use:   "trust TOPIC REF",
		Short: "Name someone you (or --by someone) trust most on a topic: five at most",
		Example: `  rapport trust go ada --rank 1
  rapport trust go grace --by ada    # whom Ada told you she trusts`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			v, err := a.Trust(cmd.Context(), args[0], args[1], rank, by)
			if err != nil {
				return err
			}
			return r.emit(v, func(w io.Writer) { printTrust(w, v) })
		},
	}
	trust.Flags().IntVar(&rank, "rank", 0, "1 (most) to 5 (default: the next free rank)")
	trust.Flags().StringVar(&by, "by", "", "the person who trusts (default: you)")
	var unBy string
	untrust := &cobra.Command{
		Use:   "untrust TOPIC REF",
		Short: "Remove a trust line",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			v, err := a.Untrust(cmd.Context(), args[0], args[1], unBy)
			if err != nil {
				return err
			}
			return r.emit(v, func(w io.Writer) { printTrust(w, v) })
		},
	}
	untrust.Flags().StringVar(&unBy, "by", "", "the person who trusts (default: you)")
	var listBy string
	trusts := &cobra.Command{
		Use:   "trusts [TOPIC]",
		Short: "Your trust lines (or --by someone's), on one topic or all",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			topic := ""
			if len(args) == 1 {
				topic = args[0]
			}
			list, err := a.Trusts(cmd.Context(), topic, listBy)
			if err != nil {
				return err
			}
			return r.emit(list, func(w io.Writer) {
				if len(list) == 0 {
					fmt.Fprintln(w, "No trust lines yet: rapport trust TOPIC REF")
				}
				for i := range list {
					printTrust(w, &list[i])
				}
			})
		},
	}
	trusts.Flags().StringVar(&listBy, "by", "", "the person who trusts (default: you)")
	topic := &cobra.Command{Use: "topic", Short: "Topics: topic alias ALIAS TOPIC", Args: cobra.NoArgs}
	topic.AddCommand(&cobra.Command{
		Use:     "alias ALIAS TOPIC",
		Short:   "Make one topic name stand for another (golang → go)",
		Example: "  rapport topic alias golang go",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			if err := a.AliasTopic(cmd.Context(), args[0], args[1]); err != nil {
				return err
			}
			return r.emit(map[string]string{"alias": args[0], "topic": args[1]}, func(w io.Writer) {
				fmt.Fprintf(w, "%q now means %q.\n", args[0], args[1])
			})
		},
	})
	var depth, limit int
	learn := &cobra.Command{
		Use:   "learn TOPIC",
		Short: "Whom to learn from on a topic: the people you trust, and whom they trust, to the third degree",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			l, err := a.Learn(cmd.Context(), args[0], depth, limit)
			if err != nil {
				return err
			}
			return r.emit(l, func(w io.Writer) {
				if len(l.Results) == 0 {
					fmt.Fprintf(w, "No one yet on %q: name whom you trust with `rapport trust %s REF`.\n", l.Topic, l.Topic)
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				if len(l.Results) > 0 {
					fmt.Fprintln(tw, "TRUST\tNAME\tSTEPS\tTHROUGH")
				}
				for _, res := range l.Results {
					var paths []string
					for _, p := range res.Paths {
						names := []string{"you"}
						for _, h := range p {
							names = append(names, h.Name)
						}
						paths = append(paths, strings.Join(names, " → "))
					}
					fmt.Fprintf(tw, "%.3f\t%s\t%d\t%s\n", res.Score, res.Name, res.Depth, strings.Join(paths, "; "))
				}
				tw.Flush()
			})
		},
	}
	learn.Flags().IntVar(&depth, "depth", 3, "how many steps from you")
	learn.Flags().IntVar(&limit, "limit", 20, "at most this many (0 for all)")
	var strength float64
	knows := &cobra.Command{
		Use:   "knows REF REF",
		Short: "Record that two people know each other (also inferred from two shared interactions)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			if err := a.Knows(cmd.Context(), args[0], args[1], strength); err != nil {
				return err
			}
			return r.emit(map[string]any{"a": args[0], "b": args[1], "strength": strength}, func(w io.Writer) {
				fmt.Fprintf(w, "%s and %s know each other (%.0f).\n", args[0], args[1], strength)
			})
		},
	}
	knows.Flags().Float64Var(&strength, "strength", 50, "how well, 0-100")
	var introLimit int
	intro := &cobra.Command{
		Use:   "intro REF",
		Short: "The best ways in to someone: through which of your people, with the strengths along the way",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			in, err := a.Intro(cmd.Context(), args[0], introLimit)
			if err != nil {
				return err
			}
			return r.emit(in, func(w io.Writer) {
				if len(in.Team) > 0 {
					tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
					fmt.Fprintln(tw, "Through your teammates:")
					for _, p := range in.Team {
						path := fmt.Sprintf("%s →(%.1f) %s", p.Member.Name, p.Via[0].Strength, p.Via[0].Name)
						if len(p.Via) > 1 {
							path += fmt.Sprintf(" →(%.1f) %s", p.Via[1].Strength, p.Via[1].Name)
						}
						ok := "their tie carries an introduction"
						if !p.AboveThreshold {
							ok = "their tie is below the introduce rung"
						}
						fmt.Fprintf(tw, "%.1f\t%s\t%s\n", p.Score, path, ok)
					}
					tw.Flush()
					if len(in.Paths) > 0 {
						fmt.Fprintln(w, "Through your own people:")
					}
				}
				if len(in.Paths) == 0 {
					if len(in.Team) == 0 {
						fmt.Fprintf(w, "None of your people is known to know %s: record it with `rapport knows`.\n", in.Target.Name)
					}
					return
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				for _, p := range in.Paths {
					ok := "above the introduce rung"
					if !p.AboveThreshold {
						var gives []string
						for _, g := range p.SuggestedGives {
							gives = append(gives, g.Action)
						}
						ok = "below the introduce rung: give first (" + strings.Join(gives, ", ") + ")"
					}
					fmt.Fprintf(tw, "%.1f\tyou →(%.1f) %s →(%.1f) %s\t%s\n", p.Score, p.Via[0].Strength, p.Via[0].Name, p.Via[1].Strength, p.Via[1].Name, ok)
				}
				tw.Flush()
			})
		},
	}
	intro.Flags().IntVar(&introLimit, "limit", 10, "at most this many paths (0 for all)")
	var goal string
	var leadLimit int
	leads := &cobra.Command{
		Use:   "leads",
		Short: "People your strong ties know who could help with a goal: reach them by introduction",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			list, err := a.Leads(cmd.Context(), goal, leadLimit)
			if err != nil {
				return err
			}
			return r.emit(list, func(w io.Writer) {
				if len(list) == 0 {
					fmt.Fprintln(w, "No leads: record whom your close people know (`rapport knows`), or import shared history.")
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				for _, l := range list {
					fmt.Fprintf(tw, "%.1f\t%s\tvia %s\t%s\n", l.Score, l.Person.Name, l.Via.Name, strings.Join(l.Why, "; "))
				}
				tw.Flush()
			})
		},
	}
	leads.Flags().StringVar(&goal, "goal", "", "the goal (default: your open goal due soonest)")
	leads.Flags().IntVar(&leadLimit, "limit", 20, "at most this many (0 for all)")
	return []*cobra.Command{trust, untrust, trusts, topic, learn, knows, intro, leads}
}
