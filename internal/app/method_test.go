package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
)

// methodFixture: an inner friend silent for 65 days, four weaker ties past
// their rhythm (more points to gain), a contact who wants a designer while
// you offer designer introductions, and one whose wants are unknown.
func methodFixture(t *testing.T) *App {
	t.Helper()
	a := newApp(t, now)
	ctx := context.Background()
	must[*Me](t)(a.EditMe(ctx, []string{"designer introductions"}, nil))
	add := func(name string, e PersonEdit, every, from, until int, kind string) {
		must[*PersonDetail](t)(a.AddPerson(ctx, name, e))
		for d := from; d >= until; d -= every {
			must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: name, Kind: kind, By: "both", At: at(a, now.AddDate(0, 0, -d).Format("2006-01-02"))}))
		}
	}
	add("Ina Inner", PersonEdit{AddWants: []string{"a quiet week in the mountains"}}, 4, 700, 65, "meal")
	for i := range 4 {
		add(fmt.Sprintf("Wes Weak %d", i), PersonEdit{}, 20, 500, 120, "call")
	}
	add("Dana Designer-Seeker", PersonEdit{AddWants: []string{"hire a product designer"}}, 10, 300, 40, "call")
	add("Una Unknown", PersonEdit{}, 10, 300, 40, "call")
	return a
}

func TestPlanServesTheInnerCircleFirst(t *testing.T) {
	a := methodFixture(t)
	p := must[*PlanView](t)(a.Plan(context.Background(), false, 30))
	if len(p.Items) == 0 || p.Items[0].Person.Name != "Ina Inner" {
		t.Fatalf("with 30 minutes the first item is %+v, want the inner friend silent for 65 days", p.Items)
	}
}

// A give is chosen from your offers matched to their wants; with no want
// known the action is to find out, a touch and not a give.
func TestPlanServesWhatPeopleWant(t *testing.T) {
	a := methodFixture(t)
	p := must[*PlanView](t)(a.Plan(context.Background(), true, 10000))
	byName := map[string]PlanItem{}
	for _, it := range p.Items {
		byName[it.Person.Name] = it
	}
	dana, ok := byName["Dana Designer-Seeker"]
	if !ok || !strings.Contains(dana.Action, "designer introductions") || !strings.Contains(dana.Action, "hire a product designer") || !dana.Give {
		t.Errorf("for the person who wants a designer: %+v", dana)
	}
	una, ok := byName["Una Unknown"]
	if !ok || !strings.Contains(una.Action, "what they are working on") || una.Give {
		t.Errorf("for the person whose wants are unknown: %+v", una)
	}
	for _, it := range p.Items {
		if strings.Contains(it.Action, "refer a client") && it.Person.Name == "Dana Designer-Seeker" {
			t.Errorf("a ladder give instead of what she wants: %+v", it)
		}
	}
}

// The budget remembers today: what you already spent comes off it, and
// whoever you were in touch with today is not proposed again.
func TestTodayRemembersWhatWasSpent(t *testing.T) {
	a := methodFixture(t)
	ctx := context.Background()
	b := must[*Budget](t)(a.Budget(ctx))
	before := must[*PlanView](t)(a.Plan(ctx, false, 0))
	if before.BudgetMinutes != b.DayMinutes || len(before.Items) == 0 {
		t.Fatalf("before: %+v", before)
	}
	first := before.Items[0]
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: first.Person.ID, Kind: "meeting", By: "me", Minutes: 95, At: at(a, now.Add(-2*60*60*1e9).Format("2006-01-02T15:04:05Z"))}))
	after := must[*PlanView](t)(a.Plan(ctx, false, 0))
	if after.SpentMinutes != 95 || after.BudgetMinutes != max(0, b.DayMinutes-95) || after.PlannedMinutes > after.BudgetMinutes {
		t.Errorf("after 95 minutes today: spent %d, left %d, planned %d (day budget %d)", after.SpentMinutes, after.BudgetMinutes, after.PlannedMinutes, b.DayMinutes)
	}
	for _, it := range after.Items {
		if it.Person.ID == first.Person.ID {
			t.Errorf("%s, met today, is proposed again: %+v", first.Person.Name, it)
		}
	}
}

