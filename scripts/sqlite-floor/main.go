// Command sqlite-floor measures how long SQLite itself takes to store what a
// 200,000-message mbox import stores: 160,000 interactions and ~210,000
// participant rows with Rapport's schema, and since issue 13 their copy in time
// order (touches, ~210,000 rows), in one transaction, with the cgo
// driver (mattn/go-sqlite3, SQLite compiled from C) and with the pure-Go
// driver Rapport uses (modernc.org/sqlite). No parsing, no matching: the
// floor under the import's write phase. It is a module of its own so that
// Rapport itself never depends on cgo. Needs a C compiler:
//
//	cd scripts/sqlite-floor && go run . [DIR]
//
// See docs/benchmarks.md for the figures and what they mean for issue 4.
package main

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	_ "github.com/mattn/go-sqlite3"
	_ "modernc.org/sqlite"
)

// The tables an import writes, as internal/store/migrations creates them.
const schema = `
CREATE TABLE kinds (name TEXT PRIMARY KEY);
INSERT INTO kinds VALUES ('email');
CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE interactions (id TEXT PRIMARY KEY, at_ms BIGINT NOT NULL, kind TEXT NOT NULL REFERENCES kinds (name),
  by_side TEXT NOT NULL, channel TEXT NOT NULL DEFAULT '', minutes INTEGER NOT NULL DEFAULT 0, note TEXT NOT NULL DEFAULT '',
  participants INTEGER NOT NULL, created_ms BIGINT NOT NULL);
CREATE INDEX interactions_at ON interactions (at_ms);
CREATE TABLE interaction_people (interaction_id TEXT NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
  person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE, strength_before DOUBLE PRECISION,
  PRIMARY KEY (interaction_id, person_id));
CREATE INDEX interaction_people_person ON interaction_people (person_id, interaction_id);
CREATE TABLE touches (at_ms BIGINT NOT NULL, person_id TEXT NOT NULL, interaction_id TEXT NOT NULL, kind TEXT NOT NULL,
  by_side TEXT NOT NULL, minutes INTEGER NOT NULL, participants INTEGER NOT NULL,
  PRIMARY KEY (at_ms, person_id, interaction_id)) WITHOUT ROWID;
`

type variant struct {
	name       string
	foreignKey bool // checked row by row
	indexLater bool // secondary indexes built after the insert, 16 KB pages (what the import does)
}

func main() {
	dir := os.TempDir()
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	people, ins, links, touches := data()
	for _, v := range []variant{{"as first written", true, false}, {"as the import writes now", false, true}} {
		for _, drv := range []string{"sqlite3", "sqlite"} {
			insert, total, err := run(drv, filepath.Join(dir, "sqlite-floor-"+drv+".db"), v, people, ins, links, touches)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			name := map[string]string{"sqlite3": "cgo (mattn/go-sqlite3)", "sqlite": "pure Go (modernc.org/sqlite)"}[drv]
			fmt.Printf("%-26s %-30s inserts %.2f s, with indexes and commit %.2f s\n", v.name, name, insert.Seconds(), total.Seconds())
		}
	}
}

