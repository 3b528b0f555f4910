package model

import (
	"strings"
	"testing"

	"github.com/rapport-app/rapport"
)

func guardIn() GuardInput {
	return GuardInput{Now: now, Action: "introduce", Strength: 60, Threshold: 45, Gives: 2,
		Window: 30 * Day, Balance: 365 * Day}
}

func TestGuardReasons(t *testing.T) {
	if v := Guard(guardIn()); v.Verdict != rapport.VerdictGo {
		t.Fatalf("a strong tie with nothing pending: %+v, want go", v)
	}

	below := guardIn()
	below.Strength = 30
	if v := Guard(below); v.Verdict != rapport.VerdictGiveFirst || !strings.Contains(v.Reasons[0], "below the threshold") || !strings.Contains(v.Reasons[0], "by 15.0") {
		t.Errorf("below threshold: %+v", v)
	}

	for _, outcome := range []string{rapport.OutcomePending, rapport.OutcomeNo, rapport.OutcomeNone} {
		recent := guardIn()
		recent.Asks = []PastAsk{{At: now.AddDate(0, 0, -10), Action: "review", Outcome: outcome}}
		if v := Guard(recent); v.Verdict != rapport.VerdictWait {
			t.Errorf("an ask 10 days ago with outcome %q: %+v, want wait", outcome, v)
		}
	}
	// The 30-day rule: older asks, or asks answered yes, do not block.
	for _, a := range []PastAsk{
		{At: now.AddDate(0, 0, -31), Action: "review"},
		{At: now.AddDate(0, 0, -3), Action: "review", Outcome: rapport.OutcomeYes},
	} {
		in := guardIn()
		in.Asks = []PastAsk{a}
		if v := Guard(in); v.Verdict != rapport.VerdictGo {
			t.Errorf("ask %+v: %+v, want go", a, v)
		}
	}
	in := guardIn()
	in.Window = 60 * Day
	in.Asks = []PastAsk{{At: now.AddDate(0, 0, -45), Action: "review"}}
	if v := Guard(in); v.Verdict != rapport.VerdictWait {
		t.Errorf("with a 60-day window an ask 45 days ago must still block: %+v", v)
	}

	taker := guardIn()
	taker.Gives = 1
	taker.Asks = []PastAsk{{At: now.AddDate(0, -3, 0), Outcome: rapport.OutcomeYes}, {At: now.AddDate(0, -2, 0), Outcome: rapport.OutcomeYes}}
	if v := Guard(taker); v.Verdict != rapport.VerdictGiveFirst || !strings.Contains(v.Reasons[0], "asked them 2 times and gave to them 1 times") {
		t.Errorf("two asks, one give: %+v, want give-first", v)
	}
	taker.Asks[0].At = now.AddDate(-2, 0, 0)
	if v := Guard(taker); v.Verdict != rapport.VerdictGo {
		t.Errorf("an ask two years ago is outside the balance: %+v", v)
	}
}

func TestSuggestGivesCloseTheGapWithDepth(t *testing.T) {
	p := DefaultParams()
	tie := TieOf([]Touch{touch(t, "message", 30, rapport.ByThem), touch(t, "call", 60, rapport.ByMe)}, now, p)
	gives := SuggestGives(tie, rapport.DefaultKinds(), now, p, 3)
	if len(gives) != 3 {
		t.Fatalf("%d suggestions, want 3", len(gives))
	}
	base := tie.Strength(now, p)
	for _, g := range gives {
		if g.Gain <= 0 || strings.HasPrefix(g.Action, "lend-") || g.Action == "like" {
			t.Errorf("suggested %+v", g)
		}
		k := kinds(t)[g.Action]
		if *k.Threshold > base+15 {
			t.Errorf("suggested %s (threshold %.0f) for a tie of %.1f", g.Action, *k.Threshold, base)
		}
	}
	if gives[0].Action == "reply" || gives[0].Action == "comment" {
		t.Errorf("a shallow touch ranked first: %+v", gives)
	}
}

