package app

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/rapport-app/rapport/internal/demo"
	"github.com/rapport-app/rapport/internal/store/pgtest"
)

// The same network on both engines reads the same: a demo made on SQLite,
// backed up to JSON and restored on PostgreSQL, gives identical answers to
// every read of the method, and its backup from PostgreSQL is the same bytes.
func TestEnginesAgree(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("compares SQLite with PostgreSQL: run with " + pgtest.Engine + "=postgres")
	}
	ctx := context.Background()
	lite := newAppAt(t, filepath.Join(t.TempDir(), "lite.db"))
	must[*DemoResult](t)(lite.Demo(ctx, demo.Options{People: 150, Years: 2, Seed: 11}, nil))
	var backup bytes.Buffer
	if err := lite.ExportJSON(ctx, &backup); err != nil {
		t.Fatal(err)
	}
	pg := newAppAt(t, pgtest.URL(t))
	must[*RestoreSummary](t)(pg.RestoreJSON(ctx, bytes.NewReader(backup.Bytes()), "backup.json"))
	var again bytes.Buffer
	if err := pg.ExportJSON(ctx, &again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(backup.Bytes(), again.Bytes()) {
		t.Error("the backup from PostgreSQL differs from the one it was restored from")
	}
	people := must[[]PersonSummary](t)(lite.People(ctx, PeopleFilter{}))
	reads := map[string]func(a *App) (any, error){
		"people": func(a *App) (any, error) { return a.People(ctx, PeopleFilter{}) },
		"ladder": func(a *App) (any, error) { return a.Ladder(ctx) },
		"who":    func(a *App) (any, error) { return a.Who(ctx, "introduce", 20) },
		"today":  func(a *App) (any, error) { return a.Plan(ctx, false, 0) },
		"week":   func(a *App) (any, error) { return a.Plan(ctx, true, 0) },
		"report": func(a *App) (any, error) { return a.Report(ctx, nil, nil) },
		"year":   func(a *App) (any, error) { return a.Report(ctx, at(a, "2026-01-01"), nil) },
		"learn":  func(a *App) (any, error) { return a.Learn(ctx, "go", 3, 10) },
		"dupes":  func(a *App) (any, error) { return a.Dupes(ctx) },
	}
	for _, p := range people[:min(len(people), 12)] {
		id := p.ID
		reads["show "+p.Name] = func(a *App) (any, error) { return a.Show(ctx, id) }
		reads["why "+p.Name] = func(a *App) (any, error) { return a.Why(ctx, id, 5) }
		reads["intro "+p.Name] = func(a *App) (any, error) { return a.Intro(ctx, id, 5) }
		reads["ledger "+p.Name] = func(a *App) (any, error) { return a.Ledger(ctx, id) }
	}
	for name, read := range reads {
		l, err1 := read(lite)
		g, err2 := read(pg)
		if (err1 == nil) != (err2 == nil) {
			t.Errorf("%s: SQLite %v, PostgreSQL %v", name, err1, err2)
			continue
		}
		a, _ := json.Marshal(l)
		b, _ := json.Marshal(g)
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs:\nSQLite     %.300s\nPostgreSQL %.300s", name, a, b)
		}
	}
}