// Seed 004's blast: "please like my new page" to nine people in one day. The
// guard lets three through and says wait to the rest, naming the count.
func TestTheGuardStopsABlast(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	recorded := 0
	for i := range 9 {
		name := fmt.Sprintf("Friend %d", i)
		must[*PersonDetail](t)(a.AddPerson(ctx, name, PersonEdit{}))
		for d := 60; d >= 2; d -= 6 {
			must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: name, Kind: "meal", By: "both", At: at(a, now.AddDate(0, 0, -d).Format("2006-01-02"))}))
		}
		res := must[*AskResult](t)(a.Ask(ctx, AskInput{Ref: name, Action: "like"}))
		if res.Recorded {
			recorded++
			continue
		}
		if res.Verdict != rapport.VerdictWait || !strings.Contains(strings.Join(res.Reasons, ";"), "asked 3 people today") {
			t.Errorf("ask #%d: %+v", i+1, res)
		}
	}
	if recorded != 3 {
		t.Errorf("%d of nine asks in one day went through, want 3", recorded)
	}
}

// Follow-through: a yes is thanked within days; an ask unanswered for two
// weeks gets one gentle check; each goes once you have been in touch since.
func TestPlanFollowsThroughOnAsks(t *testing.T) {
	ctx := context.Background()
	a := newApp(t, now)
	for _, name := range []string{"Yara Yes", "Pia Pending"} {
		must[*PersonDetail](t)(a.AddPerson(ctx, name, PersonEdit{}))
		for d := 90; d >= 10; d -= 10 {
			must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: name, Kind: "meal", By: "both", At: at(a, now.AddDate(0, 0, -d).Format("2006-01-02"))}))
		}
	}
	yes := must[*AskResult](t)(a.Ask(ctx, AskInput{Ref: "yara", Action: "introduce", Force: true}))
	must[*AskResult](t)(a.Ask(ctx, AskInput{Ref: "pia", Action: "review", Force: true}))
	must[*rapport.Ask](t)(a.Answer(ctx, *yes.ID, "yes", nil))
	find := func(p *PlanView, kind, name string) *PlanItem {
		for i, it := range p.Items {
			if it.Kind == kind && it.Person.Name == name {
				return &p.Items[i]
			}
		}
		return nil
	}
	p := must[*PlanView](t)(a.Plan(ctx, false, 1000))
	if it := find(p, "thanks", "Yara Yes"); it == nil || !it.Commitment || !strings.Contains(it.Action, "thank") {
		t.Errorf("after a yes, no thank-you in the plan: %+v", p.Items)
	}
	if find(p, "check", "Pia Pending") != nil {
		t.Error("a check on an ask made today")
	}
	later := New(a.DB, func() time.Time { return now.AddDate(0, 0, 15) })
	p = must[*PlanView](t)(later.Plan(ctx, false, 1000))
	if it := find(p, "check", "Pia Pending"); it == nil || !strings.Contains(it.Action, "check gently") {
		t.Errorf("an ask pending for 15 days, no check: %+v", p.Items)
	}
	if find(p, "thanks", "Yara Yes") != nil {
		t.Error("a thank-you still planned 15 days after the yes")
	}
	must[*rapport.Interaction](t)(later.Log(ctx, LogInput{Ref: "pia", Kind: "message", By: "me"}))
	if p := must[*PlanView](t)(later.Plan(ctx, true, 1000)); find(p, "check", "Pia Pending") != nil {
		t.Error("the check is still planned after you wrote to her")
	}
}

func TestPromiseIn(t *testing.T) {
	for note, want := range map[string]string{
		"Great chat. We'll be in touch about the pilot. Kids are well.": "We'll be in touch about the pilot",
		"I’ll send her the deck tomorrow":                               "I’ll send her the deck tomorrow",
		"talked about hiring":                                           "",
		"":                                                              "",
	} {
		if got := PromiseIn(note); got != want {
			t.Errorf("PromiseIn(%q) = %q, want %q", note, got, want)
		}
	}
}

