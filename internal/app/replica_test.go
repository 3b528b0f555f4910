package app

import (
	"context"
	"database/sql"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/rapport-app/rapport/internal/store/pgtest"
)

// Reads scale on PostgreSQL's own replication: with a streaming replica
// (made by pg_basebackup) the team's views and searches are read there, and
// writes go to the primary; a replica that lags shows the team the past,
// while a member who just wrote reads the primary and sees their write.
func TestTeamViewsReadFromAReplica(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("replication is PostgreSQL's: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	ctx := context.Background()
	primaryURL, replicaURL := pgtest.Replica(t)
	dir, err := Open(ctx, primaryURL, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dir.Close() })
	pat := must[*Invitation](t)(dir.TeamInit(ctx, "Acme Partners", "Pat <pat@acme.example>")).Member
	ann := must[*Invitation](t)(dir.TeamInvite(ctx, "Acme Partners", "Ann <ann@acme.example>", "member")).Member
	asPat, asAnn := WithMember(ctx, &pat), WithMember(ctx, &ann)
	prim, err := sql.Open("pgx", primaryURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { prim.Close() })
	rep, err := sql.Open("pgx", replicaURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rep.Close() })
	// The primary's insert position (not its write position: the test
	// cluster commits without waiting for the WAL writer) reached by the
	// replica's replay.
	caughtUp := func() {
		t.Helper()
		var lsn string
		if err := prim.QueryRowContext(ctx, `SELECT pg_current_wal_insert_lsn()::text`).Scan(&lsn); err != nil {
			t.Fatal(err)
		}
		for range 200 {
			var ok bool
			if err := rep.QueryRowContext(ctx, `SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn`, lsn).Scan(&ok); err == nil && ok {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatal("the replica did not catch up in 10 s")
	}
	caughtUp()
	r, err := Open(ctx, replicaURL, func() time.Time { return now })
	if err != nil {
		t.Fatalf("open the replica: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	dir.SetReplica(r, 3*time.Second)
	a := must[*App](t)(dir.Workspace(ctx, pat.Workspace.ID))
	t.Cleanup(func() { a.Close() })
	if a.replica == nil {
		t.Fatal("the workspace has no replica")
	}
	must[*PersonDetail](t)(a.AddPerson(asPat, "Xavier Xu", PersonEdit{}))
	caughtUp()
	time.Sleep(3100 * time.Millisecond) // past Pat's fresh window
	// The replica stops replaying: what is written now reaches it later.
	if _, err := rep.ExecContext(ctx, `SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	must[*PersonDetail](t)(a.AddPerson(asAnn, "Yara Yi", PersonEdit{}))
	if l := must[*TeamLadder](t)(a.TeamLadder(asPat)); l.Contacts != 1 {
		t.Errorf("pat's team ladder counts %d contacts, want 1: read from the paused replica", l.Contacts)
	}
	if l := must[*TeamLadder](t)(a.TeamLadder(asAnn)); l.Contacts != 2 {
		t.Errorf("ann's team ladder counts %d contacts, want 2: she just wrote, and reads the primary", l.Contacts)
	}
	if ix := must[*PeopleIndex](t)(a.PeopleIndex(asPat)); ix.Len() != 1 {
		t.Errorf("pat's search holds %d people, want the replica's 1", ix.Len())
	}
	if n := must[int](t)(a.CountPeople(asPat)); n != 2 {
		t.Errorf("the primary holds %d people, want 2", n)
	}
	if _, err := rep.ExecContext(ctx, `SELECT pg_wal_replay_resume()`); err != nil {
		t.Fatal(err)
	}
	caughtUp()
	if l := must[*TeamLadder](t)(a.TeamLadder(asPat)); l.Contacts != 2 {
		t.Errorf("after the replica caught up pat counts %d contacts, want 2", l.Contacts)
	}
}
