package app

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// Rebuilding from the log gives the ties that constant-time updates built
// (logged here out of time order, so up to rounding), and the snapshots made with the old ties go with them.
func TestRebuildTiesMatchesIncremental(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ada", PersonEdit{}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Bob", PersonEdit{}))
	for i, k := range []string{"call", "like", "meal", "email", "help-hour", "view"} {
		in := LogInput{Ref: "ada", Kind: k, By: []rapport.By{"me", "them", "both"}[i%3], Minutes: 10 * i, At: ptr(now.AddDate(0, 0, -37*i))}
		if i%2 == 0 {
			in.With = []string{"bob"}
		}
		must[*rapport.Interaction](t)(a.Log(ctx, in))
	}
	must[*Report](t)(a.Report(ctx, ptr(now.AddDate(0, -8, 0)), nil)) // builds snapshots
	before := must[[]tieRow](t)(a.allTies(ctx, a.DB.View()))
	if len(before) != 2 {
		t.Fatalf("%d ties", len(before))
	}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		p, kinds, err := a.modelOf(ctx, tx)
		if err != nil {
			return err
		}
		n, err := rebuildTies(ctx, tx, kinds, p)
		if n != 2 {
			t.Errorf("rebuilt %d ties", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p := model.DefaultParams()
	for _, want := range before {
		got := must[model.Tie](t)(a.loadTie(ctx, a.DB.View(), want.ID))
		if g, w := got.Strength(now, p), want.Tie.Strength(now, p); math.Abs(g-w) > 1e-9 || got.Touches != want.Tie.Touches || got.First != want.Tie.First {
			t.Errorf("%s: rebuilt %+v\nincremental %+v", want.ID, got, want.Tie)
		}
	}
	if _, _, built, err := a.DB.View().SnapshotsBuilt(ctx); built || err != nil {
		t.Errorf("snapshots made with the old ties kept after a rebuild (%v)", err)
	}
}

func TestTieEncodingRoundTrips(t *testing.T) {
	for _, tie := range []model.Tie{
		{Ref: now, Depth: 1.0 / 3, Shallow: 2.5e-9, Me: 12345.678, Them: 0, Seen: now, Modes: 31, Touches: 7},
		{Ref: now, First: now.AddDate(-3, 0, 0), Last: now, Seen: now, Depth: 3, Touches: 1},
	} {
		tie.Ref, tie.Seen = tie.Ref.Truncate(time.Millisecond), tie.Seen.Truncate(time.Millisecond)
		got, err := decodeTie(encodeTie(tie))
		if err != nil {
			t.Fatal(err)
		}
		if got != tie {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, tie)
		}
		s := &tieState{Tie: tie, Reach: model.Reach{LastMe: now.UTC().Truncate(time.Millisecond)}}
		if back, err := decodeTieState(encodeTieState(s)); err != nil || *back != *s {
			t.Errorf("state round trip: %+v, %v", back, err)
		}
	}
	wrongFormat := encodeTie(model.Tie{})
	wrongFormat[0] = 9
	for _, bad := range [][]byte{nil, {1, 2, 3}, wrongFormat} {
		if _, err := decodeTie(bad); err == nil {
			t.Errorf("decodeTie(%v) accepted", bad)
		}
	}
}
