package cli

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
	"github.com/rapport-app/rapport/internal/demo"
	"github.com/rapport-app/rapport/internal/web"
	"github.com/spf13/cobra"
)

func (r *runner) serveCmd() *cobra.Command {
	var addr, token, certFile, keyFile, replica string
	var syncEvery, fresh time.Duration
	var withDemo, newToken bool
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web app and the JSON API (/api/v1) on the same database",
		Long: `Serve Rapport in a browser, on the database the CLI uses. With --demo, a throwaway
database filled with the demo network is used instead, and removed on exit.

It listens on the loopback interface by default and then answers only requests
addressed to localhost, 127.0.0.1 or [::1]. Anywhere else it asks for a secret
token: made on first use and printed once (only its hash is kept), or given with
--token or RAPPORT_TOKEN; --new-token replaces it. API clients send it as
"Authorization: Bearer <token>"; browsers sign in once at /login. Off loopback,
serve over TLS (--tls-cert and --tls-key, or a TLS proxy in front): over plain
HTTP the token crosses the network in clear text.`,
		Example: `  rapport serve
  rapport serve --demo
  rapport --db work.db serve --addr 127.0.0.1:8080
  rapport serve --addr 0.0.0.0:7474 --tls-cert cert.pem --tls-key key.pem`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return usageError{fmt.Errorf("--addr %q: expected host:port, such as 127.0.0.1:7474", addr)}
			}
			if (certFile == "") != (keyFile == "") {
				return usageError{errors.New("--tls-cert and --tls-key go together")}
			}
			ip := net.ParseIP(host)
			loopback := host == "localhost" || ip != nil && ip.IsLoopback()
			if token == "" {
				token = r.env.Getenv("RAPPORT_TOKEN")
			}
			if withDemo {
				dir, err := os.MkdirTemp("", "rapport-demo-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(dir)
				r.dbPath = filepath.Join(dir, "demo.db")
			}
			a, err := r.open(ctx)
			if err != nil {
				return err
			}
			if withDemo {
				fmt.Fprintln(r.env.Stderr, "Making a demo network in a throwaway database…")
				if _, err := a.Demo(ctx, demo.Options{People: 500, Years: 5, Seed: 1}, nil); err != nil {
					return err
				}
			}
			if replica != "" {
				if !app.IsURL(replica) || !app.IsURL(a.Where()) {
					return usageError{fmt.Errorf("--read-replica: expected a postgres:// URL, beside a PostgreSQL --db")}
				}
				ra, err := app.Open(ctx, replica, r.env.Clock)
				if err != nil {
					return fmt.Errorf("--read-replica: %w", err)
				}
				defer ra.Close()
				a.SetReplica(ra, fresh)
			}
			opts := web.Options{Loopback: loopback}
			team, err := a.TeamMode(ctx)
			if err != nil {
				return err
			}
			if team {
				// A workspace's server signs its members in, wherever it listens.
				if opts.Auth, err = web.NewTeamAuth(ctx, a, r.env.Clock); err != nil {
					return err
				}
			} else if !loopback || token != "" || newToken {
				if opts.Auth, err = r.serveAuth(ctx, a, token, newToken); err != nil {
					return err
				}
			}
			if opts.Auth != nil && certFile == "" && !loopback {
				fmt.Fprintf(r.env.Stderr, "rapport: warning: serving %s over plain HTTP: the token and your data cross the network unencrypted; use --tls-cert and --tls-key, or a TLS proxy\n", addr)
			}
			srv, err := web.New(ctx, a, r.log, opts)
			if err != nil {
				return err
			}
			defer srv.Close()
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return rapport.Errorf(rapport.EINVALID, "listen on %s: %v", addr, err)
			}
			hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
			scheme := "http"
			if certFile != "" {
				scheme = "https"
			}
			fmt.Fprintf(r.env.Stdout, "Rapport is at %s://%s/ (database %s). Stop with Ctrl-C.\n", scheme, ln.Addr(), a.Where())
			if syncEvery > 0 {
				go r.syncEvery(ctx, a, syncEvery)
			}
			errc := make(chan error, 1)
			go func() {
				if certFile != "" {
					errc <- hs.ServeTLS(ln, certFile, keyFile)
					return
				}
				errc <- hs.Serve(ln)
			}()
			select {
			case err := <-errc:
				return err
			case <-ctx.Done():
			}
			shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := hs.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:7474", "address to listen on (host:port)")
	c.Flags().BoolVar(&withDemo, "demo", false, "serve a throwaway database filled with the demo network")
	c.Flags().StringVar(&token, "token", "", "the secret token to require (default $RAPPORT_TOKEN, else the stored one, else a new one)")
	c.Flags().BoolVar(&newToken, "new-token", false, "make a new token, print it once and require it (older sessions end)")
	c.Flags().DurationVar(&syncEvery, "sync-every", 15*time.Minute, "run the sources of rapport sync this often, in the background (0: never)")
	c.Flags().StringVar(&replica, "read-replica", "", "a streaming replica of the PostgreSQL database (postgres://…): the team's views and searches are read there")
	c.Flags().DurationVar(&fresh, "replica-fresh", 5*time.Second, "with --read-replica: how long after a member's write their reads stay on the primary")
	c.Flags().StringVar(&certFile, "tls-cert", "", "serve HTTPS with this certificate (PEM)")
	c.Flags().StringVar(&keyFile, "tls-key", "", "and this private key (PEM)")
	return c
}

