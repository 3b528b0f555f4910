package app

import (
	"context"
	"strings"
	"testing"

	"github.com/rapport-app/rapport"
)

func TestTrustCapAliasesAndLearn(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	for _, n := range []string{"Ada", "Bob", "Cy", "Di", "Ed", "Flo", "Gus"} {
		must[*PersonDetail](t)(a.AddPerson(ctx, n, PersonEdit{}))
	}
	for _, n := range []string{"Ada", "Bob", "Cy", "Di", "Ed"} {
		must[*TrustView](t)(a.Trust(ctx, "Go", n, 0, ""))
	}
	_, err := a.Trust(ctx, "go", "Flo", 0, "")
	if rapport.ErrorCode(err) != rapport.ECONFLICT || !strings.Contains(err.Error(), "1. Ada") || !strings.Contains(err.Error(), "5. Ed") {
		t.Fatalf("a sixth name: %v, want a refusal naming the five", err)
	}
	if _, err := a.Trust(ctx, "go", "Ada", 0, "Ada"); err == nil {
		t.Error("self-trust accepted")
	}
	if _, err := a.Trust(ctx, "go", "Ada", 9, "Bob"); err == nil {
		t.Error("rank 9 accepted")
	}
	// Ada trusts Gus; Bob trusts Gus too: Gus is reached twice.
	must[*TrustView](t)(a.Trust(ctx, "go", "Gus", 1, "Ada"))
	must[*TrustView](t)(a.Trust(ctx, "golang", "Gus", 2, "Bob"))
	if err := a.AliasTopic(ctx, "golang", "go"); err != nil {
		t.Fatal(err)
	}
	l := must[*Learn](t)(a.Learn(ctx, "GoLang", 3, 0))
	if l.Topic != "go" || len(l.Results) != 6 {
		t.Fatalf("learn = %+v", l)
	}
	var gus LearnResult
	for _, r := range l.Results {
		if r.Name == "Gus" {
			gus = r
		}
	}
	if gus.Depth != 2 || len(gus.Paths) != 2 || gus.Paths[0][0].Name != "Ada" || gus.Paths[0][1].Name != "Gus" {
		t.Errorf("gus = %+v", gus)
	}
	if l.Results[0].Name != "Ada" {
		t.Errorf("your first-ranked name should lead: %+v", l.Results[0])
	}
	must[*TrustView](t)(a.Untrust(ctx, "go", "Ed", ""))
	must[*TrustView](t)(a.Trust(ctx, "go", "Flo", 0, ""))
	if _, err := a.Untrust(ctx, "go", "Ed", ""); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("removing a line twice: %v", err)
	}
	if _, err := a.Learn(ctx, "go", 9, 0); err == nil {
		t.Error("depth 9 accepted")
	}
}

func TestIntroRanksAndChecksTheRung(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	for _, n := range []string{"Ada", "Bob", "Cy", "Target"} {
		must[*PersonDetail](t)(a.AddPerson(ctx, n, PersonEdit{}))
	}
	// You are close to Ada (weekly calls), know Bob a little.
	for d := 200; d >= 3; d -= 7 {
		must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "ada", Kind: "call", At: at(a, now.AddDate(0, 0, -d).Format("2006-01-02"))}))
	}
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "bob", Kind: "email", At: at(a, "2026-11-01")}))
	// Ada knows Target by hand, a little; Bob shared three meetings with them.
	if err := a.Knows(ctx, "ada", "target", 30); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "bob", With: []string{"target"}, Kind: "meeting", At: at(a, now.AddDate(0, 0, -30-i).Format("2006-01-02"))}))
	}
	// Cy shared one meeting only: not enough to know them.
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "cy", With: []string{"target"}, Kind: "meeting", At: at(a, "2026-10-01")}))
	in := must[*Intro](t)(a.Intro(ctx, "target", 0))
	if len(in.Paths) != 2 {
		t.Fatalf("paths = %+v", in.Paths)
	}
	for i, p := range in.Paths {
		if i > 0 && p.Score > in.Paths[i-1].Score {
			t.Error("paths not ranked by score")
		}
		want := round1(p.Via[0].Strength * p.Via[1].Strength / 100)
		if p.Score != want {
			t.Errorf("%s: score %.1f, want %.1f", p.Via[0].Name, p.Score, want)
		}
		if p.AboveThreshold != (p.Via[0].Strength >= 45) {
			t.Errorf("%s: above %v at %.1f", p.Via[0].Name, p.AboveThreshold, p.Via[0].Strength)
		}
		if !p.AboveThreshold && len(p.SuggestedGives) == 0 {
			t.Errorf("%s is below the introduce rung: want gives to suggest", p.Via[0].Name)
		}
	}
	if in.Paths[0].Via[0].Name != "Ada" || !in.Paths[0].AboveThreshold {
		t.Errorf("Ada should be the best way in: %+v", in.Paths[0])
	}
	if err := a.Knows(ctx, "ada", "ada", 50); err == nil {
		t.Error("knowing oneself accepted")
	}
}

func TestLeadsAreSecondDegreeAndMatchTheGoal(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ada", PersonEdit{}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Vera", PersonEdit{AddTags: []string{"investor"}}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Walt", PersonEdit{AddTags: []string{"investor"}}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Xeno", PersonEdit{AddTags: []string{"design"}}))
	for d := 200; d >= 3; d -= 7 {
		must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "ada", Kind: "call", At: at(a, now.AddDate(0, 0, -d).Format("2006-01-02"))}))
	}
	// Walt is already yours; Vera and Xeno are known only through Ada.
	for d := 100; d >= 10; d -= 7 {
		must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "walt", Kind: "meal", At: at(a, now.AddDate(0, 0, -d).Format("2006-01-02"))}))
	}
	for _, n := range []string{"vera", "walt", "xeno"} {
		if err := a.Knows(ctx, "ada", n, 70); err != nil {
			t.Fatal(err)
		}
	}
	must[*rapport.Goal](t)(a.AddGoal(ctx, "raise a seed round", []string{"investor"}, nil))
	leads := must[[]Lead](t)(a.Leads(ctx, "", 0))
	if len(leads) != 1 || leads[0].Person.Name != "Vera" || leads[0].Via.Name != "Ada" {
		t.Errorf("leads = %+v, want Vera via Ada (Walt is yours already, Xeno does not match)", leads)
	}
}
