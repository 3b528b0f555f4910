package app

import (
	"context"
	"testing"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/demo"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// tiesMatchHistory checks every stored tie against a replay of what remains.
func tiesMatchHistory(t *testing.T, a *App, after string) {
	t.Helper()
	ctx := context.Background()
	tx := a.DB.View()
	p, kinds := must[model.Params](t)(a.params(ctx, tx)), must[map[string]rapport.Kind](t)(a.kindMap(ctx, tx))
	stored := map[string]float64{}
	for _, r := range must[[]tieRow](t)(a.allTies(ctx, tx)) {
		stored[r.ID] = round1(r.Tie.Strength(now, p))
	}
	for _, id := range must[[]string](t)(tx.PersonIDs(ctx)) {
		touches, _, err := a.touches(ctx, tx, id, kinds)
		if err != nil {
			t.Fatal(err)
		}
		tie := model.TieOf(touches, now, p)
		if want := round1(tie.Strength(now, p)); stored[id] != want {
			t.Errorf("after %s: %s stored %.1f, history says %.1f", after, id, stored[id], want)
		}
	}
}

// Taking back an interaction (deleted, edited, undone) or a person leaves
// every tie, the report's snapshots and the touches in step with what
// remains; a person with a history goes only when confirmed.
func TestTakingThingsBack(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*DemoResult](t)(a.Demo(ctx, demo.Options{People: 30, Years: 2, Seed: 3}, nil))
	checkReport(t, a, now.AddDate(0, -8, 0), now)
	people := must[[]PersonSummary](t)(a.People(ctx, PeopleFilter{Limit: 5}))
	hist := must[[]store.HistoryItem](t)(a.DB.View().History(ctx, people[0].ID))
	if len(hist) < 3 {
		t.Fatalf("%s has %d interactions", people[0].Name, len(hist))
	}

	// Edit: half a year earlier, longer, another kind.
	when, mins, kind := hist[len(hist)-1].At.AddDate(0, -6, 0), 90, "meal"
	in := must[*rapport.Interaction](t)(a.EditInteraction(ctx, hist[len(hist)-1].ID[len(hist[0].ID)-8:], InteractionEdit{At: &when, Minutes: &mins, Kind: &kind}))
	if in.Kind != "meal" || in.Minutes != 90 {
		t.Errorf("edited: %+v", in)
	}
	tiesMatchHistory(t, a, "an edit")
	checkReport(t, a, now.AddDate(0, -8, 0), now)

	// Delete one, then undo the last logged.
	must[*rapport.Interaction](t)(a.DeleteInteraction(ctx, hist[0].ID))
	if _, err := a.DB.View().Interaction(ctx, hist[0].ID); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("the deleted interaction is still there: %v", err)
	}
	logged := must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: people[1].ID, Kind: "call", By: "me", At: at(a, "2026-03-01")}))
	undone := must[*rapport.Interaction](t)(a.Undo(ctx))
	if undone.ID != logged.ID {
		t.Errorf("undo took back %s, not the call just logged (%s)", undone.ID, logged.ID)
	}
	tiesMatchHistory(t, a, "a delete and an undo")
	checkReport(t, a, now.AddDate(0, -8, 0), now)

	// A person with a history goes only when confirmed; the others of their
	// group interactions keep them.
	group := must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: people[2].ID, With: []string{people[3].ID}, Kind: "meeting", By: "both", At: at(a, "2026-10-01")}))
	if _, err := a.DeletePerson(ctx, people[2].ID, false); rapport.ErrorCode(err) != rapport.ECONFLICT {
		t.Fatalf("deleting a person with a history unconfirmed: %v", err)
	}
	res := must[*DeleteResult](t)(a.DeletePerson(ctx, people[2].ID, true))
	if res.Interactions == 0 {
		t.Errorf("deleted %+v", res)
	}
	left := must[rapport.Interaction](t)(a.DB.View().Interaction(ctx, group.ID))
	if len(left.People) != 1 || left.People[0].ID != people[3].ID {
		t.Errorf("the group meeting after deleting one of two: %+v", left.People)
	}
	if _, err := a.Show(ctx, people[2].ID); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("the deleted person is still there: %v", err)
	}
	tiesMatchHistory(t, a, "deleting a person")
	checkReport(t, a, now.AddDate(0, -8, 0), now)
	if _, err := a.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	tiesMatchHistory(t, a, "an undo after deleting a person")
}