// serveAuth returns the token authenticator: the token given, else the one
// stored, else a new one, printed once. Only its hash is stored.
func (r *runner) serveAuth(ctx context.Context, a *app.App, token string, renew bool) (*web.TokenAuth, error) {
	stored, err := a.ServeTokenHash(ctx)
	if err != nil {
		return nil, err
	}
	if token != "" && renew {
		return nil, usageError{errors.New("--token and --new-token: choose one")}
	}
	if token != "" {
		if len(strings.TrimSpace(token)) < 16 {
			return nil, usageError{errors.New("--token: use at least 16 characters (rapport serve --new-token makes a strong one)")}
		}
		h := web.HashToken(token)
		if enc := hex.EncodeToString(h[:]); enc != stored {
			if err := a.SetServeTokenHash(ctx, enc); err != nil {
				return nil, err
			}
		}
		return web.NewTokenAuth(h, r.env.Clock), nil
	}
	if h, ok := web.ParseTokenHash(stored); ok && !renew {
		fmt.Fprintln(r.env.Stderr, "Sign in with this server's token (printed when it was made; rapport serve --new-token replaces it).")
		return web.NewTokenAuth(h, r.env.Clock), nil
	}
	token, err = web.NewToken()
	if err != nil {
		return nil, err
	}
	h := web.HashToken(token)
	if err := a.SetServeTokenHash(ctx, hex.EncodeToString(h[:])); err != nil {
		return nil, err
	}
	fmt.Fprintf(r.env.Stdout, "The token for this server (shown once; only its hash is kept):\n\n    %s\n\nBrowsers sign in with it at /login; API clients send \"Authorization: Bearer <token>\".\n", token)
	return web.NewTokenAuth(h, r.env.Clock), nil
}

// syncEvery runs the sources of rapport sync in the background, shortly
// after the server starts and then every interval, until ctx ends: each run
// commits batch by batch, so pages go on being served (and read what it
// added as it lands); how each went is logged and shown on /settings.
func (r *runner) syncEvery(ctx context.Context, a *app.App, every time.Duration) {
	t := time.NewTimer(min(every, 10*time.Second))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		srcs, err := a.SyncSources(ctx)
		if err == nil && len(srcs) > 0 {
			sums, err := a.SyncAll(ctx, r.syncPassword)
			for _, s := range sums {
				r.log.Info("synced", "source", s.Source, "read", s.Read, "interactions", s.InteractionsCreated, "people", s.PeopleCreated)
			}
			if err != nil && ctx.Err() == nil {
				r.log.Warn("sync", "err", err)
			}
		} else if err != nil {
			r.log.Warn("sync: list the sources", "err", err)
		}
		t.Reset(every)
	}
}
