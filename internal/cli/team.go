package cli

import (
	"fmt"
	"io"

	"github.com/rapport-app/rapport"
	"github.com/spf13/cobra"
)

func (r *runner) teamCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "team",
		Short: "The team server (on PostgreSQL): a workspace, its members, their sign-in links and tokens",
		Long: `The team server runs on PostgreSQL (--db postgres://…). "team init" makes the
workspace and its owner; "team invite" adds a member; each gets a one-time sign-in
link (a path on the server, valid a week). "team token" prints a personal API token
for scripts: API clients send it as "Authorization: Bearer TOKEN". Once a workspace
exists, rapport serve signs members in, on loopback too. A database holds one
workspace for now.`,
		Args: cobra.NoArgs,
	}
	var name, owner string
	initCmd := &cobra.Command{
		Use:     "init --name NAME --owner EMAIL",
		Short:   "Make the workspace and its owner, and print the owner's sign-in link",
		Example: `  rapport --db postgres:///rapport team init --name "Acme Partners" --owner pat@acme.example`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			inv, err := a.TeamInit(cmd.Context(), name, owner)
			if err != nil {
				return err
			}
			return r.emit(inv, func(w io.Writer) {
				fmt.Fprintf(w, "Workspace %q made, owned by %s. Their sign-in link, once, for a week (on the server rapport serve runs):\n%s\n", inv.Member.Workspace.Name, inv.Member.Email, inv.Link)
			})
		},
	}
	initCmd.Flags().StringVar(&name, "name", "", "the workspace's name (required)")
	initCmd.Flags().StringVar(&owner, "owner", "", "the owner's email (required)")
	var role, workspace string
	invite := &cobra.Command{
		Use:   "invite EMAIL --role admin|member --workspace NAME",
		Short: "Add a member, and print their one-time sign-in link",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			inv, err := a.TeamInvite(cmd.Context(), workspace, args[0], role)
			if err != nil {
				return err
			}
			return r.emit(inv, func(w io.Writer) {
				article := "a"
				if inv.Member.Role == "admin" {
					article = "an"
				}
				fmt.Fprintf(w, "%s is %s %s of %q. Their sign-in link, once, for a week:\n%s\n", inv.Member.Email, article, inv.Member.Role, inv.Member.Workspace.Name, inv.Link)
			})
		},
	}
	invite.Flags().StringVar(&role, "role", "member", "admin or member")
	invite.Flags().StringVar(&workspace, "workspace", "", "the workspace's name (required)")
	share := &cobra.Command{
		Use:   "share-content [on|off]",
		Short: "As a member: show your teammates what your interactions say (off: who, when and how only)",
		Long: `As a member of a team's server (RAPPORT_MEMBER_TOKEN=…): teammates always see that
you were in touch with someone, when and how (a call, an email); what it said (a
mail's subject, a meeting's title, your note on it) only if you turn this on. Alone,
prints whether it is on.`,
		Example:   `  RAPPORT_MEMBER_TOKEN=… rapport --db postgres:///rapport team share-content on`,
		Args:      cobra.MaximumNArgs(1),
		ValidArgs: []string{"on", "off"},
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			if len(args) == 1 {
				if args[0] != "on" && args[0] != "off" {
					return rapport.Errorf(rapport.EINVALID, "share-content %q: expected on or off", args[0])
				}
				if err := a.SetShareContent(cmd.Context(), args[0] == "on"); err != nil {
					return err
				}
			}
			on, err := a.ShareContent(cmd.Context())
			if err != nil {
				return err
			}
			return r.emit(map[string]bool{"share_content": on}, func(w io.Writer) {
				if on {
					fmt.Fprintln(w, "Your teammates see what your interactions say, and who, when and how.")
				} else {
					fmt.Fprintln(w, "Your teammates see who, when and how of your interactions, not what they say.")
				}
			})
		},
	}
	var tokenWorkspace string
	token := &cobra.Command{
		Use:   "token EMAIL --workspace NAME",
		Short: "Print a new personal API token of a member, on its own line",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			secret, err := a.TeamToken(cmd.Context(), tokenWorkspace, args[0])
			if err != nil {
				return err
			}
			if r.json {
				return r.emit(map[string]string{"token": secret}, nil)
			}
			fmt.Fprintln(r.env.Stdout, secret)
			return nil
		},
	}
	token.Flags().StringVar(&tokenWorkspace, "workspace", "", "the workspace's name (required)")
	var revokeWorkspace string
	revoke := &cobra.Command{
		Use:   "revoke EMAIL --workspace NAME",
		Short: "Revoke a member's personal tokens and unused sign-in links",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			n, err := a.TeamRevoke(cmd.Context(), revokeWorkspace, args[0])
			if err != nil {
				return err
			}
			return r.emit(map[string]int{"revoked": n}, func(w io.Writer) { fmt.Fprintf(w, "Revoked %d tokens and links of %s.\n", n, args[0]) })
		},
	}
	revoke.Flags().StringVar(&revokeWorkspace, "workspace", "", "the workspace's name (required)")
	var removeWorkspace string
	remove := &cobra.Command{
		Use:   "remove EMAIL --workspace NAME",
		Short: "Remove a member: their tokens, links and sessions stop at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			if err := a.TeamRemove(cmd.Context(), removeWorkspace, args[0]); err != nil {
				return err
			}
			return r.emit(map[string]string{"removed": args[0]}, func(w io.Writer) { fmt.Fprintf(w, "Removed %s.\n", args[0]) })
		},
	}
	remove.Flags().StringVar(&removeWorkspace, "workspace", "", "the workspace's name (required)")
	c.AddCommand(initCmd, invite, token, revoke, remove, share)
	return c
}
