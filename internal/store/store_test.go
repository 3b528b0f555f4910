package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/store/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// dbPath names a new database for a test: a file, or with
// RAPPORT_TEST_ENGINE=postgres a database in a throwaway cluster.
func dbPath(t *testing.T) string {
	t.Helper()
	if pgtest.Enabled() {
		return pgtest.URL(t)
	}
	return filepath.Join(t.TempDir(), "sub", "r.db")
}

// sqliteOnly skips a test of SQLite's own file handling on PostgreSQL.
func sqliteOnly(t *testing.T) {
	t.Helper()
	if pgtest.Enabled() {
		t.Skip("SQLite's own behaviour")
	}
}

func open(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), dbPath(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var t0 = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func save(t *testing.T, db *DB, p rapport.Person) {
	t.Helper()
	if p.CreatedAt.IsZero() {
		p.CreatedAt, p.UpdatedAt = t0, t0
	}
	if err := db.Update(context.Background(), func(tx *Tx) error { return tx.SavePerson(context.Background(), &p) }); err != nil {
		t.Fatal(err)
	}
}

func TestOpenSeedsKindsOnce(t *testing.T) {
	path := dbPath(t)
	for range 2 {
		db, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		ks, err := db.View().Kinds(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(ks) != len(rapport.DefaultKinds()) {
			t.Fatalf("%d kinds after open, want %d", len(ks), len(rapport.DefaultKinds()))
		}
		db.Close()
	}
}

func TestNewerSchemaIsRefusedAndUntouched(t *testing.T) {
	sqliteOnly(t)
	path := filepath.Join(t.TempDir(), "r.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	future := SchemaVersion() + 5
	if _, err := db.sql.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, 1)`, future); err != nil {
		t.Fatal(err)
	}
	if _, err := db.sql.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	_, err = Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "newer Rapport") || rapport.ErrorCode(err) != rapport.EINVALID {
		t.Fatalf("open of a newer schema: %v, want a refusal naming a newer Rapport", err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(before) != string(after) {
		t.Error("the refused database file was changed")
	}
}

func TestResolve(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	save(t, db, rapport.Person{ID: "0190aaaa-0000-7000-8000-00000000a1a1", Name: "Ada Lovelace", Emails: []string{"Ada@Example.com"}})
	save(t, db, rapport.Person{ID: "0190aaaa-0000-7000-8000-00000000b2b2", Name: "Ada Byron"})
	save(t, db, rapport.Person{ID: "0190aaab-0000-7000-8000-00000000c3c3", Name: "Grace Hopper"})
	save(t, db, rapport.Person{ID: "0190aaab-0000-7000-8000-00000000d4d4", Name: "Ann"})
	save(t, db, rapport.Person{ID: "0190aaab-0000-7000-8000-00000000e5e5", Name: "Annabel Lee"})
	save(t, db, rapport.Person{ID: "0190aaab-0000-7000-8000-00000000f6f6", Name: "José García"})

	for _, c := range []struct {
		ref, want, code string
	}{
		{"0190aaaa-0000-7000-8000-00000000a1a1", "Ada Lovelace", ""},
		{"0190aaab-0000-7000-8000-00000000c", "Grace Hopper", ""},
		{"00c3c3", "Grace Hopper", ""},     // unique suffix
		{"0190aa", "", rapport.EAMBIGUOUS}, // prefix shared by all
		{"ada@example.COM", "Ada Lovelace", ""},
		{"  grace HOPPER ", "Grace Hopper", ""},
		{"hopp", "Grace Hopper", ""},
		{"ada", "", rapport.EAMBIGUOUS},
		{"ann", "Ann", ""}, // an exact name wins over fragments
		{"lovelace", "Ada Lovelace", ""},
		{"garcia", "José García", ""}, // accents do not matter
		{"JOSÉ", "José García", ""},
		{"nobody", "", rapport.ENOTFOUND},
		{"", "", rapport.EINVALID},
		{"50%", "", rapport.ENOTFOUND}, // LIKE wildcards are literal
		{"_", "", rapport.ENOTFOUND},
	} {
		r, err := db.View().Resolve(ctx, c.ref)
		if c.code != "" {
			if rapport.ErrorCode(err) != c.code {
				t.Errorf("Resolve(%q) = %v, %v; want code %s", c.ref, r, err, c.code)
			}
			continue
		}
		if err != nil || r.Name != c.want {
			t.Errorf("Resolve(%q) = %v, %v; want %s", c.ref, r, err, c.want)
		}
	}
	_, err := db.View().Resolve(ctx, "ada")
	if e, ok := err.(*rapport.Error); !ok || len(e.Candidates) != 2 {
		t.Errorf("ambiguous ada: %#v, want two candidates", err)
	}
}

func TestHandleConflict(t *testing.T) {
	db := open(t)
	save(t, db, rapport.Person{ID: "a", Name: "Ada", Emails: []string{"ada@example.com"}, Phones: []string{"+44 20 7946 0000"}})
	for _, p := range []rapport.Person{
		{ID: "b", Name: "Other", Emails: []string{"ADA@example.com"}},
		{ID: "c", Name: "Other", Phones: []string{"+44 (20) 7946-0000"}},
	} {
		p.CreatedAt = t0
		err := db.Update(context.Background(), func(tx *Tx) error { return tx.SavePerson(context.Background(), &p) })
		if rapport.ErrorCode(err) != rapport.ECONFLICT || !strings.Contains(err.Error(), "Ada") {
			t.Errorf("saving %v: %v, want a conflict naming Ada", p, err)
		}
	}
	n, _ := db.View().CountPeople(context.Background())
	if n != 1 {
		t.Errorf("%d people after refused saves, want 1", n)
	}
}

func TestPersonRoundTrip(t *testing.T) {
	db := open(t)
	due := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	in := rapport.Person{ID: "p1", Name: "Ada Lovelace", Emails: []string{"ada@example.com", "ada@work.example"},
		Phones: []string{"+1 555 0100"}, URLs: []string{"https://linkedin.com/in/ada"}, Org: "AE", Title: "Countess",
		Tags: []string{"math", "mentor"}, Met: "at a salon",
		Notes:     []rapport.Item{{ID: "n1", Text: "likes poetry", At: t0}},
		Wants:     []rapport.Item{{ID: "w1", Text: "a first hire", At: t0, Due: &due}},
		Offers:    []rapport.Item{{ID: "o1", Text: "code review", At: t0}},
		CreatedAt: t0, UpdatedAt: t0}
	save(t, db, in)
	got, err := db.View().Person(context.Background(), "p1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != in.Name || got.Org != in.Org || len(got.Emails) != 2 || got.Emails[1] != "ada@work.example" ||
		len(got.Tags) != 2 || got.Wants[0].Due == nil || !got.Wants[0].Due.Equal(due) || got.Notes[0].Text != "likes poetry" ||
		got.Offers[0].Text != "code review" || got.URLs[0] != in.URLs[0] || got.Phones[0] != in.Phones[0] {
		t.Errorf("round trip changed the person:\n got %+v\nwant %+v", got, in)
	}
	if _, err := db.View().Person(context.Background(), "nope"); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("missing person: %v, want not found", err)
	}
}

// BulkUpdate leaves foreign keys unchecked for its own transaction only:
// what it let through is found by ForeignKeyViolations, the pool's
// connections still refuse a dangling reference afterwards, and a conflict
// still undoes the whole bulk write.
func TestBulkUpdateForeignKeys(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	db := open(t)
	save(t, db, rapport.Person{ID: "p1", Name: "Ada"})
	dangling := []rapport.Interaction{{ID: "i1", At: t0, Kind: "email", By: rapport.ByMe, People: []rapport.PersonRef{{ID: "nobody"}}}}
	if err := db.BulkUpdate(ctx, func(tx *Tx) error { return tx.InsertInteractions(ctx, dangling, 1, nil) }); err != nil {
		t.Fatal(err)
	}
	bad, err := db.ForeignKeyViolations(ctx)
	if err != nil || len(bad) != 1 || !strings.HasPrefix(bad[0], "interaction_people ") {
		t.Fatalf("violations = %q, %v; want the one dangling participant", bad, err)
	}
	for range 4 { // every pooled connection, not only the one the bulk write used
		err := db.Update(ctx, func(tx *Tx) error {
			return tx.InsertInteractions(ctx, []rapport.Interaction{{ID: "i2", At: t0, Kind: "email", By: rapport.ByMe, People: []rapport.PersonRef{{ID: "nobody"}}}}, 1, nil)
		})
		if err == nil {
			t.Fatal("a dangling reference was accepted after BulkUpdate")
		}
	}

	twice := []rapport.Interaction{
		{ID: "i3", At: t0, Kind: "email", By: rapport.ByMe, People: []rapport.PersonRef{{ID: "p1"}}},
		{ID: "i1", At: t0, Kind: "email", By: rapport.ByMe, People: []rapport.PersonRef{{ID: "p1"}}},
	}
	err = db.BulkUpdate(ctx, func(tx *Tx) error { return tx.InsertInteractions(ctx, twice, 1, nil) })
	if rapport.ErrorCode(err) != rapport.ECONFLICT {
		t.Fatalf("err = %v, want a conflict", err)
	}
	if n, err := db.View().CountInteractions(ctx, "p1"); err != nil || n != 0 {
		t.Fatalf("p1 has %d interactions after a failed bulk write (%v), want 0", n, err)
	}
}

// A bulk insert that outgrows its tables builds their indexes again at the
// end: the same indexes, holding every row; and a bulk insert that fails
// leaves them as they were.
func TestBulkInsertKeepsIndexes(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	db := open(t)
	save(t, db, rapport.Person{ID: "p1", Name: "Ada"})
	save(t, db, rapport.Person{ID: "p2", Name: "Grace"})
	indexes := func() string {
		rows, err := db.sql.QueryContext(ctx, `SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return strings.Join(out, "\n")
	}
	want := indexes()
	var items []rapport.Interaction
	for i := range 1500 {
		items = append(items, rapport.Interaction{ID: fmt.Sprintf("i%05d", i), At: t0.Add(time.Duration(i) * time.Minute), Kind: "email", By: rapport.ByMe,
			People: []rapport.PersonRef{{ID: []string{"p1", "p2"}[i%2]}}})
	}
	if err := db.BulkUpdate(ctx, func(tx *Tx) error { return tx.InsertInteractions(ctx, items, 1, nil) }); err != nil {
		t.Fatal(err)
	}
	if got := indexes(); got != want {
		t.Fatalf("indexes after a bulk insert:\n%s\nwant:\n%s", got, want)
	}
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM interaction_people INDEXED BY interaction_people_person WHERE person_id = 'p2'`).Scan(&n); err != nil || n != 750 {
		t.Fatalf("p2 has %d rows through the person index (%v), want 750", n, err)
	}
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM interactions INDEXED BY interactions_at WHERE at_ms >= ?`, ms(t0.Add(1000*time.Minute))).Scan(&n); err != nil || n != 500 {
		t.Fatalf("%d interactions through the time index (%v), want 500", n, err)
	}

	for i := range items {
		items[i].ID = fmt.Sprintf("j%05d", i)
	}
	items[len(items)-1].ID = "i00000" // taken: the whole write fails
	err := db.BulkUpdate(ctx, func(tx *Tx) error { return tx.InsertInteractions(ctx, items, 1, nil) })
	if rapport.ErrorCode(err) != rapport.ECONFLICT {
		t.Fatalf("err = %v, want a conflict", err)
	}
	if got := indexes(); got != want {
		t.Fatalf("indexes after a failed bulk insert:\n%s\nwant:\n%s", got, want)
	}
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM interactions`).Scan(&n); err != nil || n != 1500 {
		t.Fatalf("%d interactions after a failed bulk insert (%v), want 1500", n, err)
	}
}

// A new database gets 16 KB pages; one made with SQLite's default 4 KB pages
// (by an earlier Rapport) keeps them and works as before.
func TestPageSize(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	pageSize := func(db *DB) int {
		var n int
		if err := db.sql.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := pageSize(open(t)); n != 16384 {
		t.Errorf("new database: %d-byte pages, want 16384", n)
	}

	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Exec(`PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; PRAGMA user_version = 1`); err != nil {
		t.Fatal(err)
	}
	old.Close()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	save(t, db, rapport.Person{ID: "p1", Name: "Ada"})
	if n := pageSize(db); n != 4096 {
		t.Errorf("existing database: %d-byte pages, want its 4096 kept", n)
	}
	if p, err := db.View().Person(ctx, "p1"); err != nil || p.Name != "Ada" {
		t.Errorf("existing database: %+v, %v", p, err)
	}
}

// The replay reads touches a page at a time: touches read across many small
// pages, with several at the same moment straddling their edges, are the
// touches read at once, in the same order.
func TestReplayAcrossPages(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	var people []rapport.PersonRef
	for i := range 5 {
		id := fmt.Sprintf("p%d", i)
		save(t, db, rapport.Person{ID: id, Name: fmt.Sprintf("Person %d", i)})
		people = append(people, rapport.PersonRef{ID: id})
	}
	var items []rapport.Interaction
	for i := range 120 {
		at := t0.Add(-time.Duration(i/3) * 37 * time.Hour) // three at each moment
		items = append(items, rapport.Interaction{ID: fmt.Sprintf("i%03d", i), At: at, Kind: []string{"call", "meeting", "email"}[i%3], By: rapport.ByMe,
			People: people[i%4 : i%4+1+i%2]})
	}
	if err := db.Update(ctx, func(tx *Tx) error { return tx.InsertInteractions(ctx, items, ms(t0), nil) }); err != nil {
		t.Fatal(err)
	}
	read := func(tx *Tx) (out []Touch) {
		if err := tx.Touches(ctx, time.Time{}, t0.Add(time.Millisecond), func(r Touch) error {
			out = append(out, r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	whole := read(db.View())
	if len(whole) != 180 { // 120 interactions, every other one with two people
		t.Fatalf("%d touches, want 180", len(whole))
	}
	for _, size := range []int{1, 2, 3, 7} {
		tx := db.View()
		tx.foldPage = size
		if paged := read(tx); !reflect.DeepEqual(paged, whole) {
			t.Errorf("pages of %d: %d touches differ from the %d read at once", size, len(paged), len(whole))
		}
	}
}
