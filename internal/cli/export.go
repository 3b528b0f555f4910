package cli

import (
	"bufio"
	"fmt"
	"io"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
	"github.com/rapport-app/rapport/internal/safefile"
	"github.com/spf13/cobra"
)

func (r *runner) exportCmd() *cobra.Command {
	var out string
	var filter app.ExportFilter
	c := &cobra.Command{
		Use:   "export vcard|csv|json|ics [-o FILE]",
		Short: "Export: vcard (4.0, for address books), csv (a spreadsheet), json (a lossless backup), ics (what is due, for calendars)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			export := func(w io.Writer) error {
				bw := bufio.NewWriter(w)
				var err error
				switch args[0] {
				case "json":
					err = a.ExportJSON(cmd.Context(), bw)
				case "vcard":
					err = a.ExportVCard(cmd.Context(), bw, filter)
				case "csv":
					err = a.ExportCSV(cmd.Context(), bw, filter)
				case "ics":
					err = a.ExportICS(cmd.Context(), bw)
				default:
					err = rapport.Errorf(rapport.EINVALID, "export %q: expected vcard, csv, json or ics", args[0])
				}
				if err != nil {
					return err
				}
				return bw.Flush()
			}
			if out == "" || out == "-" {
				return export(r.env.Stdout)
			}
			// The file appears only when complete: an interrupted export
			// leaves nothing that looks whole and nothing in the way.
			return safefile.Write(out, export)
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "write to this new file instead of standard output")
	c.Flags().StringVar(&filter.Tag, "tag", "", "vcard and csv: only people with this tag")
	c.Flags().StringVar(&filter.Layer, "layer", "", "vcard and csv: only this layer")
	return c
}

func (r *runner) backupCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Copy the live database to a new file, safely while it is in use",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			if err := a.Backup(cmd.Context(), args[0]); err != nil {
				return err
			}
			return r.emit(map[string]string{"backup": args[0]}, func(w io.Writer) { fmt.Fprintf(w, "Backed up to %s.\n", args[0]) })
		},
	}
}
