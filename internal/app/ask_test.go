package app

import (
	"context"
	"strings"
	"testing"

	"github.com/rapport-app/rapport"
)

func TestAskGuardRecordsOnlyGo(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ada", PersonEdit{AddWants: []string{"find a first hire"}}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "ada", Kind: "call", At: at(a, "2026-10-01")}))

	res := must[*AskResult](t)(a.Ask(ctx, AskInput{Ref: "ada", Action: "introduce"}))
	if res.Verdict != rapport.VerdictGiveFirst || res.Recorded || res.ID != nil || len(res.SuggestedGives) == 0 {
		t.Fatalf("a weak tie asked for an intro: %+v", res)
	}
	if res.SuggestedGives[0].Toward == "" {
		t.Errorf("suggestions do not point at the person's wants: %+v", res.SuggestedGives)
	}
	if asks := must[[]rapport.Ask](t)(a.DB.View().AsksOf(ctx, res.Person.ID)); len(asks) != 0 {
		t.Fatalf("a refused ask was recorded: %+v", asks)
	}
	if r := must[*AskResult](t)(a.Ask(ctx, AskInput{Ref: "ada", Action: "introduce", Check: true})); r.Recorded {
		t.Fatal("--check recorded the ask")
	}
	forced := must[*AskResult](t)(a.Ask(ctx, AskInput{Ref: "ada", Action: "introduce", Force: true}))
	if !forced.Recorded || forced.ID == nil {
		t.Fatalf("--force did not record: %+v", forced)
	}
	// The forced ask now blocks another for the window...
	if r := must[*AskResult](t)(a.Ask(ctx, AskInput{Ref: "ada", Action: "reply"})); r.Verdict != rapport.VerdictWait {
		t.Fatalf("asking again the same day: %+v, want wait", r)
	}
	// ...until it is answered yes, which also logs what they did.
	before := must[*PersonDetail](t)(a.Show(ctx, "ada"))
	ask := must[*rapport.Ask](t)(a.Answer(ctx, (*forced.ID)[len(*forced.ID)-8:], "yes", nil))
	if ask.Outcome != rapport.OutcomeYes {
		t.Fatalf("answer: %+v", ask)
	}
	after := must[*PersonDetail](t)(a.Show(ctx, "ada"))
	if after.Interactions != before.Interactions+1 || !(after.Strength > before.Strength) {
		t.Errorf("a yes did not log their introduction: %d→%d interactions, %.1f→%.1f", before.Interactions, after.Interactions, before.Strength, after.Strength)
	}
	// One ask, no give: the next ask is give-first for the balance.
	r := must[*AskResult](t)(a.Ask(ctx, AskInput{Ref: "ada", Action: "reply"}))
	if r.Verdict != rapport.VerdictGiveFirst || !strings.Contains(strings.Join(r.Reasons, ";"), "asked them 1 times and gave to them 0 times") {
		t.Errorf("after one ask and no give: %+v", r)
	}
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "ada", Kind: "help-hour", By: "me", Favour: true}))
	if r := must[*AskResult](t)(a.Ask(ctx, AskInput{Ref: "ada", Action: "reply"})); r.Verdict != rapport.VerdictGo {
		t.Errorf("after a give: %+v, want go", r)
	}

	l := must[*Ledger](t)(a.Ledger(ctx, "ada"))
	if l.Gives != 1 || l.Asks != 2 || l.Gots != 1 || l.Balance != round1(l.GivenValue-l.AskedValue) {
		t.Errorf("ledger: %+v", l)
	}
	for _, bad := range [][2]string{{"zzzzzzzzz", "yes"}, {(*forced.ID)[:13], "maybe"}} {
		if _, err := a.Answer(ctx, bad[0], bad[1], nil); err == nil {
			t.Errorf("Answer(%q, %q) accepted", bad[0], bad[1])
		}
	}
}

func TestCalibrateApplyMovesThresholdTowardEvidence(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	// Five people who each introduced you when the tie was only about 15.
	for i, name := range []string{"Ada", "Bob", "Cy", "Di", "Ed"} {
		must[*PersonDetail](t)(a.AddPerson(ctx, name, PersonEdit{}))
		must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: name, Kind: "meeting", At: at(a, now.AddDate(0, -2, -i).Format("2006-01-02"))}))
		must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: name, Kind: "introduce", By: "them", At: at(a, now.AddDate(0, -1, -i).Format("2006-01-02")), Favour: true}))
	}
	list := must[[]RungCalibration](t)(a.Calibrate(ctx, false))
	var intro RungCalibration
	for _, c := range list {
		if c.Action == "introduce" {
			intro = c
		}
	}
	if intro.N != 5 || !(intro.Fitted < intro.Default) {
		t.Fatalf("introduce: %+v, want five pieces of evidence pulling the threshold down", intro)
	}
	if k := must[rapport.Kind](t)(a.DB.View().Kind(ctx, "introduce")); *k.Threshold != 45 {
		t.Fatalf("calibrate without --apply changed the threshold to %.1f", *k.Threshold)
	}
	must[[]RungCalibration](t)(a.Calibrate(ctx, true))
	if k := must[rapport.Kind](t)(a.DB.View().Kind(ctx, "introduce")); *k.Threshold != intro.Fitted {
		t.Errorf("after --apply the threshold is %.1f, want %.1f", *k.Threshold, intro.Fitted)
	}
}
