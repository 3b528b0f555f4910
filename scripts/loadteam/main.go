// Command loadteam drives a team's server with many clients at once, each
// signed in as a member of a demo team (`rapport demo --team --json`), for a
// while, reading and writing through the API; then it checks that every
// write the server acknowledged is in the database and that every member's
// stored ties equal a rebuild from their histories, and prints the latency
// of each kind of request (p50, p99, max).
//
//	go run ./scripts/loadteam -url http://127.0.0.1:7474 -team team.json -db postgres:///team -clients 50 -for 1m
//
// scripts/bench-team runs the whole thing (demo, server, load, check).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rapport-app/rapport/internal/app"
)

type team struct {
	Workspace string `json:"workspace"`
	Members   []struct {
		Email string `json:"email"`
		Token string `json:"token"`
	} `json:"members"`
}

type result struct {
	class string
	took  time.Duration
	err   string
	wrote string // an acknowledged interaction's id
}

func main() {
	base := flag.String("url", "http://127.0.0.1:7474", "the server")
	teamFile := flag.String("team", "", "the JSON `rapport demo --team --json` printed")
	dbURL := flag.String("db", "", "the database, to check the writes and the ties after the load")
	clients := flag.Int("clients", 50, "concurrent clients")
	dur := flag.Duration("for", time.Minute, "how long to run")
	think := flag.Duration("think", 0, "each client's pause between requests (0: as fast as the server answers)")
	flag.Parse()
	if err := run(*base, *teamFile, *dbURL, *clients, *dur, *think); err != nil {
		fmt.Fprintln(os.Stderr, "loadteam:", err)
		os.Exit(1)
	}
}