// Progress is outcomes: the report leads with what happened for you (the
// referral, the intro, the goal), by goal, and how many answered your
// outreach; calls you started are conversations, not gives.
func TestReportLeadsWithOutcomes(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*rapport.Goal](t)(a.AddGoal(ctx, "land two clients", []string{"client"}, nil))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Rita Referrer", PersonEdit{AddTags: []string{"client"}}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ivan Intro", PersonEdit{}))
	for _, n := range []string{"Pat Prospect", "Quinn Quiet", "Ray Replies", "Sam Silent"} {
		must[*PersonDetail](t)(a.AddPerson(ctx, n, PersonEdit{}))
	}
	day := func(d int) *time.Time { return at(a, now.AddDate(0, 0, -d).Format("2006-01-02")) }
	for _, in := range []LogInput{
		{Ref: "rita", Kind: "meal", By: "both", At: day(40)},
		{Ref: "rita", Kind: "refer", By: "them", At: day(12), Favour: true, Note: "Acme's CTO"},
		{Ref: "ivan", Kind: "meeting", By: "both", At: day(40)},
		{Ref: "pat", Kind: "call", By: "me", At: day(10), Minutes: 30},
		{Ref: "quinn", Kind: "message", By: "me", At: day(9)},
		{Ref: "ray", Kind: "message", By: "me", At: day(9)},
		{Ref: "ray", Kind: "message", By: "them", At: day(8)},
		{Ref: "sam", Kind: "message", By: "me", At: day(9)},
	} {
		must[*rapport.Interaction](t)(a.Log(ctx, in))
	}
	earlier := New(a.DB, func() time.Time { return now.AddDate(0, 0, -5) })
	ask := must[*AskResult](t)(earlier.Ask(ctx, AskInput{Ref: "ivan", Action: "introduce", Force: true}))
	must[*rapport.Ask](t)(earlier.Answer(ctx, *ask.ID, "yes", nil))
	r := must[*Report](t)(a.Report(ctx, day(30), nil))
	o := r.Outcomes
	kinds := map[string]string{}
	for _, x := range o.All {
		kinds[x.Person.Name+" "+x.Type] = x.Action
	}
	if kinds["Rita Referrer favour"] != "refer" || kinds["Ivan Intro yes"] != "introduce" {
		t.Errorf("outcomes %+v", o.All)
	}
	if len(o.Goals) != 1 || len(o.Goals[0].Outcomes) != 1 || o.Goals[0].Outcomes[0].Person.Name != "Rita Referrer" {
		t.Errorf("the clients goal's outcomes: %+v", o.Goals)
	}
	if o.Reached != 4 || o.Responded != 1 || o.ResponseRate != 0.25 {
		t.Errorf("outreach: %d reached, %d answered, rate %v", o.Reached, o.Responded, o.ResponseRate)
	}
	if r.Minutes.Gives != 0 || r.Gives != 0 {
		t.Errorf("a sales call you started counted as a give: %+v, %d gives", r.Minutes, r.Gives)
	}
}

// An action's cost is what it takes: an offer that says how long it takes is
// planned at that length.
func TestMinutesIn(t *testing.T) {
	for text, want := range map[string]int{
		"a 90-minute workshop on pricing": 90, "2 hours of code review": 120, "a 1.5h design critique": 90,
		"30 min intro call": 30, "a half-day offsite": 240, "code review": 0, "hiring network": 0, "5 mins": 5,
	} {
		if got := minutesIn(text); got != want {
			t.Errorf("minutesIn(%q) = %d, want %d", text, got, want)
		}
	}
	a := newApp(t, now)
	ctx := context.Background()
	must[*Me](t)(a.EditMe(ctx, []string{"a 90-minute pricing workshop"}, nil))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Fay Founder", PersonEdit{AddWants: []string{"fix our pricing"}}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "fay", Kind: "meal", By: "both", At: at(a, "2026-11-01")}))
	p := must[*PlanView](t)(a.Plan(ctx, true, 10000))
	found := false
	for _, it := range p.Items {
		if it.Person.Name == "Fay Founder" && strings.Contains(it.Action, "workshop") {
			found = true
			if it.Minutes != 90 {
				t.Errorf("the workshop is planned at %d minutes", it.Minutes)
			}
		}
	}
	if !found {
		t.Errorf("no workshop for the founder who wants pricing help: %+v", p.Items)
	}
}