// data makes 2,000 people and 160,000 interactions with one or two of them,
// ids UUIDv7 from their times (as the import's are), in id order.
func data() (people, ins, links, touches [][]any) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		people = append(people, []any{uuid.Must(uuid.NewV7()).String(), fmt.Sprintf("Person %d", i)})
	}
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	type touch struct {
		id string
		at int64
	}
	ts := make([]touch, 160000)
	for i := range ts {
		at := now.Add(-time.Duration(r.IntN(3*365*24*60)) * time.Minute)
		var u uuid.UUID
		ms := uint64(at.UnixMilli())
		for k := range 6 {
			u[k] = byte(ms >> (40 - 8*k))
		}
		for k := 6; k < 16; k++ {
			u[k] = byte(r.IntN(256))
		}
		u[6], u[8] = u[6]&0x0f|0x70, u[8]&0x3f|0x80
		ts[i] = touch{u.String(), at.UnixMilli()}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].id < ts[j].id })
	for i, t := range ts {
		a, b := r.IntN(len(people)), r.IntN(len(people))
		who := []string{people[a][0].(string)}
		links = append(links, []any{t.id, who[0], r.Float64()})
		if r.IntN(3) == 0 && a != b {
			who = append(who, people[b][0].(string))
			links = append(links, []any{t.id, who[1], r.Float64()})
		}
		ins = append(ins, []any{t.id, t.at, "email", "me", "email", 0, fmt.Sprintf("Re: the budget for next week's review, part %d", i), len(who), now.UnixMilli()})
		for _, p := range who {
			touches = append(touches, []any{t.at, p, t.id, "email", "me", 0, len(who)})
		}
	}
	// In their key's order: the cheapest way in for SQLite.
	sort.Slice(touches, func(i, j int) bool {
		a, b := touches[i], touches[j]
		if a[0].(int64) != b[0].(int64) {
			return a[0].(int64) < b[0].(int64)
		}
		if a[1].(string) != b[1].(string) {
			return a[1].(string) < b[1].(string)
		}
		return a[2].(string) < b[2].(string)
	})
	return people, ins, links, touches
}

func run(drv, path string, v variant, people, ins, links, touches [][]any) (insert, total time.Duration, err error) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	defer func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
	}()
	db, err := sql.Open(drv, path)
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	fk, pages := "ON", "4096"
	if !v.foreignKey {
		fk = "OFF"
	}
	if v.indexLater {
		pages = "16384" // as store.Open makes a new database
	}
	for _, q := range []string{"PRAGMA page_size=" + pages, "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-262144", schema, "PRAGMA foreign_keys=" + fk} {
		if _, err := db.Exec(q); err != nil {
			return 0, 0, fmt.Errorf("%s: %w", q, err)
		}
	}
	tx, err := db.Begin()
	if err != nil {
		return 0, 0, err
	}
	if err := batches(tx, "INSERT INTO", "people", people); err != nil {
		return 0, 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if tx, err = db.Begin(); err != nil {
		return 0, 0, err
	}
	verb := "INSERT INTO"
	if v.indexLater {
		verb = "INSERT OR ROLLBACK INTO"
		for _, q := range []string{"PRAGMA threads = 2", "DROP INDEX interactions_at", "DROP INDEX interaction_people_person"} {
			if _, err := tx.Exec(q); err != nil {
				return 0, 0, err
			}
		}
	}
	if err := batches(tx, verb, "interactions", ins); err != nil {
		return 0, 0, err
	}
	if err := batches(tx, verb, "interaction_people", links); err != nil {
		return 0, 0, err
	}
	if err := batches(tx, verb, "touches", touches); err != nil {
		return 0, 0, err
	}
	insert = time.Since(start)
	if v.indexLater {
		for _, q := range []string{"CREATE INDEX interactions_at ON interactions (at_ms)", "CREATE INDEX interaction_people_person ON interaction_people (person_id, interaction_id)"} {
			if _, err := tx.Exec(q); err != nil {
				return 0, 0, err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, err
	}
	return insert, time.Since(start), nil
}

// batches inserts rows in multi-row statements of ~30,000 values, as
// internal/store does.
func batches(tx *sql.Tx, verb, table string, rows [][]any) error {
	width := len(rows[0])
	row := "(?" + strings.Repeat(", ?", width-1) + ")"
	per := 30000 / width
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		args := make([]any, 0, len(chunk)*width)
		for _, r := range chunk {
			args = append(args, r...)
		}
		q := verb + " " + table + " VALUES " + row + strings.Repeat(", "+row, len(chunk)-1)
		if table == "interactions" {
			q = verb + " " + table + " (id, at_ms, kind, by_side, channel, minutes, note, participants, created_ms) VALUES " + row + strings.Repeat(", "+row, len(chunk)-1)
		}
		if _, err := tx.Exec(q, args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}
