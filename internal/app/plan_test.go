package app

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
)

// A small network with something of every reason.
func planFixture(t *testing.T) *App {
	t.Helper()
	a := newApp(t, now)
	ctx := context.Background()
	must[*Me](t)(a.EditMe(ctx, []string{"hiring network", "Go code review"}, nil))
	for i := range 12 {
		name := fmt.Sprintf("Person %02d", i)
		e := PersonEdit{}
		switch {
		case i < 4:
			e.AddWants = []string{"find a first hire"}
		case i < 8:
			e.AddTags = []string{"investor"}
		}
		must[*PersonDetail](t)(a.AddPerson(ctx, name, e))
		switch {
		case i < 4: // close ties in touch: weekly calls until yesterday
			for d := 365; d >= 1; d -= 7 {
				must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: name, Kind: "call", At: at(a, now.AddDate(0, 0, -d).Format("2006-01-02"))}))
			}
		case i < 8: // investors you barely know: one email
			must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: name, Kind: "email", At: at(a, now.AddDate(0, 0, -20).Format("2006-01-02"))}))
		default: // close ties gone quiet two months ago: overdue
			for d := 365; d >= 60; d -= 7 {
				must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: name, Kind: "call", At: at(a, now.AddDate(0, 0, -d).Format("2006-01-02"))}))
			}
		}
	}
	must[*rapport.Goal](t)(a.AddGoal(ctx, "raise a seed round", []string{"investor"}, nil))
	must[*rapport.Followup](t)(a.AddFollowup(ctx, "Person 11", "send the deck", at(a, "2026-11-21")))
	must[*rapport.Followup](t)(a.AddFollowup(ctx, "Person 10", "call back", at(a, "2026-11-22")))
	must[*rapport.Followup](t)(a.AddFollowup(ctx, "Person 09", "next month", at(a, "2026-12-30")))
	return a
}

func TestPlanRules(t *testing.T) {
	a := planFixture(t)
	ctx := context.Background()
	for _, budget := range []int{10, 20, 45, 90, 240, 1000} {
		p := must[*PlanView](t)(a.Plan(ctx, false, budget))
		sum, seen := 0, map[string]bool{}
		optional := false
		for _, it := range p.Items {
			sum += it.Minutes
			if seen[it.Person.ID] {
				t.Fatalf("budget %d: %s planned twice", budget, it.Person.Name)
			}
			seen[it.Person.ID] = true
			if !it.Commitment {
				optional = true
			} else if optional {
				t.Fatalf("budget %d: commitment %q after an optional item", budget, it.Action)
			}
			if it.Action == "follow up: next month" {
				t.Fatalf("budget %d: a follow-up due next month is in today's plan", budget)
			}
		}
		if sum != p.PlannedMinutes || sum > budget {
			t.Fatalf("budget %d: planned %d (items add to %d)", budget, p.PlannedMinutes, sum)
		}
		if budget >= 30 && (len(p.Items) < 2 || p.Items[0].Kind != "followup" || p.Items[1].Kind != "followup") {
			t.Errorf("budget %d: want the two follow-ups first, got %+v", budget, p.Items)
		}
		if budget == 10 && len(p.Unplanned) != 2 {
			t.Errorf("budget 10: the two follow-ups that do not fit must be reported, got %+v", p.Unplanned)
		}
		again := must[*PlanView](t)(a.Plan(ctx, false, budget))
		if !reflect.DeepEqual(p, again) {
			t.Fatalf("budget %d: two plans for the same now differ", budget)
		}
	}
	big := must[*PlanView](t)(a.Plan(ctx, true, 1000))
	kinds := map[string]bool{}
	for _, it := range big.Items {
		kinds[it.Kind] = true
	}
	for _, k := range []string{"followup", "cadence", "goal", "wants"} {
		if !kinds[k] {
			t.Errorf("a large weekly plan has no %q item: %+v", k, big.Items)
		}
	}
}

func TestCapacityWarnsWhenTheBudgetCannotKeepTheCircles(t *testing.T) {
	a := planFixture(t)
	ctx := context.Background()
	if p := must[*PlanView](t)(a.Plan(ctx, false, 0)); p.Capacity.Over {
		t.Errorf("with two hours a week: %+v", p.Capacity)
	}
	must[*Budget](t)(a.SetBudget(ctx, nil, ptr(15)))
	p := must[*PlanView](t)(a.Plan(ctx, false, 0))
	if !p.Capacity.Over || len(p.Capacity.LetGo) == 0 {
		t.Fatalf("with 15 minutes a week: %+v", p.Capacity)
	}
	saved := 0.0
	for _, l := range p.Capacity.LetGo {
		saved += l.WeekMinutes
	}
	if p.Capacity.NeededWeekMinutes-saved > 15.5 {
		t.Errorf("letting go of %d people saves %.1f of %.1f: still over 15", len(p.Capacity.LetGo), saved, p.Capacity.NeededWeekMinutes)
	}
	if _, err := a.SetBudget(ctx, ptr(-5), nil); err == nil {
		t.Error("a negative budget was accepted")
	}
}

func TestAssignmentSlotsAndProgress(t *testing.T) {
	a := planFixture(t)
	ctx := context.Background()
	v := must[*AssignmentView](t)(a.NewAssignment(ctx, "", 30, false))
	if len(v.Slots) != 8 {
		t.Fatalf("%d slots (%+v), want 4 people to help (all who want a hire) and 4 investors", len(v.Slots), v.Slots)
	}
	seen := map[string]bool{}
	for _, s := range v.Slots {
		if seen[s.Person.ID] {
			t.Fatalf("%s in two slots", s.Person.Name)
		}
		seen[s.Person.ID] = true
		if s.Offer == "" || s.Action == "" || s.Reason == "" {
			t.Errorf("slot %+v lacks a specific offer", s)
		}
	}
	if _, err := a.NewAssignment(ctx, "", 30, false); rapport.ErrorCode(err) != rapport.ECONFLICT {
		t.Errorf("a second draft while one runs: %v", err)
	}
	first := v.Slots[0]
	if _, err := a.SwapSlot(ctx, first.Slot.Slot, v.Slots[1].Person.ID); err == nil {
		t.Error("swapping in someone already in a slot was accepted")
	}
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: first.Person.ID, Kind: first.Action, By: "me", Favour: true}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: v.Slots[1].Person.ID, Kind: "like", By: "me"}))
	after := must[*AssignmentView](t)(a.Assignment(ctx))
	if after.Done != 1 || !after.Slots[0].Done || after.Slots[1].Done {
		t.Errorf("after one give (and one like): %d done, slots %+v", after.Done, after.Slots[:2])
	}
	// A give before the period does not count.
	later := New(a.DB, func() time.Time { return now.AddDate(0, 2, 0) })
	if _, err := later.NewAssignment(ctx, "", 30, false); err != nil {
		t.Fatalf("a new month: %v", err)
	}
	if v := must[*AssignmentView](t)(later.Assignment(ctx)); v.Done != 0 {
		t.Errorf("a new assignment starts with %d slots done", v.Done)
	}
}
