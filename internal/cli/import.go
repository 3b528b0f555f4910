package cli

import (
	"fmt"
	"io"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/rapport-app/rapport/internal/app"
	"github.com/rapport-app/rapport/internal/importer/formats"
	"github.com/spf13/cobra"
)

// importMemoryLimit is the Go heap an import aims to stay under: the
// 200,000-message benchmark mailbox holds at most about 150 MB live.
const importMemoryLimit = 256 << 20

func (r *runner) importCmd() *cobra.Command {
	var dry, photos bool
	var me []string
	c := &cobra.Command{
		Use:   "import SOURCE FILE|DIR...",
		Short: "Bring people and history in from an export (" + strings.Join(formats.Sources, ", ") + ", or json: a Rapport backup)",
		Long: `Imports run in one transaction: a malformed file changes nothing and the error names
the file and line. Importing the same file twice creates nothing new. People with the
same email, phone or profile URL as someone already here are merged into them.`,
		Example: `  rapport import linkedin ~/Downloads/Basic_LinkedInDataExport_11-22-2026
  rapport import vcard contacts.vcf --photos
  rapport import linkedin Connections.csv messages.csv --me "Pat Owner" --dry-run`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return fmt.Errorf("give a source and the files: rapport import SOURCE FILE...; SOURCE is one of %s, or json (a Rapport backup)",
					strings.Join(formats.Sources, ", "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			// The binary collects at GOGC 400 (commands are short): over a
			// large mailbox that lets the heap grow to five times what it
			// holds. A soft limit keeps it near what is live instead
			// (GOMEMLIMIT, when set, wins).
			if r.env.Getenv("GOMEMLIMIT") == "" {
				debug.SetMemoryLimit(importMemoryLimit)
			}
			req := app.ImportRequest{Source: args[0], Paths: args[1:], Me: me, DryRun: dry, Photos: photos}
			progress := r.env.IsTerminal && !r.json && args[0] != "json"
			if progress {
				req.Progress = func(read, total int64) { progressBar(r.env.Stderr, "reading", read, total) }
			}
			sum, err := a.ImportFiles(cmd.Context(), req)
			if progress {
				fmt.Fprint(r.env.Stderr, "\r\033[K")
			}
			if err != nil {
				return err
			}
			if args[0] == "json" {
				return r.emit(sum, func(w io.Writer) {
					fmt.Fprintf(w, "Restored %s: %d people, %d interactions.\n", args[1], sum.PeopleCreated, sum.InteractionsCreated)
				})
			}
			return r.emit(sum, func(w io.Writer) {
				verb := "Imported"
				if dry {
					verb = "Would import (dry run, nothing written)"
				}
				fmt.Fprintf(w, "%s from %s: %d records read, %d people created, %d merged into people already here, %d interactions, %d skipped\n",
					verb, sum.Source, sum.Read, sum.PeopleCreated, sum.PeopleMerged, sum.InteractionsCreated, sum.Skipped)
				if sum.PhotosAdded > 0 {
					fmt.Fprintf(w, "  %d photos kept\n", sum.PhotosAdded)
				}
				whys := make([]string, 0, len(sum.SkippedWhy))
				for why := range sum.SkippedWhy {
					whys = append(whys, why)
				}
				sort.Slice(whys, func(i, j int) bool {
					if sum.SkippedWhy[whys[i]] != sum.SkippedWhy[whys[j]] {
						return sum.SkippedWhy[whys[i]] > sum.SkippedWhy[whys[j]]
					}
					return whys[i] < whys[j]
				})
				for _, why := range whys {
					fmt.Fprintf(w, "  skipped %d: %s\n", sum.SkippedWhy[why], why)
				}
				for i, mg := range sum.Merges {
					if i == 20 {
						fmt.Fprintf(w, "  … and %d more merges (--json lists them all)\n", len(sum.Merges)-i)
						break
					}
					fmt.Fprintf(w, "  merged: %q (%s) into %s, by %s\n", mg.Record, mg.Where, mg.Into.Name, mg.By)
				}
				for i, e := range sum.Errors {
					if i == 10 {
						fmt.Fprintf(w, "  … and %d more (--json lists them all)\n", len(sum.Errors)-i)
						break
					}
					fmt.Fprintf(w, "  note: %s\n", e)
				}
			})
		},
	}
	c.Flags().BoolVar(&dry, "dry-run", false, "show what would happen; write nothing")
	c.Flags().BoolVar(&photos, "photos", false, "vcard: keep each card's photo (JPEG, PNG, GIF or WebP, up to 256 KB) for people who have none")
	c.Flags().StringArrayVar(&me, "me", nil, "you, as the source knows you: your email address, name or profile URL (repeatable)")
	return c
}

// progressBar draws one line of progress on a terminal.
func progressBar(w io.Writer, label string, done, total int64) {
	if total <= 0 {
		return
	}
	const width = 30
	f := min(1, float64(done)/float64(total))
	n := int(f * width)
	fmt.Fprintf(w, "\r%s [%s%s] %3.0f%% of %d MB", label, strings.Repeat("█", n), strings.Repeat("·", width-n), 100*f, total>>20)
}
