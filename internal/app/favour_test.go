package app

import (
	"context"
	"testing"

	"github.com/rapport-app/rapport"
)

// Who started a touch and who did a favour are different facts: calls you
// started are not gives, calls they started are not favours received; only
// give, got and an ask answered yes are.
func TestATouchIsNotAFavour(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Mia Mentor", PersonEdit{}))
	for i, by := range []rapport.By{"me", "me", "me", "me", "them", "them", "them"} {
		must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "mia", Kind: "call", By: by, At: at(a, now.AddDate(0, 0, -3*(i+1)).Format("2006-01-02"))}))
	}
	l := must[*Ledger](t)(a.Ledger(ctx, "mia"))
	if l.Gives != 0 || l.Gots != 0 {
		t.Errorf("calls counted as favours: %d gives, %d received", l.Gives, l.Gots)
	}
	for _, c := range must[[]RungCalibration](t)(a.Calibrate(ctx, false)) {
		if c.Action == "call" && c.N != 0 {
			t.Errorf("calls they started are evidence for the call rung: %+v", c)
		}
	}
	if r := must[*Report](t)(a.Report(ctx, at(a, "2026-10-01"), nil)); r.Gives != 0 || r.FavoursReceived != 0 {
		t.Errorf("report: %d gives, %d favours received", r.Gives, r.FavoursReceived)
	}
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "mia", Kind: "help-hour", By: "them", Favour: true}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "mia", Kind: "recommend", By: "them", Favour: true}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "mia", Kind: "review", By: "me", Favour: true}))
	l = must[*Ledger](t)(a.Ledger(ctx, "mia"))
	if l.Gives != 1 || l.Gots != 2 {
		t.Errorf("after one give and two favours: %d gives, %d received", l.Gives, l.Gots)
	}
	d := must[*PersonDetail](t)(a.Show(ctx, "mia"))
	favours := 0
	for _, it := range d.Timeline {
		if it.Favour {
			favours++
		}
	}
	if favours != 3 {
		t.Errorf("the timeline marks %d favours, want 3", favours)
	}
}