// The assignment ranks helpers by evidence they can help (the person who
// already referred two clients first, ahead of weak ties that merely share
// a tag), and rotates: last month's people rest when others qualify.
func TestAssignmentRanksByEvidenceAndRotates(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	goal := must[*rapport.Goal](t)(a.AddGoal(ctx, "land two clients", []string{"client"}, nil))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Rita Referrer", PersonEdit{}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "rita", Kind: "meal", By: "both", At: at(a, "2026-08-01")}))
	for _, d := range []string{"2026-09-01", "2026-10-15"} {
		must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "rita", Kind: "refer", By: "them", At: at(a, d), Favour: true}))
	}
	for i := range 12 {
		name := fmt.Sprintf("Tag Sharer %02d", i)
		must[*PersonDetail](t)(a.AddPerson(ctx, name, PersonEdit{AddTags: []string{"client"}}))
		must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: name, Kind: "call", By: "both", At: at(a, "2026-11-01")}))
	}
	g := must[*GoalView](t)(a.ShowGoal(ctx, goal.ID, 20))
	if len(g.Helpers) == 0 || g.Helpers[0].Person.Name != "Rita Referrer" || !strings.Contains(strings.Join(g.Helpers[0].Why, ";"), "did refer for you 2 times") {
		t.Fatalf("helpers for the clients goal: %+v", g.Helpers)
	}
	first := must[*AssignmentView](t)(a.NewAssignment(ctx, goal.ID, 30, false))
	firstPeople := map[string]bool{}
	for _, s := range first.Slots {
		firstPeople[s.Person.ID] = true
	}
	next := New(a.DB, func() time.Time { return now.AddDate(0, 0, 31) })
	second := must[*AssignmentView](t)(next.NewAssignment(ctx, goal.ID, 30, false))
	repeated := 0
	for _, s := range second.Slots {
		if firstPeople[s.Person.ID] {
			repeated++
		}
	}
	if len(second.Slots) == 0 || repeated > 0 {
		t.Errorf("next month repeats %d of %d people, with twelve others qualified", repeated, len(second.Slots))
	}
}

// A deep give gets a day: with 20 minutes a day, a 90-minute workshop the
// week affords is today's block; once given, no other block this week. A
// week plan puts items on days, promises by their due day.
func TestDeepGivesGetADay(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*Budget](t)(a.SetBudget(ctx, ptr(20), ptr(150)))
	must[*Me](t)(a.EditMe(ctx, []string{"a 90-minute pricing workshop"}, nil))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Fay Founder", PersonEdit{AddWants: []string{"fix our pricing"}}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Pam Promise", PersonEdit{}))
	for _, n := range []string{"fay", "pam"} {
		must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: n, Kind: "meal", By: "both", At: at(a, "2026-11-01")}))
	}
	must[*rapport.Followup](t)(a.AddFollowup(ctx, "pam", "send the notes", at(a, "2026-11-24")))
	p := must[*PlanView](t)(a.Plan(ctx, false, 0))
	var block *PlanItem
	for i, it := range p.Items {
		if it.Block {
			block = &p.Items[i]
		}
	}
	if block == nil || block.Person.Name != "Fay Founder" || block.Minutes != 90 {
		t.Fatalf("no 90-minute block for the workshop today: %+v", p.Items)
	}
	w := must[*PlanView](t)(a.Plan(ctx, true, 0))
	for _, it := range w.Items {
		if it.Day == "" {
			t.Errorf("a week item without a day: %+v", it)
		}
		if it.Kind == "followup" && it.Day > "2026-11-24" {
			t.Errorf("the promise due on the 24th is scheduled on %s", it.Day)
		}
	}
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "fay", Kind: block.LogKind, By: "me", Favour: true, Minutes: 90, Toward: "fix our"}))
	tomorrow := New(a.DB, func() time.Time { return now.AddDate(0, 0, 1) })
	for _, it := range must[*PlanView](t)(tomorrow.Plan(ctx, false, 0)).Items {
		if it.Block {
			t.Errorf("a second block the day after a deep give: %+v", it)
		}
	}
}

// For rungs that take more than goodwill the guard says whether the person
// looks able; people tagged prospect are never helpers.
func TestAbilityAndProspects(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	goal := must[*rapport.Goal](t)(a.AddGoal(ctx, "land two clients", []string{"client"}, nil))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Rita Referrer", PersonEdit{AddOffers: []string{"client referrals"}, AddTags: []string{"client"}}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Pat Prospect", PersonEdit{AddTags: []string{"client", "prospect"}}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Una Unknown", PersonEdit{}))
	for _, n := range []string{"rita", "pat", "una"} {
		must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: n, Kind: "meal", By: "both", At: at(a, "2026-11-01")}))
	}
	if r := must[*AskResult](t)(a.Ask(ctx, AskInput{Ref: "rita", Action: "refer", Check: true})); !strings.HasPrefix(r.Ability, "likely") || !strings.Contains(r.Ability, "client referrals") {
		t.Errorf("Rita's ability to refer: %q", r.Ability)
	}
	if r := must[*AskResult](t)(a.Ask(ctx, AskInput{Ref: "una", Action: "refer", Check: true})); !strings.HasPrefix(r.Ability, "unknown") {
		t.Errorf("Una's ability to refer: %q", r.Ability)
	}
	if r := must[*AskResult](t)(a.Ask(ctx, AskInput{Ref: "una", Action: "reply", Check: true})); r.Ability != "" {
		t.Errorf("a reply needs no ability, yet: %q", r.Ability)
	}
	for _, h := range must[*GoalView](t)(a.ShowGoal(ctx, goal.ID, 10)).Helpers {
		if h.Person.Name == "Pat Prospect" {
			t.Errorf("a prospect is listed as a helper for %q", goal.Text)
		}
	}
}

