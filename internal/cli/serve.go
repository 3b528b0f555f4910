package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/demo"
	"github.com/rapport-app/rapport/internal/web"
	"github.com/spf13/cobra"
)

func (r *runner) serveCmd() *cobra.Command {
	var addr string
	var withDemo bool
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web app and the JSON API (/api/v1) on the same database",
		Long: `Serve Rapport in a browser, on the database the CLI uses. With --demo, a throwaway
database filled with the demo network is used instead, and removed on exit.

It listens on the loopback interface by default; binding elsewhere exposes your
data to the network, so it warns.`,
		Example: `  rapport serve
  rapport serve --demo
  rapport --db work.db serve --addr 127.0.0.1:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
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
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return usageError{fmt.Errorf("--addr %q: expected host:port, such as 127.0.0.1:7474", addr)}
			}
			if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
				r.log.Warn("serving beyond this machine: anyone who can reach this address can read and change your data", "addr", addr)
				fmt.Fprintf(r.env.Stderr, "rapport: warning: %s is not a loopback address; anyone who can reach it can read and change your data\n", addr)
			}
			srv, err := web.New(ctx, a, r.log)
			if err != nil {
				return err
			}
			defer srv.Close()
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return rapport.Errorf(rapport.EINVALID, "listen on %s: %v", addr, err)
			}
			hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
			fmt.Fprintf(r.env.Stdout, "Rapport is at http://%s/ (database %s). Stop with Ctrl-C.\n", ln.Addr(), a.DB.Path())
			errc := make(chan error, 1)
			go func() { errc <- hs.Serve(ln) }()
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
	return c
}