func run(base, teamFile, dbURL string, clients int, dur, think time.Duration) error {
	b, err := os.ReadFile(teamFile)
	if err != nil {
		return err
	}
	var t team
	if err := json.Unmarshal(b, &t); err != nil {
		return fmt.Errorf("%s: %w", teamFile, err)
	}
	if len(t.Members) == 0 {
		return fmt.Errorf("%s: no members", teamFile)
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: 30 * time.Second}
	do := func(method, path, token string, body any) (int, []byte, time.Duration, error) {
		var r io.Reader
		if body != nil {
			j, _ := json.Marshal(body)
			r = bytes.NewReader(j)
		}
		req, err := http.NewRequest(method, base+path, r)
		if err != nil {
			return 0, nil, 0, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		start := time.Now()
		resp, err := hc.Do(req)
		if err != nil {
			return 0, nil, time.Since(start), err
		}
		out, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, out, time.Since(start), err
	}
	// Each member's people: whom their client reads and writes about.
	people := make([][]string, len(t.Members))
	for i, m := range t.Members {
		code, body, _, err := do("GET", "/api/v1/people?limit=300", m.Token, nil)
		if err != nil || code != 200 {
			return fmt.Errorf("list %s's people: %d %v %.200s", m.Email, code, err, body)
		}
		var ps []struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(body, &ps); err != nil {
			return err
		}
		for _, p := range ps {
			people[i] = append(people[i], p.ID)
		}
		if len(people[i]) == 0 {
			return fmt.Errorf("%s has no people", m.Email)
		}
	}
	// Warm up, untimed: each member's first visit builds their views (plan,
	// people, ladder), as the first page of a member's day would.
	var warm sync.WaitGroup
	for _, m := range t.Members {
		warm.Add(1)
		go func() {
			defer warm.Done()
			for _, p := range []string{"/api/v1/today", "/api/v1/people?q=a", "/api/v1/ladder", "/api/v1/team/ladder", "/api/v1/team/report"} {
				_, _, _, _ = do("GET", p, m.Token, nil)
			}
		}()
	}
	warm.Wait()
	results := make(chan result, 1024)
	var wg sync.WaitGroup
	stop := time.Now().Add(dur)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(c), 7))
			mi := c % len(t.Members)
			tok, mine := t.Members[mi].Token, people[mi]
			for time.Now().Before(stop) {
				id := mine[r.IntN(len(mine))]
				var res result
				var code int
				var body []byte
				var err error
				switch x := r.IntN(100); {
				case x < 30:
					res.class = "write: log"
					code, body, res.took, err = do("POST", "/api/v1/interactions", tok, map[string]any{"with": []string{id}, "kind": "call", "minutes": 15, "note": "load"})
					if err == nil && code == 201 || code == 200 {
						var in struct {
							ID string `json:"id"`
						}
						if json.Unmarshal(body, &in) == nil {
							res.wrote = in.ID
						}
					}
				case x < 50:
					res.class = "person page"
					code, body, res.took, err = do("GET", "/people/"+id, tok, nil)
				case x < 60:
					res.class = "person (API)"
					code, body, res.took, err = do("GET", "/api/v1/people/"+id, tok, nil)
				case x < 72:
					res.class = "team ladder"
					code, body, res.took, err = do("GET", "/api/v1/team/ladder", tok, nil)
				case x < 80:
					res.class = "team report"
					code, body, res.took, err = do("GET", "/api/v1/team/report", tok, nil)
				case x < 90:
					res.class = "today"
					code, body, res.took, err = do("GET", "/api/v1/today", tok, nil)
				default:
					res.class = "search"
					code, body, res.took, err = do("GET", "/api/v1/people?q="+string(rune('a'+r.IntN(26))), tok, nil)
				}
				if err != nil {
					res.err = err.Error()
				} else if code >= 300 {
					res.err = fmt.Sprintf("%d %.200s", code, body)
				}
				results <- res
				if think > 0 {
					time.Sleep(think/2 + time.Duration(r.Int64N(int64(think)))) // think ± half
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()
	took := map[string][]time.Duration{}
	var errs []string
	var wrote []string
	n := 0
	for r := range results {
		n++
		took[r.class] = append(took[r.class], r.took)
		if r.err != "" {
			errs = append(errs, r.class+": "+r.err)
		}
		if r.wrote != "" {
			wrote = append(wrote, r.wrote)
		}
	}
	fmt.Printf("%d requests by %d clients (pausing %s) in %s (%.0f/s), %d errors, %d writes acknowledged\n", n, clients, think, dur, float64(n)/dur.Seconds(), len(errs), len(wrote))
	classes := make([]string, 0, len(took))
	for c := range took {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	fmt.Printf("%-14s %7s %9s %9s %9s\n", "REQUEST", "N", "P50", "P99", "MAX")
	for _, c := range classes {
		d := took[c]
		slices.Sort(d)
		q := func(f float64) time.Duration { return d[min(len(d)-1, int(f*float64(len(d))))] }
		fmt.Printf("%-14s %7d %9s %9s %9s\n", c, len(d), q(0.5).Round(time.Microsecond*100), q(0.99).Round(time.Microsecond*100), d[len(d)-1].Round(time.Microsecond*100))
	}
	for i, e := range errs {
		if i == 5 {
			break
		}
		fmt.Println("error:", e)
	}
	if dbURL == "" {
		return nil
	}
	return check(dbURL, t.Workspace, wrote, len(errs))
}

// check opens the database, and the workspace in it, and looks for every
// acknowledged write and compares the members' ties with a rebuild.
func check(dbURL, workspace string, wrote []string, errs int) error {
	ctx := context.Background()
	a, err := app.Open(ctx, dbURL, time.Now)
	if err != nil {
		return err
	}
	defer a.Close()
	ws, err := a.WorkspaceNamed(ctx, workspace)
	if err != nil {
		return err
	}
	defer ws.Close()
	missing, err := ws.MissingInteractions(ctx, wrote)
	if err != nil {
		return err
	}
	c, err := ws.CheckMemberTies(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("acknowledged writes missing: %d of %d\nmembers' ties checked against a rebuild: %d, differing: %d\n", len(missing), len(wrote), c.Checked, c.Mismatched)
	for _, e := range c.Examples {
		fmt.Println("  ", e)
	}
	if len(missing) > 0 || c.Mismatched > 0 || errs > 0 {
		return fmt.Errorf("failed: %d errors, %d writes lost, %d ties differ (%s)", errs, len(missing), c.Mismatched, strings.Join(c.Examples, "; "))
	}
	return nil
}