// A person introduced warmly by someone you trust starts with part of that
// trust: the guard does not say give-first to the call the intro set up.
func TestAWarmIntroductionLendsTrust(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ivan Intro", PersonEdit{}))
	for d := 300; d >= 5; d -= 7 {
		must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "ivan", Kind: "meal", By: "both", At: at(a, now.AddDate(0, 0, -d).Format("2006-01-02"))}))
	}
	must[*PersonDetail](t)(a.AddPerson(ctx, "Dee Designer", PersonEdit{}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Cold Contact", PersonEdit{}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "dee", Kind: "message", By: "them", Via: "ivan", At: at(a, "2026-11-21")}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "cold", Kind: "message", By: "them", At: at(a, "2026-11-21")}))
	warm := must[*AskResult](t)(a.Ask(ctx, AskInput{Ref: "dee", Action: "call", Check: true}))
	cold := must[*AskResult](t)(a.Ask(ctx, AskInput{Ref: "cold", Action: "call", Check: true}))
	if warm.Verdict != rapport.VerdictGo || !strings.Contains(strings.Join(warm.Reasons, ";"), "introduced by Ivan Intro") {
		t.Errorf("a call with someone Ivan introduced: %+v", warm)
	}
	if cold.Verdict != rapport.VerdictGiveFirst {
		t.Errorf("a call with a cold contact: %+v", cold)
	}
	if _, err := a.Log(ctx, LogInput{Ref: "dee", Kind: "message", Via: "dee"}); rapport.ErrorCode(err) != rapport.EINVALID {
		t.Errorf("introduced by themselves: %v", err)
	}
}

// Fading ties surface instead of vanishing: a close friend silent for 18
// months has decayed out of the close layer, yet is overdue on the close
// rhythm, and is in the week's plan, with how far the tie has fallen.
func TestFadingTiesSurface(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Old Friend", PersonEdit{}))
	for d := 1500; d >= 540; d -= 10 {
		must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "old friend", Kind: "meal", By: "both", At: at(a, now.AddDate(0, 0, -d).Format("2006-01-02"))}))
	}
	var o *Overdue
	for _, x := range must[[]Overdue](t)(a.Overdue(ctx)) {
		if x.Person.Name == "Old Friend" {
			o = &x
		}
	}
	if o == nil || o.KeptLayer == o.Layer || o.CadenceDays > 30 || !(o.Was > o.Strength) {
		t.Fatalf("the fading friend in overdue: %+v", o)
	}
	found := false
	for _, it := range must[*PlanView](t)(a.Plan(ctx, true, 0)).Items {
		found = found || it.Person.Name == "Old Friend" && strings.Contains(it.Reason, "fading")
	}
	if !found {
		t.Error("the fading friend is not in the week's plan")
	}
	// The capacity warnings count them where they are kept, with the
	// upkeep of that layer, until they are let go on purpose.
	layerOf := func() (string, float64) {
		c := must[*PlanView](t)(a.Plan(ctx, true, 0)).Capacity
		in := ""
		for _, l := range c.Layers {
			if l.People > 0 && in == "" {
				in = l.Layer
			}
		}
		return in, c.NeededWeekMinutes
	}
	if in, need := layerOf(); in != o.KeptLayer || need <= 0 {
		t.Errorf("capacity counts the fading friend in %q with %.1f minutes a week of upkeep; want the kept %s layer", in, need, o.KeptLayer)
	}
	network := "network"
	must[*PersonDetail](t)(a.EditPerson(ctx, "old friend", PersonEdit{Keep: &network}))
	if in, need := layerOf(); in != "" || need != 0 {
		t.Errorf("after letting go, capacity still counts the friend in %q with %.1f minutes a week", in, need)
	}
}
