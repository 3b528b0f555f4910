package app

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/rapport-app/rapport/internal/importer/formats"
)

// BenchmarkImportConnections imports the Connections.csv named by
// RAPPORT_BENCH_CONNECTIONS (make one with `go run ./scripts/gendata
// connections 30000`) into a fresh database each time.
func BenchmarkImportConnections(b *testing.B) {
	path := os.Getenv("RAPPORT_BENCH_CONNECTIONS")
	if path == "" {
		b.Skip("set RAPPORT_BENCH_CONNECTIONS to a Connections.csv (see docs/benchmarks.md)")
	}
	for b.Loop() {
		b.StopTimer()
		a := newApp(b, now)
		b.StartTimer()
		res, err := formats.Read("linkedin", []string{path}, formats.Options{Now: now})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := a.Import(context.Background(), "linkedin", res, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportMbox imports the mbox named by RAPPORT_BENCH_MBOX (make one
// with `go run ./scripts/gendata mbox 200000`) into a fresh database each time.
func BenchmarkImportMbox(b *testing.B) {
	path := os.Getenv("RAPPORT_BENCH_MBOX")
	if path == "" {
		b.Skip("set RAPPORT_BENCH_MBOX to an mbox file (see docs/benchmarks.md)")
	}
	var parse, write time.Duration
	for b.Loop() {
		b.StopTimer()
		a := newApp(b, now)
		b.StartTimer()
		start := time.Now()
		res, err := formats.Read("mbox", []string{path}, formats.Options{Me: []string{"pat@example.com"}, Now: now})
		if err != nil {
			b.Fatal(err)
		}
		parse += time.Since(start)
		start = time.Now()
		if _, err := a.Import(context.Background(), "mbox", res, false); err != nil {
			b.Fatal(err)
		}
		write += time.Since(start)
	}
	b.ReportMetric(parse.Seconds()/float64(b.N), "parse-s/op")
	b.ReportMetric(write.Seconds()/float64(b.N), "write-s/op")
}
