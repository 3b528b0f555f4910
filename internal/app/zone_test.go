package app

import (
	"context"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
)

func zoneApp(t *testing.T, name string, local time.Time) (*App, *time.Location) {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	a := newApp(t, local.UTC())
	if err := a.LoadZone(context.Background(), loc); err != nil {
		t.Fatal(err)
	}
	must[*PersonDetail](t)(a.AddPerson(context.Background(), "Ada", PersonEdit{}))
	return a, loc
}

// East of UTC, the local 15 June starts while UTC is still on the 14th: a
// call logged on the 15th that morning is today's, not the future's, and
// "today" for a follow-up is the local day.
func TestDaysAreTheUsersEastOfUTC(t *testing.T) {
	ctx := context.Background()
	a, tokyo := zoneApp(t, "Asia/Tokyo", time.Date(2026, 6, 15, 8, 0, 0, 0, time.FixedZone("JST", 9*3600)))
	in := must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "ada", Kind: "call", By: "me", At: at(a, "2026-06-15"), Minutes: 20}))
	if want := time.Date(2026, 6, 15, 0, 0, 0, 0, tokyo); !in.At.Equal(want) {
		t.Errorf("a call on 2026-06-15 in Tokyo stored at %v, want %v", in.At, want)
	}
	must[*rapport.Followup](t)(a.AddFollowup(ctx, "ada", "send the deck", at(a, "today")))
	must[*rapport.Followup](t)(a.AddFollowup(ctx, "ada", "ask about Lisbon", at(a, "2026-06-16")))
	fus := must[[]FollowupView](t)(a.Followups(ctx, false))
	if len(fus) != 2 || fus[0].DaysDue != 0 || fus[1].DaysDue != 1 {
		t.Errorf("follow-ups due today and tomorrow in Tokyo: %+v", fus)
	}
	// Today's plan counts the call as today's time.
	p := must[*PlanView](t)(a.Plan(ctx, false, 0))
	if p.SpentMinutes != 20 {
		t.Errorf("spent today in Tokyo = %d minutes, want the 20 of the call at local midnight", p.SpentMinutes)
	}
	// A report from the 15th holds it; one until the 15th does not.
	if r := must[*Report](t)(a.Report(ctx, at(a, "2026-06-15"), nil)); r.Touches.Conversations != 1 {
		t.Errorf("report since 2026-06-15: %+v", r.Touches)
	}
	if r := must[*Report](t)(a.Report(ctx, at(a, "2026-06-01"), at(a, "2026-06-15"))); r.Touches.Conversations != 0 {
		t.Errorf("report until 2026-06-15: %+v", r.Touches)
	}
}

// West of UTC, the evening of 14 June is already the 15th in UTC: the 15th
// is still tomorrow, and a call on the 14th is today's.
func TestDaysAreTheUsersWestOfUTC(t *testing.T) {
	ctx := context.Background()
	a, la := zoneApp(t, "America/Los_Angeles", time.Date(2026, 6, 14, 20, 0, 0, 0, time.FixedZone("PDT", -7*3600)))
	if _, err := a.Log(ctx, LogInput{Ref: "ada", Kind: "call", By: "me", At: at(a, "2026-06-15")}); err == nil {
		t.Error("a call on 2026-06-15 was accepted on the evening of the 14th in Los Angeles")
	}
	in := must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "ada", Kind: "call", By: "me", At: at(a, "2026-06-14"), Minutes: 30}))
	if want := time.Date(2026, 6, 14, 0, 0, 0, 0, la); !in.At.Equal(want) {
		t.Errorf("a call on 2026-06-14 in Los Angeles stored at %v, want %v", in.At, want)
	}
	if p := must[*PlanView](t)(a.Plan(ctx, false, 0)); p.SpentMinutes != 30 {
		t.Errorf("spent today in Los Angeles = %d minutes, want 30", p.SpentMinutes)
	}
	must[*rapport.Followup](t)(a.AddFollowup(ctx, "ada", "send the deck", at(a, "tomorrow")))
	if fus := must[[]FollowupView](t)(a.Followups(ctx, false)); len(fus) != 1 || fus[0].DaysDue != 1 {
		t.Errorf("a follow-up due tomorrow in Los Angeles: %+v", fus)
	}
}

// Across the spring change of the clocks a day has 23 hours: days due, the
// week's days and "in 2 days" still count calendar days.
func TestDaysAcrossDaylightSaving(t *testing.T) {
	ctx := context.Background()
	a, berlin := zoneApp(t, "Europe/Berlin", time.Date(2026, 3, 28, 23, 30, 0, 0, time.FixedZone("CET", 3600)))
	must[*rapport.Followup](t)(a.AddFollowup(ctx, "ada", "call back", at(a, "in 2 days")))
	fus := must[[]FollowupView](t)(a.Followups(ctx, false))
	if len(fus) != 1 || fus[0].DaysDue != 2 || fus[0].Due.In(berlin).Format("2006-01-02 15:04") != "2026-03-30 23:30" {
		t.Errorf("due in 2 days from 23:30 on 28 March in Berlin: %+v", fus)
	}
	w := must[*PlanView](t)(a.Plan(ctx, true, 0))
	found := false
	for _, it := range w.Items {
		if it.Kind == "followup" {
			found = true
			if it.Day != "2026-03-28" && it.Day != "2026-03-29" && it.Day != "2026-03-30" {
				t.Errorf("the follow-up is planned for %s, not within its days", it.Day)
			}
		}
	}
	if !found {
		t.Errorf("the follow-up is not in the week's plan: %+v", w.Items)
	}
	// The zone can be set, and then rules over TZ.
	must[any](t)(nil, a.SetConfig(ctx, "time_zone", "Asia/Tokyo"))
	if a.Zone().String() != "Asia/Tokyo" {
		t.Errorf("zone after setting Asia/Tokyo: %v", a.Zone())
	}
	if err := a.SetConfig(ctx, "time_zone", "Mars/Olympus"); err == nil || rapport.ErrorCode(err) != rapport.EINVALID {
		t.Errorf("an unknown zone: %v", err)
	}
	must[any](t)(nil, a.SetConfig(ctx, "time_zone", "default"))
	if a.Zone() != berlin {
		t.Errorf("zone back to default: %v, want the environment's %v", a.Zone(), berlin)
	}
}
