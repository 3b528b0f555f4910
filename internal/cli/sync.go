package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/rapport-app/rapport/internal/app"
	"github.com/rapport-app/rapport/internal/mailsync"
)

// syncPassword is a source's password: RAPPORT_IMAP_PASSWORD (a mailbox) or
// RAPPORT_CALDAV_PASSWORD (calendars), else what its command prints; a
// calendar server may ask for none.
func (r *runner) syncPassword(ctx context.Context, s app.SyncSource) (string, error) {
	env := "RAPPORT_IMAP_PASSWORD"
	if s.Kind == "caldav" || s.Kind == "carddav" {
		env = "RAPPORT_CALDAV_PASSWORD"
	}
	if pw := r.env.Getenv(env); pw != "" {
		return pw, nil
	}
	if s.Kind != "imap" && s.PasswordCommand == "" {
		return "", nil
	}
	return mailsync.Password(ctx, s.PasswordCommand)
}

func printSync(w io.Writer, s *app.SyncSummary) {
	var folders []string
	for _, f := range s.Folders {
		folders = append(folders, fmt.Sprintf("%s %d", f.Name, f.Read))
	}
	fmt.Fprintf(w, "%s: read %d new items (%s); %d interactions and %d people added, %d left out\n",
		s.Source, s.Read, strings.Join(folders, ", "), s.InteractionsCreated, s.PeopleCreated, s.Skipped)
	for _, e := range s.Errors {
		fmt.Fprintf(w, "  note: %s\n", e)
	}
}

func (r *runner) syncCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "sync",
		Short: "Capture mail as it comes: run every source added with `rapport sync imap`",
		Long: `Run every source added with "rapport sync imap": each reads only what came since
its last run, and a run stopped halfway resumes where it stopped. rapport serve
runs them on a schedule too.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			sums, err := a.SyncAll(cmd.Context(), r.syncPassword)
			if perr := r.emit(sums, func(w io.Writer) {
				if len(sums) == 0 && err == nil {
					fmt.Fprintln(w, "No sources yet: rapport sync imap imaps://you@mail.example --me you@example.com --password-command \"pass show mail\"")
				}
				for i := range sums {
					printSync(w, &sums[i])
				}
			}); perr != nil {
				return perr
			}
			return err
		},
	}
	var in app.IMAPSync
	imapCmd := &cobra.Command{
		Use:   "imap URL",
		Short: "Capture a mailbox's mail over IMAP (the inbox and the sent folder), now and at each sync",
		Long: `Read a mailbox's headers over IMAP, from the sent folder (found by SPECIAL-USE
\Sent, or by name) and the inbox, with the mbox import's rules: only people you
wrote to, no lists or bulk mail, your own list mail counted; a message imported
before (from an mbox too) is not counted twice. Only what came since the last run
is read. URL is imaps://user@host[:port], or imap://user@host:port (STARTTLS;
plain text only to this machine). The password is never stored: it comes from
--password-command (kept, and run at each sync) or RAPPORT_IMAP_PASSWORD.`,
		Example: `  rapport sync imap imaps://pat@mail.example.com --me pat@example.com --password-command "pass show mail"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			in.URL = args[0]
			if in.Password, err = r.syncPassword(cmd.Context(), app.SyncSource{PasswordCommand: in.PasswordCommand}); err != nil {
				return err
			}
			sum, err := a.SyncIMAP(cmd.Context(), in)
			if err != nil {
				return err
			}
			return r.emit(sum, func(w io.Writer) { printSync(w, sum) })
		},
	}
	var cal app.DAVSync
	caldavCmd := &cobra.Command{
		Use:   "caldav URL",
		Short: "Capture calendars over CalDAV: meetings with the people invited, now and at each sync",
		Long: `Read an account's calendars over CalDAV with the ICS import's rules: each meeting
is an interaction with the people invited (you left out, nothing after now); an
event imported before (from an .ics file too) is not counted twice. Each run fetches
only the events whose ETag changed. URL is https://user@host/path (the account, or
one calendar); plain http only to this machine. The password is never stored: it
comes from --password-command (kept, and run at each sync) or
RAPPORT_CALDAV_PASSWORD.`,
		Example: `  rapport sync caldav https://pat@cal.example.com/dav/ --me pat@example.com --password-command "pass show cal"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			cal.URL = args[0]
			if cal.Password, err = r.syncPassword(cmd.Context(), app.SyncSource{Kind: "caldav", PasswordCommand: cal.PasswordCommand}); err != nil {
				return err
			}
			sum, err := a.SyncCalDAV(cmd.Context(), cal)
			if err != nil {
				return err
			}
			return r.emit(sum, func(w io.Writer) { printSync(w, sum) })
		},
	}
	var book app.DAVSync
	carddavCmd := &cobra.Command{
		Use:   "carddav URL",
		Short: "Pull an address book over CardDAV (a team's, or yours on another server), now and at each sync",
		Long: `Read an account's address books over CardDAV with the vCard import's rules: a card
whose email, phone or link is someone's merges into them, the others become people.
Each run fetches only the cards whose ETag changed. URL is https://user@host/path;
the password as for caldav.`,
		Example: `  rapport sync carddav https://pat@dav.example.com/team/ --password-command "pass show dav"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			book.URL = args[0]
			if book.Password, err = r.syncPassword(cmd.Context(), app.SyncSource{Kind: "carddav", PasswordCommand: book.PasswordCommand}); err != nil {
				return err
			}
			sum, err := a.SyncCardDAV(cmd.Context(), book)
			if err != nil {
				return err
			}
			return r.emit(sum, func(w io.Writer) { printSync(w, sum) })
		},
	}
	carddavCmd.Flags().StringVar(&book.PasswordCommand, "password-command", "", `a command that prints the password; default $RAPPORT_CALDAV_PASSWORD`)
	caldavCmd.Flags().StringArrayVar(&cal.Me, "me", nil, "your address in the invitations (repeatable)")
	caldavCmd.Flags().StringVar(&cal.PasswordCommand, "password-command", "", `a command that prints the password; default $RAPPORT_CALDAV_PASSWORD`)
	imapCmd.Flags().StringArrayVar(&in.Me, "me", nil, "your address in this mailbox (repeatable; required)")
	imapCmd.Flags().StringVar(&in.PasswordCommand, "password-command", "", `a command that prints the password ("pass show mail"); default $RAPPORT_IMAP_PASSWORD`)
	list := &cobra.Command{
		Use:   "list",
		Short: "The sources rapport sync reads, and how their last run went",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			srcs, err := a.SyncSources(cmd.Context())
			if err != nil {
				return err
			}
			return r.emit(srcs, func(w io.Writer) {
				if len(srcs) == 0 {
					fmt.Fprintln(w, "No sources yet: rapport sync imap URL --me ADDRESS --password-command CMD")
					return
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "SOURCE\tLAST RUN\tADDED\tERROR")
				for _, s := range srcs {
					run := "never"
					if s.LastRun != nil {
						run = s.LastRun.In(a.Zone()).Format("2006-01-02 15:04")
					}
					fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", s.URL, run, s.LastAdded, s.LastError)
				}
				tw.Flush()
			})
		},
	}
	forget := &cobra.Command{
		Use:   "forget URL",
		Short: "Stop reading a source (what it added stays)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			if err := a.ForgetSync(cmd.Context(), args[0]); err != nil {
				return err
			}
			return r.emit(map[string]string{"forgotten": args[0]}, func(w io.Writer) { fmt.Fprintf(w, "Forgot %s.\n", args[0]) })
		},
	}
	c.AddCommand(imapCmd, caldavCmd, carddavCmd, list, forget)
	return c
}