func TestCalibrationMovesTowardTheEvidence(t *testing.T) {
	if c := Calibrate(45, nil); c.Fitted != 45 || c.N != 0 {
		t.Errorf("no evidence: %+v, want the default", c)
	}
	// People at 30 said yes: the real threshold is lower than 45.
	var ev []Evidence
	prev := 45.0
	for i := range 12 {
		ev = append(ev, Evidence{Strength: 30 + float64(i%3), Yes: true}, Evidence{Strength: 15, Yes: false})
		c := Calibrate(45, ev)
		if c.Fitted > prev || i == 0 && !(c.Fitted < prev) {
			t.Fatalf("after %d observations the fit is %.1f (was %.1f): want it to move down toward the evidence", len(ev), c.Fitted, prev)
		}
		prev = c.Fitted
		if i == 0 && c.Fitted < 30 {
			t.Errorf("two observations moved the threshold all the way to %.1f: want shrinkage toward 45", c.Fitted)
		}
		if i == 11 && !(c.BrierFitted < c.BrierDefault) {
			t.Errorf("fitted Brier %.4f not better than default %.4f", c.BrierFitted, c.BrierDefault)
		}
	}
	if prev > 32 {
		t.Errorf("24 observations: fitted %.1f, want near the evidence (yes at 30, no at 15)", prev)
	}
	// And upward: people at 60 said no.
	up := Calibrate(45, []Evidence{{60, false}, {62, false}, {58, false}, {80, true}})
	if !(up.Fitted > 45) {
		t.Errorf("refusals above the threshold: fitted %.1f, want above 45", up.Fitted)
	}
}

// What a thoughtful person sees before asking (seed 004): not everyone at
// once, not again right after a favour, not after a long silence, and not
// while a refusal stands and you owe them.
func TestGuardSeesWhatAThoughtfulPersonSees(t *testing.T) {
	base := guardIn()
	base.MaxAsksDay, base.MaxAsksWeek, base.FavourMemory = 3, 7, 60*Day
	base.CadenceDays, base.SilentDays = 30, 10
	if v := Guard(base); v.Verdict != rapport.VerdictGo {
		t.Fatalf("the base case: %+v", v)
	}
	for _, c := range []struct {
		name    string
		change  func(in *GuardInput)
		verdict string
		reason  string
	}{
		{"a fourth ask today", func(in *GuardInput) { in.AsksToday, in.AsksWeek = 3, 3 }, rapport.VerdictWait, "asked 3 people today"},
		{"an eighth ask this week", func(in *GuardInput) { in.AsksToday, in.AsksWeek = 1, 7 }, rapport.VerdictWait, "asked 7 people this week"},
		{"two asks today", func(in *GuardInput) { in.AsksToday, in.AsksWeek = 2, 2 }, rapport.VerdictGo, ""},
		{"a favour 15 days ago, not returned", func(in *GuardInput) {
			in.FavoursUnreturned = []PastFavour{{At: now.AddDate(0, 0, -15), Action: "introduce"}}
		}, rapport.VerdictGiveFirst, "favour (introduce) 15 days ago"},
		{"a favour long ago", func(in *GuardInput) {
			in.FavoursUnreturned = []PastFavour{{At: now.AddDate(0, 0, -90), Action: "introduce"}}
		}, rapport.VerdictGo, ""},
		{"74 days silent on a 30-day rhythm", func(in *GuardInput) { in.SilentDays = 74 }, rapport.VerdictGiveFirst, "not been in touch for 74 days"},
		{"declined 45 days ago while you owe them", func(in *GuardInput) {
			in.Gives = 0
			in.Asks = []PastAsk{{At: now.AddDate(0, 0, -45), Action: "review", Outcome: rapport.OutcomeNo}}
		}, rapport.VerdictWait, "declined"},
		{"declined 45 days ago, and you gave since", func(in *GuardInput) {
			in.Gives = 2
			in.Asks = []PastAsk{{At: now.AddDate(0, 0, -45), Action: "review", Outcome: rapport.OutcomeNo}}
		}, rapport.VerdictGo, ""},
	} {
		in := base
		c.change(&in)
		v := Guard(in)
		if v.Verdict != c.verdict || c.reason != "" && !strings.Contains(strings.Join(v.Reasons, "; "), c.reason) {
			t.Errorf("%s: %+v, want %s naming %q", c.name, v, c.verdict, c.reason)
		}
	}
}
