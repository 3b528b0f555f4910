package email

import (
	"os"
	"testing"
)

// BenchmarkReadMbox reads the mbox named by RAPPORT_BENCH_MBOX (make one with
// `go run ./scripts/gendata mbox 200000`) into a Collector: the parse phase of
// an import, without the database.
func BenchmarkReadMbox(b *testing.B) {
	path := os.Getenv("RAPPORT_BENCH_MBOX")
	if path == "" {
		b.Skip("set RAPPORT_BENCH_MBOX to an mbox file (see docs/benchmarks.md)")
	}
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		c := NewCollector([]string{"pat@example.com"})
		if _, err := ReadMbox(f, path, c.Add); err != nil {
			b.Fatal(err)
		}
		f.Close()
		if _, err := c.Result(path); err != nil {
			b.Fatal(err)
		}
	}
}
