package store

import (
	"context"
	"testing"
	"time"
)

func TestWatcherSeesCommitsFromAnyConnection(t *testing.T) {
	ctx := context.Background()
	path := dbPath(t)
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w, err := db.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	v0, _ := w.Version(ctx)
	if v, _ := w.Version(ctx); v != v0 {
		t.Fatalf("version moved with no change: %d → %d", v0, v)
	}
	// A write through the pool, then one from another handle (another process, as far as SQLite knows).
	if err := db.Update(ctx, func(tx *Tx) error { return tx.SetSetting(ctx, "budget.day", "30") }); err != nil {
		t.Fatal(err)
	}
	v1, _ := w.Version(ctx)
	if v1 == v0 {
		t.Fatal("a commit through the pool did not move the version")
	}
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.Update(ctx, func(tx *Tx) error { return tx.SetSetting(ctx, "budget.day", "40") }); err != nil {
		t.Fatal(err)
	}
	// On PostgreSQL another process's commit is heard moments later.
	for start := time.Now(); ; time.Sleep(10 * time.Millisecond) {
		if v2, _ := w.Version(ctx); v2 != v1 {
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("a commit from another handle did not move the version")
		}
	}
	// A transaction that wrote nothing changes nothing.
	v3, _ := w.Version(ctx)
	if err := db.Update(ctx, func(tx *Tx) error { _, err := tx.Settings(ctx); return err }); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if v4, _ := w.Version(ctx); v4 != v3 {
		t.Errorf("a read-only transaction moved the version: %d → %d", v3, v4)
	}
	if err := w.Close(); err != nil {
		t.Error(err)
	}
}
