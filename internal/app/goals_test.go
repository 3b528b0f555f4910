package app

import (
	"context"
	"strings"
	"testing"

	"github.com/rapport-app/rapport"
)

func TestGoalHelpersRankedByMatchAndTie(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Vera", PersonEdit{AddTags: []string{"investor"}}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Walt", PersonEdit{AddTags: []string{"investor"}}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Xena", PersonEdit{AddOffers: []string{"intros to seed investors"}}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Yuri", PersonEdit{AddTags: []string{"design"}, AddOffers: []string{"logo design"}}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "walt", Kind: "meal", At: at(a, "2026-11-01")}))
	g := must[*rapport.Goal](t)(a.AddGoal(ctx, "raise a seed round", []string{"Investor"}, at(a, "2027-06-30")))
	v := must[*GoalView](t)(a.ShowGoal(ctx, g.ID[len(g.ID)-8:], 0))
	var names []string
	for _, h := range v.Helpers {
		names = append(names, h.Person.Name)
	}
	if got := fmtList(names); got != "[Walt Vera Xena]" {
		t.Errorf("helpers = %s, want Walt (tag, and a tie) before Vera (tag) before Xena (an offer), and no Yuri", got)
	}
	if len(v.Helpers) > 0 && len(v.Helpers[0].Why) < 2 {
		t.Errorf("why = %v", v.Helpers[0].Why)
	}
	must[*rapport.Goal](t)(a.GoalDone(ctx, g.ID))
	if gs := must[[]rapport.Goal](t)(a.Goals(ctx)); gs[0].Done == nil {
		t.Error("goal not marked done")
	}
	if _, err := a.AddGoal(ctx, "x", nil, ptr(rapport.MaxTime)); err == nil {
		t.Error("a due date past the range was accepted")
	}
}

func TestFollowupsOverdueFirstAndClose(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ada", PersonEdit{}))
	must[*rapport.Followup](t)(a.AddFollowup(ctx, "ada", "send the deck", at(a, "2026-11-30")))
	late := must[*rapport.Followup](t)(a.AddFollowup(ctx, "ada", "intro to Grace", at(a, "2026-11-20")))
	list := must[[]FollowupView](t)(a.Followups(ctx, false))
	if len(list) != 2 || list[0].ID != late.ID || !list[0].Overdue || list[1].Overdue || list[0].DaysDue != -2 {
		t.Fatalf("follow-ups: %+v", list)
	}
	must[string](t)(a.FollowupDone(ctx, late.ID[len(late.ID)-8:]))
	if list := must[[]FollowupView](t)(a.Followups(ctx, false)); len(list) != 1 {
		t.Errorf("after done: %d open", len(list))
	}
	if _, err := a.AddFollowup(ctx, "ada", "no date", nil); err == nil {
		t.Error("a follow-up without --due was accepted")
	}
}

func TestOverdueByCadence(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	for _, n := range []string{"Ada", "Bob", "Cy"} {
		must[*PersonDetail](t)(a.AddPerson(ctx, n, PersonEdit{}))
	}
	// Ada: weekly calls for two years, until ten days ago (inner cadence 7 days: overdue).
	for d := 730; d >= 10; d -= 7 {
		must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "ada", Kind: "call", At: at(a, now.AddDate(0, 0, -d).Format("2006-01-02"))}))
	}
	// Bob: a meal last week; Cy: nothing, but a personal cadence of 14 days.
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "bob", Kind: "meal", At: at(a, now.AddDate(0, 0, -7).Format("2006-01-02"))}))
	c := 14
	must[*PersonDetail](t)(a.EditPerson(ctx, "cy", PersonEdit{Cadence: &c}))
	list := must[[]Overdue](t)(a.Overdue(ctx))
	var names []string
	for _, o := range list {
		names = append(names, o.Person.Name)
	}
	if fmtList(names) != "[Ada Cy]" {
		t.Fatalf("overdue = %v (%+v), want Ada then Cy", names, list)
	}
	if list[0].OverdueDays <= 0 || list[1].LastContact != nil {
		t.Errorf("overdue details: %+v", list)
	}
	if d := must[*PersonDetail](t)(a.Show(ctx, "cy")); d.CadenceDays != 14 {
		t.Errorf("cy's cadence shows as %d", d.CadenceDays)
	}
}

// An ask's words become a give's: "your" and "you" turn to "their" and
// "them", wherever they stand.
func TestGiveWording(t *testing.T) {
	for in, want := range map[string]string{
		"review your book or product":        "review their book or product",
		"introduce you to someone":           "introduce them to someone",
		"your spreadsheet, an hour with you": "their spreadsheet, an hour with them",
		"lend you $10":                       "lend them $10",
	} {
		if got := giveWording.Replace(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

// An assignment needs people: with nobody to draft, nothing is stored and the
// error says what to do; "none" drafts without the open goal.
func TestAssignmentNeedsPeopleAndHonoursNoGoal(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	if _, err := a.NewAssignment(ctx, "", 30, false); rapport.ErrorCode(err) != rapport.EINVALID || !strings.Contains(err.Error(), "nobody to draft") {
		t.Fatalf("an assignment on an empty database: %v", err)
	}
	if _, err := a.Assignment(ctx); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("an assignment was stored: %v", err)
	}
	must[*rapport.Goal](t)(a.AddGoal(ctx, "raise a seed round", []string{"investor"}, nil))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ada", PersonEdit{AddWants: []string{"a designer"}, AddTags: []string{"investor"}}))
	v := must[*AssignmentView](t)(a.NewAssignment(ctx, "none", 30, false))
	if v.Goal != nil {
		t.Errorf("assignment with goal none is toward %q", *v.Goal)
	}
	v = must[*AssignmentView](t)(a.NewAssignment(ctx, "", 30, true))
	if v.Goal == nil || *v.Goal != "raise a seed round" || !strings.Contains(strings.Join(v.Notes, " "), "due first") {
		t.Errorf("assignment without a goal named: goal %v, notes %v", v.Goal, v.Notes)
	}
}
