package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func (r *runner) tokenCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "token",
		Short: "App passwords for devices: the address book (CardDAV) on a phone, Thunderbird, vdirsyncer",
		Long: `App passwords let a device sign in to Rapport's address book at /dav/ (served by
rapport serve). Each is random, shown once, stored only as a hash, and revoked on
its own; the user name the device sends is not checked. The web's token never
opens the address book, and an app password never opens the web.`,
		Args: cobra.NoArgs,
	}
	c.AddCommand(&cobra.Command{
		Use:     "create NAME",
		Short:   "Make an app password for a device and print it, once, on its own line",
		Example: "  rapport token create phone",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			t, secret, err := a.CreateAppToken(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if r.json {
				return r.emit(map[string]any{"token": t, "secret": secret}, nil)
			}
			fmt.Fprintln(r.env.Stdout, secret)
			fmt.Fprintf(r.env.Stderr, "App password %q made: give the line above to the device as its password (any user name); it is not shown again. Revoke it with: rapport token revoke %s\n", t.Name, t.Name)
			return nil
		},
	}, &cobra.Command{
		Use:   "list",
		Short: "The app passwords: name, made, last used (never the secret)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			list, err := a.AppTokens(cmd.Context())
			if err != nil {
				return err
			}
			return r.emit(list, func(w io.Writer) {
				if len(list) == 0 {
					fmt.Fprintln(w, "No app passwords yet: rapport token create NAME")
					return
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "NAME\tMADE\tLAST USED")
				for _, t := range list {
					used := "never"
					if t.Used != nil {
						used = t.Used.In(r.app.Zone()).Format("2006-01-02 15:04")
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, t.Created.In(r.app.Zone()).Format("2006-01-02"), used)
				}
				tw.Flush()
			})
		},
	}, &cobra.Command{
		Use:   "revoke NAME",
		Short: "Remove an app password: the device using it is refused from now on",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			t, err := a.RevokeAppToken(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return r.emit(t, func(w io.Writer) { fmt.Fprintf(w, "Revoked %q.\n", t.Name) })
		},
	})
	return c
}

// removedCmd lists the people a device deleted and puts them back.
func (r *runner) removedCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "removed",
		Short: "People a device deleted from the address book, kept here until you decide",
		Long: `A card deleted on a phone or in another address book does not delete the person:
they leave the address book and wait here, history intact. Keep them on your
devices with "rapport removed keep PERSON", or delete them for good with
"rapport delete PERSON".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			list, err := a.DeviceRemovals(cmd.Context())
			if err != nil {
				return err
			}
			return r.emit(list, func(w io.Writer) {
				if len(list) == 0 {
					fmt.Fprintln(w, "No one was removed on a device.")
					return
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "NAME\tREMOVED\tBY\tID")
				for _, x := range list {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", x.Person.Name, x.At.In(a.Zone()).Format("2006-01-02 15:04"), x.Device, x.Person.ID)
				}
				tw.Flush()
				fmt.Fprintln(w, "Keep: rapport removed keep PERSON · delete for good: rapport delete PERSON")
			})
		},
	}
	c.AddCommand(&cobra.Command{
		Use:   "keep PERSON",
		Short: "Put a person a device deleted back in the address book",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			who, err := a.KeepOnDevices(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return r.emit(who, func(w io.Writer) {
				fmt.Fprintf(w, "%s is back in the address book: devices get them at their next sync.\n", who.Name)
			})
		},
	})
	return c
}
