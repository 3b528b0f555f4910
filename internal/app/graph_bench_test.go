package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// The graph benchmark network: RAPPORT_BENCH_GRAPH names a database file,
// built on first use (a long step: see docs/benchmarks.md) with
// RAPPORT_BENCH_GRAPH_PEOPLE people (default 1,000,000), 20 topics with up to
// five trust lines per person and topic, and RAPPORT_BENCH_GRAPH_EDGES knows
// edges (default 20,000,000).
func graphApp(b *testing.B) *App {
	b.Helper()
	path := os.Getenv("RAPPORT_BENCH_GRAPH")
	if path == "" {
		b.Skip("set RAPPORT_BENCH_GRAPH to a database path (see docs/benchmarks.md)")
	}
	people, edges := envInt("RAPPORT_BENCH_GRAPH_PEOPLE", 1_000_000), envInt("RAPPORT_BENCH_GRAPH_EDGES", 20_000_000)
	ctx := context.Background()
	_, statErr := os.Stat(path)
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	a := New(db, func() time.Time { return now })
	if statErr != nil {
		start := time.Now()
		if err := buildGraph(ctx, a, people, edges); err != nil {
			os.Remove(path)
			b.Fatal(err)
		}
		b.Logf("built %d people, %d edges in %s", people, edges, time.Since(start))
	}
	return a
}

func envInt(k string, def int) int {
	var n int
	if _, err := fmt.Sscan(os.Getenv(k), &n); err != nil || n <= 0 {
		return def
	}
	return n
}

func graphID(i int) string { return fmt.Sprintf("p%07d", i) }

// buildGraph writes the network in several transactions, in key order,
// with the secondary graph indexes built once at the end.
func buildGraph(ctx context.Context, a *App, people, edges int) error {
	r := rand.New(rand.NewPCG(21, 22))
	if err := a.DB.DropGraphIndexes(ctx); err != nil {
		return err
	}
	err := a.DB.BulkUpdate(ctx, func(tx *store.Tx) error {
		batch := make([]*rapport.Person, 0, 10000)
		for i := range people {
			batch = append(batch, &rapport.Person{ID: graphID(i), Name: fmt.Sprintf("Person %d", i), CreatedAt: now, UpdatedAt: now})
			if len(batch) == cap(batch) || i == people-1 {
				if err := tx.InsertPeople(ctx, batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		// Your ties: a few hundred people you know, some well.
		ties := map[string]model.Tie{}
		p := model.DefaultParams()
		call := rapport.DefaultKinds()[0]
		for _, k := range rapport.DefaultKinds() {
			if k.Name == "call" {
				call = k
			}
		}
		for range 500 {
			var t model.Tie
			for range 1 + r.IntN(40) {
				t.Add(model.TouchOf(call, now.AddDate(0, 0, -r.IntN(400)), rapport.ByBoth, 0, 1), p)
			}
			ties[graphID(r.IntN(people))] = t
		}
		return a.saveTies(ctx, tx, ties)
	})
	if err != nil {
		return err
	}
	// 20 topics, up to five lines per person (you: five) and topic, one
	// transaction a topic, trusters in key order.
	for topic := range 20 {
		err := a.DB.BulkUpdate(ctx, func(tx *store.Tx) error {
			var lines []rapport.TrustLine
			name := fmt.Sprintf("topic%02d", topic)
			for i := -1; i < people; i++ {
				truster, n := "", 5
				if i >= 0 {
					truster, n = graphID(i), r.IntN(6)
				}
				for k := range n {
					lines = append(lines, rapport.TrustLine{Truster: truster, Trustee: graphID(r.IntN(people)), Rank: k + 1})
				}
				if len(lines) >= 20000 {
					if err := tx.BulkTrust(ctx, name, lines); err != nil {
						return err
					}
					lines = lines[:0]
				}
			}
			return tx.BulkTrust(ctx, name, lines)
		})
		if err != nil {
			return err
		}
	}
	// Knows edges, sorted by (a, b), in transactions of two million.
	pairs := make([][2]int32, 0, edges)
	for range edges {
		x, y := int32(r.IntN(people)), int32(r.IntN(people))
		if x == y {
			continue
		}
		if x > y {
			x, y = y, x
		}
		pairs = append(pairs, [2]int32{x, y})
	}
	slices.SortFunc(pairs, func(p, q [2]int32) int {
		if p[0] != q[0] {
			return int(p[0] - q[0])
		}
		return int(p[1] - q[1])
	})
	pairs = slices.Compact(pairs)
	for start := 0; start < len(pairs); start += 2_000_000 {
		chunk := pairs[start:min(start+2_000_000, len(pairs))]
		err := a.DB.BulkUpdate(ctx, func(tx *store.Tx) error {
			es := make([][3]any, 0, 20000)
			for i, pr := range chunk {
				es = append(es, [3]any{graphID(int(pr[0])), graphID(int(pr[1])), float64(10 + r.IntN(90))})
				if len(es) == cap(es) || i == len(chunk)-1 {
					if err := tx.BulkKnows(ctx, es); err != nil {
						return err
					}
					es = es[:0]
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return a.DB.CreateGraphIndexes(ctx)
}

// BenchmarkLearn answers learn at depth 3, topic after topic; the 99th
// percentile is reported.
func BenchmarkLearn(b *testing.B) {
	a := graphApp(b)
	measure(b, func(i int) error {
		_, err := a.Learn(context.Background(), fmt.Sprintf("topic%02d", i%20), 3, 20)
		return err
	})
}

// BenchmarkIntro finds the ways in to random people.
func BenchmarkIntro(b *testing.B) {
	a := graphApp(b)
	r := rand.New(rand.NewPCG(5, 6))
	people := envInt("RAPPORT_BENCH_GRAPH_PEOPLE", 1_000_000)
	measure(b, func(int) error {
		_, err := a.Intro(context.Background(), graphID(r.IntN(people)), 10)
		return err
	})
}

// measure runs one call per iteration and reports the p50 and p99 latencies.
func measure(b *testing.B, call func(i int) error) {
	var lat []time.Duration
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if err := call(i); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	reportP99(b, lat)
}

func reportP99(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
}
