package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rapport-app/rapport/internal/demo"
	"github.com/rapport-app/rapport/internal/store"
)

// benchApp opens the benchmark network: the database named by
// RAPPORT_BENCH_DB (made with `rapport demo --people 20000 --interactions
// 2000000`, see docs/benchmarks.md), or else a small demo made on the spot.
func benchApp(b *testing.B) *App {
	b.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	path := os.Getenv("RAPPORT_BENCH_DB")
	fresh := path == ""
	if fresh {
		path = filepath.Join(b.TempDir(), "bench.db")
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	a := New(db, func() time.Time { return now })
	if fresh {
		if _, err := a.Demo(ctx, demo.Options{People: 2000, Years: 5, Seed: 1, Interactions: 100000}, nil); err != nil {
			b.Fatal(err)
		}
	}
	return a
}

func BenchmarkPeopleTop50(b *testing.B) {
	a := benchApp(b)
	for b.Loop() {
		if _, err := a.People(context.Background(), PeopleFilter{Sort: "strength", Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLadder(b *testing.B) {
	a := benchApp(b)
	for b.Loop() {
		if _, err := a.Ladder(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLog(b *testing.B) {
	a := benchApp(b)
	people, err := a.People(context.Background(), PeopleFilter{Limit: 100})
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		p := people[i%len(people)]
		i++
		if _, err := a.Log(context.Background(), LogInput{Ref: p.ID, Kind: "message", At: at(a, "2026-11-21")}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkToday(b *testing.B) {
	a := benchApp(b)
	for b.Loop() {
		if _, err := a.Plan(context.Background(), false, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWeek(b *testing.B) {
	a := benchApp(b)
	for b.Loop() {
		if _, err := a.Plan(context.Background(), true, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOverdue(b *testing.B) {
	a := benchApp(b)
	for b.Loop() {
		if _, err := a.Overdue(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAssignmentNew(b *testing.B) {
	a := benchApp(b)
	for b.Loop() {
		if _, err := a.NewAssignment(context.Background(), "", 30, true); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReport30Days(b *testing.B) { benchReport(b, "") }

func BenchmarkReport6Months(b *testing.B) { benchReport(b, "2026-05-22") }

func BenchmarkReport2Years(b *testing.B) { benchReport(b, "2024-11-22") }

func benchReport(b *testing.B, since string) {
	a := benchApp(b)
	for b.Loop() {
		if _, err := a.Report(context.Background(), at(a, since), nil); err != nil {
			b.Fatal(err)
		}
	}
}

// The people index behind /people and its search: one page of a search,
// and a rebuild (each write makes the server rebuild it in the background).
func BenchmarkIndexSearch(b *testing.B) {
	a := benchApp(b)
	ix, err := a.PeopleIndex(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := ix.Page(PeopleFilter{Search: "an", Limit: 20}, 0, false); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIndexBuild(b *testing.B) {
	a := benchApp(b)
	for b.Loop() {
		if _, err := a.PeopleIndex(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// A member's index over the people read once (what a team's server rebuilds
// for each member): their figures and an order, not a copy of the people.
func BenchmarkIndexOver(b *testing.B) {
	a := benchApp(b)
	base, err := a.PeopleBase(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := a.PeopleIndexOver(context.Background(), base); err != nil {
			b.Fatal(err)
		}
	}
}
