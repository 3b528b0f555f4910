package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/demo"
	"github.com/rapport-app/rapport/internal/importer"
	"github.com/rapport-app/rapport/internal/model"
)

// replayReport is the report's figures computed the slow, obvious way: every
// tie replayed from its whole history at both ends, every interaction of the
// period read from the histories. The report reads tie snapshots and
// daily counts instead (store.StatesAt, store.ActivitySums); they must agree.
type replayReport struct {
	minutes, touches   Minutes
	rungs              map[string][2]int
	reached, responded int
	grew, faded        []string
}

func replayed(t *testing.T, a *App, start, end time.Time) replayReport {
	t.Helper()
	ctx := context.Background()
	tx := a.DB.View()
	p, kinds := must[model.Params](t)(a.params(ctx, tx)), must[map[string]rapport.Kind](t)(a.kindMap(ctx, tx))
	ties := must[[]tieRow](t)(a.allTies(ctx, tx))
	out := replayReport{rungs: map[string][2]int{}}
	from, to := map[string]float64{}, map[string]float64{}
	seen := map[string]bool{}
	for _, r := range ties {
		touches, hist, err := a.touches(ctx, tx, r.ID, kinds)
		if err != nil {
			t.Fatal(err)
		}
		a, b := model.TieOf(touches, start, p), model.TieOf(touches, end, p)
		from[r.ID], to[r.ID] = round1(a.Strength(start, p)), round1(b.Strength(end, p))
		var first *time.Time
		answered := false
		for _, h := range hist {
			if h.At.Before(start) || h.At.After(end) {
				continue
			}
			if h.By == rapport.ByMe && first == nil {
				first = &h.At
			} else if h.By != rapport.ByMe && first != nil && !h.At.Before(*first) {
				answered = true
			}
			if seen[h.ID] || !h.At.Before(end) || h.By == rapport.ByThem {
				continue
			}
			seen[h.ID] = true
			k := kinds[h.Kind]
			m := h.Minutes
			if m == 0 {
				m = k.Minutes
			}
			switch {
			case k.Shallow || k.Weight < 1:
				out.minutes.Light += m
				out.touches.Light++
			case h.Favour && k.OnLadder() && h.By == rapport.ByMe:
				out.minutes.Gives += m
				out.touches.Gives++
			default:
				out.minutes.Conversations += m
				out.touches.Conversations++
			}
		}
		if first != nil {
			out.reached++
			if answered {
				out.responded++
			}
		}
	}
	out.minutes.Total = out.minutes.Light + out.minutes.Conversations + out.minutes.Gives
	out.touches.Total = out.touches.Light + out.touches.Conversations + out.touches.Gives
	for _, k := range must[[]rapport.Kind](t)(tx.Kinds(ctx)) {
		if !k.OnLadder() {
			continue
		}
		var n [2]int
		for id := range from {
			if from[id] > 0 && from[id] >= *k.Threshold {
				n[0]++
			}
			if to[id] > 0 && to[id] >= *k.Threshold {
				n[1]++
			}
		}
		out.rungs[k.Name] = n
	}
	ids := make([]string, 0, len(from))
	for id := range from {
		if to[id] != from[id] {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		di, dj := to[ids[i]]-from[ids[i]], to[ids[j]]-from[ids[j]]
		if di != dj {
			return di > dj
		}
		return ids[i] < ids[j]
	})
	for i := 0; i < len(ids) && i < 5 && to[ids[i]] > from[ids[i]]; i++ {
		out.grew = append(out.grew, ids[i])
	}
	for i := len(ids) - 1; i >= 0 && len(out.faded) < 5 && to[ids[i]] < from[ids[i]]; i-- {
		out.faded = append(out.faded, ids[i])
	}
	return out
}

