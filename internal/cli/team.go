package cli

import (
	"fmt"
	"io"

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
	c.AddCommand(initCmd, invite, token, revoke, remove)
	return c
}
