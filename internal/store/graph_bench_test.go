package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"
)

// The graph's benchmarks compare the app's walks (BenchmarkLearn and
// BenchmarkIntro in internal/app, which build the RAPPORT_BENCH_GRAPH
// database on first use) with the same questions asked as one SQL query:
// run those first, then these on the same file.

// learnSQL is the trust walk as one recursive query, for comparison in the
// benchmarks: best-path scores to depth levels, with the same attenuation
// and rank values as model.Propagate (which also adds agreeing paths up).
// CROSS JOIN keeps SQLite's planner walking from the frontier into the
// index; with a plain JOIN it scanned the topic's lines for every step.
func (db *DB) learnSQL(ctx context.Context, topic string, depth int) (map[string]float64, error) {
	out := map[string]float64{}
	err := db.View().eachRow(ctx, "learn in SQL", `
		WITH RECURSIVE walk(node, depth, score) AS (
			SELECT trustee, 1, 0.7 * (1 - 0.1 * (rank - 1)) FROM trust WHERE topic = ? AND truster = ''
			UNION ALL
			SELECT t.trustee, w.depth + 1, w.score * 0.7 * (1 - 0.1 * (t.rank - 1))
			FROM walk w CROSS JOIN trust t WHERE t.topic = ? AND t.truster = w.node AND w.depth < ?
		)
		SELECT node, MAX(score) FROM walk GROUP BY node ORDER BY MAX(score) DESC, node`, []any{topic, topic, depth}, func(rows *sql.Rows) error {
		var id string
		var s float64
		err := rows.Scan(&id, &s)
		out[id] = s
		return err
	})
	return out, err
}

// introSQL reads a person's acquaintances with your tie state to each, in
// one query, for comparison in the benchmarks.
func (db *DB) introSQL(ctx context.Context, target string) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := db.View().eachRow(ctx, "intro in SQL", `
		SELECT k.x, t.state FROM (
			SELECT b AS x FROM knows WHERE a = ? UNION SELECT a FROM knows WHERE b = ?
		) k JOIN ties t ON t.person_id = k.x`, []any{target, target}, func(rows *sql.Rows) error {
		var id string
		var state []byte
		err := rows.Scan(&id, &state)
		out[id] = state
		return err
	})
	return out, err
}

func benchGraph(b *testing.B) *DB {
	path := os.Getenv("RAPPORT_BENCH_GRAPH")
	if path == "" {
		b.Skip("set RAPPORT_BENCH_GRAPH to the database the app's graph benchmarks built (see docs/benchmarks.md)")
	}
	if _, err := os.Stat(path); err != nil {
		b.Skipf("%s: run the app's graph benchmarks first, which build it", path)
	}
	db, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkLearnSQL is BenchmarkLearn's walk as one recursive SQL query.
func BenchmarkLearnSQL(b *testing.B) {
	db := benchGraph(b)
	measure(b, func(i int) error {
		_, err := db.learnSQL(context.Background(), fmt.Sprintf("topic%02d", i%20), 3)
		return err
	})
}

// BenchmarkIntroSQL reads BenchmarkIntro's neighbours and their tie states in
// one SQL query (the same random people).
func BenchmarkIntroSQL(b *testing.B) {
	db := benchGraph(b)
	r := rand.New(rand.NewPCG(5, 6))
	people := 1_000_000
	if _, err := fmt.Sscan(os.Getenv("RAPPORT_BENCH_GRAPH_PEOPLE"), &people); err != nil || people <= 0 {
		people = 1_000_000
	}
	measure(b, func(int) error {
		_, err := db.introSQL(context.Background(), fmt.Sprintf("p%07d", r.IntN(people)))
		return err
	})
}

// measure runs one call per iteration and reports the p50 and p99
// latencies, as the app's graph benchmarks do.
func measure(b *testing.B, call func(i int) error) {
	var lat []time.Duration
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if err := call(i); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
}
