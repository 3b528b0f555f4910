package app

import (
	"context"
	"testing"

	"github.com/rapport-app/rapport"
)

func TestReportSplitsActivityAndShowsProgress(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ada", PersonEdit{}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Bob", PersonEdit{}))
	// Bob was close a year ago and went quiet; Ada grew this month.
	for d := 400; d >= 200; d -= 7 {
		must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "bob", Kind: "call", At: at(a, now.AddDate(0, 0, -d).Format("2006-01-02"))}))
	}
	for _, in := range []LogInput{
		{Ref: "ada", Kind: "like", By: "me", At: at(a, "2026-11-01")},                      // light, 1 min
		{Ref: "ada", Kind: "comment", By: "me", At: at(a, "2026-11-02")},                   // light, 5 min
		{Ref: "ada", Kind: "meal", By: "both", At: at(a, "2026-11-03"), Minutes: 120},      // conversation, 120 min
		{Ref: "ada", Kind: "help-hour", By: "me", At: at(a, "2026-11-10"), Favour: true},   // give, 60 min
		{Ref: "ada", Kind: "introduce", By: "them", At: at(a, "2026-11-12"), Favour: true}, // their time
		{Ref: "ada", Kind: "meeting", By: "me", At: at(a, "2026-09-01"), Minutes: 45},      // before the period
	} {
		must[*rapport.Interaction](t)(a.Log(ctx, in))
	}
	r := must[*Report](t)(a.Report(ctx, at(a, "2026-10-23"), nil))
	if r.Minutes.Light != 6 || r.Minutes.Conversations != 120 || r.Minutes.Gives != 60 || r.Minutes.Total != 186 {
		t.Errorf("minutes = %+v", r.Minutes)
	}
	if r.Gives != 1 || r.FavoursReceived != 1 {
		t.Errorf("gives %d, favours %d", r.Gives, r.FavoursReceived)
	}
	if len(r.Grew) != 1 || r.Grew[0].Person.Name != "Ada" || len(r.Faded) != 1 || r.Faded[0].Person.Name != "Bob" {
		t.Errorf("grew %+v, faded %+v", r.Grew, r.Faded)
	}
	var call RungMove
	for _, m := range r.Rungs {
		if m.Action == "call" {
			call = m
		}
	}
	if call.End < 1 {
		t.Errorf("ada should stand above the call rung by now: %+v", call)
	}
	if _, err := a.Report(ctx, at(a, "2026-12-01"), at(a, "2026-11-01")); err == nil {
		t.Error("a period ending before it starts was accepted")
	}
}