func checkReport(t *testing.T, a *App, since, until time.Time) {
	t.Helper()
	r := must[*Report](t)(a.Report(context.Background(), at(a, since.Format(time.RFC3339)), at(a, until.Format(time.RFC3339))))
	want := replayed(t, a, since, until)
	at := since.Format("2006-01-02 15:04") + " to " + until.Format("2006-01-02 15:04")
	if r.Minutes != want.minutes || r.Touches != want.touches {
		t.Errorf("%s: minutes %+v touches %+v, replay says %+v %+v", at, r.Minutes, r.Touches, want.minutes, want.touches)
	}
	if r.Outcomes.Reached != want.reached || r.Outcomes.Responded != want.responded {
		t.Errorf("%s: reached %d responded %d, replay says %d %d", at, r.Outcomes.Reached, r.Outcomes.Responded, want.reached, want.responded)
	}
	for _, m := range r.Rungs {
		if w := want.rungs[m.Action]; m.Start != w[0] || m.End != w[1] {
			t.Errorf("%s: rung %s %d → %d, replay says %d → %d", at, m.Action, m.Start, m.End, w[0], w[1])
		}
	}
	ids := func(ms []Move) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Person.ID)
		}
		return out
	}
	if g, f := ids(r.Grew), ids(r.Faded); !equalStrings(g, want.grew) || !equalStrings(f, want.faded) {
		t.Errorf("%s: grew %v faded %v, replay says %v %v", at, g, f, want.grew, want.faded)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The report's figures for any period are those of a full replay, before
// and after the past changes under it: an interaction logged or removed
// back in time, two people merged, the model's weights changed.
func TestReportMatchesReplay(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*DemoResult](t)(a.Demo(ctx, demo.Options{People: 40, Years: 3, Seed: 7}, nil))
	rng := rand.New(rand.NewPCG(3, 4))
	periods := func() {
		t.Helper()
		checkReport(t, a, now.AddDate(0, 0, -30), now)
		checkReport(t, a, now.AddDate(0, -6, 0), now)
		checkReport(t, a, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC))
		for range 4 {
			s := now.Add(-time.Duration(rng.Int64N(int64(3 * 365 * 24 * time.Hour))))
			e := s.Add(time.Duration(1 + rng.Int64N(int64(400*24*time.Hour)))).Truncate(time.Minute)
			if e.After(now) {
				e = now
			}
			checkReport(t, a, s, e)
		}
	}
	periods()
	built, days, ok, err := a.DB.View().SnapshotsBuilt(ctx)
	if err != nil || !ok || !days.Equal(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)) || !built.Equal(time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("snapshots built through %v, days %v (%v), want 2026-11-16 and 2026-11-22", built, days, ok)
	}

	people := must[[]PersonSummary](t)(a.People(ctx, PeopleFilter{Limit: 3}))
	// The past changes: a call and a give a year back, then two people become one.
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: people[0].ID, Kind: "call", By: "me", At: at(a, "2025-10-03")}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: people[1].ID, Kind: "help-hour", By: "me", At: at(a, "2025-12-24"), Favour: true}))
	if built, days, _, _ := a.DB.View().SnapshotsBuilt(ctx); !built.Equal(time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)) ||
		!days.Equal(time.Date(2025, 10, 3, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("a call logged on 2025-10-03 left the snapshots built through %v and days before %v, want cut back to 2025-10-01 and 2025-10-03", built, days)
	}
	periods()
	// An import of old mail, through the import's own writer.
	res := &importer.Result{}
	for i := range 30 {
		res.Touches = append(res.Touches, importer.Touch{Key: fmt.Sprintf("old%d", i), At: time.Date(2024, 6, 1+i, 9, 0, 0, 0, time.UTC),
			Kind: "email", By: rapport.ByThem, People: []importer.Person{{Name: people[i%3].Name}}, Where: "test"})
	}
	must[*ImportSummary](t)(a.Import(ctx, "test", res, false))
	periods()
	must[*PersonDetail](t)(a.Merge(ctx, people[1].ID, people[2].ID))
	periods()
	must[any](t)(nil, a.SetConfig(ctx, "half_life", "60"))
	periods()

	// Snapshots not built (a database that cannot be written is read so): a replay.
	must[any](t)(nil, a.SetConfig(ctx, "half_life", "45"))
	if _, _, ok, _ := a.DB.View().SnapshotsBuilt(ctx); ok {
		t.Fatal("snapshots still built after the model changed")
	}
	tx := a.DB.View()
	p, kinds := must[model.Params](t)(a.params(ctx, tx)), must[map[string]rapport.Kind](t)(a.kindMap(ctx, tx))
	at := now.AddDate(0, -3, 0)
	got, _, err := a.strengthsAt(ctx, tx, at, kinds, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range must[[]tieRow](t)(a.allTies(ctx, tx)) {
		touches, _, err := a.touches(ctx, tx, r.ID, kinds)
		if err != nil {
			t.Fatal(err)
		}
		tie := model.TieOf(touches, at, p)
		if want := round1(tie.Strength(at, p)); got[r.ID] != want {
			t.Errorf("%s at %s without snapshots: %.1f, replay says %.1f", r.ID, at, got[r.ID], want)
		}
	}
}
