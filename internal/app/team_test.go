package app

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/demo"
	"github.com/rapport-app/rapport/internal/importer"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store/pgtest"
)

// acme makes the workspace "Acme Partners", owned by pat (an address, a
// name before it if wanted) with ann as a member of annRole, and opens it:
// the server's App, the workspace's, and the two members.
func acme(t *testing.T, pat, ann, annRole string) (dir, a *App, patM, annM Member) {
	t.Helper()
	ctx := context.Background()
	dir = newApp(t, now)
	patM = must[*Invitation](t)(dir.TeamInit(ctx, "Acme Partners", pat)).Member
	annM = must[*Invitation](t)(dir.TeamInvite(ctx, "Acme Partners", ann, annRole)).Member
	return dir, space(t, dir, patM), patM, annM
}

// space opens a workspace's App for a test, closed after it.
func space(t *testing.T, a *App, m Member) *App {
	t.Helper()
	w, err := a.Workspace(context.Background(), m.Workspace.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// The team server runs on PostgreSQL: on a file, team init says so and
// writes nothing.
func TestTeamNeedsPostgreSQL(t *testing.T) {
	if pgtest.Enabled() {
		t.Skip("the SQLite run's test")
	}
	a := newApp(t, now)
	if _, err := a.TeamInit(context.Background(), "Acme", "pat@acme.example"); rapport.ErrorCode(err) != rapport.EINVALID || !strings.Contains(err.Error(), "PostgreSQL") {
		t.Errorf("team init on SQLite: %v", err)
	}
	if team, err := a.TeamMode(context.Background()); team || err != nil {
		t.Errorf("team mode on SQLite: %v %v", team, err)
	}
}

// A workspace, its owner and members, their sign-in links (once, and only
// theirs) and personal tokens.
func TestTeamAccounts(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	a := newApp(t, now)
	ctx := context.Background()
	owner := must[*Invitation](t)(a.TeamInit(ctx, "Acme Partners", "Pat <pat@acme.example>"))
	if owner.Member.Role != RoleOwner || owner.Member.Email != "pat@acme.example" || !strings.HasPrefix(owner.Link, "/signin/") {
		t.Fatalf("owner: %+v", owner)
	}
	if _, err := a.TeamInit(ctx, "Acme Partners", "x@other.example"); rapport.ErrorCode(err) != rapport.ECONFLICT {
		t.Errorf("a second workspace of the same name: %v", err)
	}
	other := must[*Invitation](t)(a.TeamInit(ctx, "Other", "pat@acme.example"))
	if other.Member.Workspace.Name != "Other" || other.Member.ID == owner.Member.ID {
		t.Errorf("a second workspace: %+v", other)
	}
	if team, _ := a.TeamMode(ctx); !team {
		t.Error("not in team mode after init")
	}
	ann := must[*Invitation](t)(a.TeamInvite(ctx, "Acme Partners", "ann@acme.example", "admin"))
	if ann.Member.Role != RoleAdmin || ann.Link == owner.Link {
		t.Errorf("invite: %+v", ann)
	}
	for _, bad := range []struct{ ws, email, role string }{
		{"Acme Partners", "ann@acme.example", "member"}, // already there
		{"Acme Partners", "bob@acme.example", "owner"},  // one owner
		{"Acme Partners", "not an email", "member"},
		{"Nowhere", "bob@acme.example", "member"},
	} {
		if _, err := a.TeamInvite(ctx, bad.ws, bad.email, bad.role); err == nil {
			t.Errorf("invite %+v accepted", bad)
		}
	}
	// A sign-in link lets its member in, once.
	m := must[*Member](t)(a.SignIn(ctx, strings.TrimPrefix(ann.Link, "/signin/")))
	if m.Email != "ann@acme.example" || m.Workspace.Name != "Acme Partners" {
		t.Errorf("signed in as %+v", m)
	}
	if _, err := a.SignIn(ctx, strings.TrimPrefix(ann.Link, "/signin/")); err == nil {
		t.Error("a sign-in link worked twice")
	}
	if _, err := a.SignIn(ctx, "forged"); err == nil {
		t.Error("a made-up link worked")
	}
	// A personal token names its member; a link is not a token.
	tok := must[string](t)(a.TeamToken(ctx, "Acme Partners", "pat@acme.example"))
	if who, ok, err := a.MemberForToken(ctx, tok); err != nil || !ok || who.Email != "pat@acme.example" {
		t.Errorf("token: %+v %v %v", who, ok, err)
	}
	if _, ok, _ := a.MemberForToken(ctx, strings.TrimPrefix(owner.Link, "/signin/")); ok {
		t.Error("a sign-in link served as an API token")
	}
	if _, err := a.TeamToken(ctx, "Acme Partners", "nobody@acme.example"); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("a token for no member: %v", err)
	}
	// Revoked, a token names no one; removed, a member is no one.
	annTok := must[string](t)(a.TeamToken(ctx, "Acme Partners", "ann@acme.example"))
	if n := must[int](t)(a.TeamRevoke(ctx, "Acme Partners", "ann@acme.example")); n != 2 {
		t.Errorf("revoked %d tokens and links, want 2 (the used link and the token)", n)
	}
	if _, ok, _ := a.MemberForToken(ctx, annTok); ok {
		t.Error("a revoked token still names its member")
	}
	if err := a.TeamRemove(ctx, "Acme Partners", "ann@acme.example"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.MemberByID(ctx, ann.Member.ID); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("a removed member: %v", err)
	}
	if err := a.TeamRemove(ctx, "Acme Partners", "pat@acme.example"); rapport.ErrorCode(err) != rapport.ECONFLICT {
		t.Errorf("removing the owner: %v", err)
	}
}

// The team ask guard: an ask a teammate made of a person this month makes
// the next one wait, naming who and when, never why; one's own ask reads
// as one's own.
func TestTeamAskGuardNamesTheTeammate(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	ctx := context.Background()
	_, a, pat, ann := acme(t, "Pat Partner <pat@acme.example>", "Ann Admin <ann@acme.example>", "admin")
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ivan Investor", PersonEdit{}))
	for d := 60; d > 20; d -= 10 {
		must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "ivan", Kind: "meal", At: ptr(now.AddDate(0, 0, -d))}))
	}
	asPat, asAnn := WithMember(ctx, &pat), WithMember(ctx, &ann)
	first := must[*AskResult](t)(a.Ask(asPat, AskInput{Ref: "ivan", Action: "call", Note: "about the fund's thesis", Force: true}))
	if !first.Recorded {
		t.Fatalf("pat's ask: %+v", first)
	}
	v := must[*AskResult](t)(a.Ask(asAnn, AskInput{Ref: "ivan", Action: "call", Check: true}))
	said := strings.Join(v.Reasons, " | ")
	if v.Verdict != rapport.VerdictWait || !strings.Contains(said, "Pat Partner on your team asked them today") || strings.Contains(said, "thesis") {
		t.Errorf("ann's check: %s %q", v.Verdict, said)
	}
	mine := must[*AskResult](t)(a.Ask(asPat, AskInput{Ref: "ivan", Action: "call", Check: true}))
	if s := strings.Join(mine.Reasons, " | "); !strings.Contains(s, "you asked them to call today") {
		t.Errorf("pat's own check: %q", s)
	}
	if l := must[*Ledger](t)(a.Ledger(ctx, "ivan")); len(l.Entries) == 0 {
		t.Error("no ledger")
	}
	asks := must[[]rapport.Ask](t)(a.OpenAsks(ctx, "ivan"))
	if len(asks) != 1 || asks[0].AskedBy != "Pat Partner" {
		t.Errorf("open asks: %+v", asks)
	}
}

// Who knows a person best: each member's tie comes from what they logged
// alone, strongest first, with their last contact and nothing of its content.
func TestWhoOnTheTeamKnowsThemBest(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	ctx := context.Background()
	_, a, pat, ann := acme(t, "Pat Partner <pat@acme.example>", "Ann Admin <ann@acme.example>", "member")
	must[*PersonDetail](t)(a.AddPerson(ctx, "Xavier Xu", PersonEdit{}))
	asPat, asAnn := WithMember(ctx, &pat), WithMember(ctx, &ann)
	for d := 90; d > 0; d -= 15 {
		must[*rapport.Interaction](t)(a.Log(asAnn, LogInput{Ref: "xavier", Kind: "meal", At: ptr(now.AddDate(0, 0, -d)), Note: "ann's secret"}))
	}
	must[*rapport.Interaction](t)(a.Log(asPat, LogInput{Ref: "xavier", Kind: "email", At: ptr(now.AddDate(0, 0, -3))}))
	d := must[*PersonDetail](t)(a.Show(asPat, "xavier"))
	if len(d.Team) != 2 || d.Team[0].Member.Email != "ann@acme.example" || d.Team[1].Member.Email != "pat@acme.example" ||
		!(d.Team[0].Strength > d.Team[1].Strength && d.Team[1].Strength > 0) {
		t.Fatalf("team: %+v", d.Team)
	}
	if d.Team[1].LastContact == nil || !d.Team[1].LastContact.Equal(now.AddDate(0, 0, -3)) {
		t.Errorf("pat's last contact: %v", d.Team[1].LastContact)
	}
	// Ann's strength is what her history alone gives.
	alone := newApp(t, now)
	must[*PersonDetail](t)(alone.AddPerson(ctx, "Xavier Xu", PersonEdit{}))
	for d := 90; d > 0; d -= 15 {
		must[*rapport.Interaction](t)(alone.Log(ctx, LogInput{Ref: "xavier", Kind: "meal", At: ptr(now.AddDate(0, 0, -d))}))
	}
	if s := must[*PersonDetail](t)(alone.Show(ctx, "xavier")).Strength; s != d.Team[0].Strength {
		t.Errorf("ann's strength %v, her history alone gives %v", d.Team[0].Strength, s)
	}
}

// The team ladder: a person counts for the team when at least one member's
// own tie stands above the rung; each member's column counts their own.
func TestTeamLadder(t *testing.T) {
	if !pgtest.Enabled() {
		if _, err := newApp(t, now).TeamLadder(context.Background()); rapport.ErrorCode(err) != rapport.EINVALID {
			t.Errorf("a team ladder without a team: %v", err)
		}
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs the rest")
	}
	ctx := context.Background()
	_, a, pat, ann := acme(t, "Pat <pat@acme.example>", "Ann <ann@acme.example>", "member")
	for _, n := range []string{"Xavier Xu", "Yara Yi", "Zed Zhu"} {
		must[*PersonDetail](t)(a.AddPerson(ctx, n, PersonEdit{}))
	}
	often := func(m *Member, ref string) {
		for d := 200; d > 0; d -= 10 {
			must[*rapport.Interaction](t)(a.Log(WithMember(ctx, m), LogInput{Ref: ref, Kind: "meal", At: ptr(now.AddDate(0, 0, -d))}))
		}
	}
	often(&ann, "xavier") // Ann knows Xavier well
	often(&pat, "yara")   // Pat knows Yara well
	must[*rapport.Interaction](t)(a.Log(WithMember(ctx, &pat), LogInput{Ref: "xavier", Kind: "like"}))
	l := must[*TeamLadder](t)(a.TeamLadder(ctx))
	if l.Contacts != 3 || len(l.Members) != 2 || l.Members[0].Email != "ann@acme.example" {
		t.Fatalf("ladder: %+v", l)
	}
	var r TeamRung
	for _, x := range l.Rungs {
		if x.Action == "call" {
			r = x
		}
	}
	if r.Team != 2 || r.Members[0] != 1 || r.Members[1] != 1 {
		t.Errorf("the call rung: team %d, ann %d, pat %d (want 2, 1, 1)", r.Team, r.Members[0], r.Members[1])
	}
	prev := l.Contacts
	for _, x := range l.Rungs {
		if x.Team > prev {
			t.Errorf("the team count rises with the threshold at %s", x.Action)
		}
		prev = x.Team
	}
}

// The team report counts each member's touches, gives and asks in the
// period, and the team's as their sum.
func TestTeamReport(t *testing.T) {
	if !pgtest.Enabled() {
		if _, err := newApp(t, now).TeamReport(context.Background(), nil, nil, false); rapport.ErrorCode(err) != rapport.EINVALID {
			t.Errorf("a team report without a team: %v", err)
		}
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs the rest")
	}
	ctx := context.Background()
	_, a, pat, ann := acme(t, "Pat <pat@acme.example>", "Ann <ann@acme.example>", "member")
	must[*PersonDetail](t)(a.AddPerson(ctx, "Xavier Xu", PersonEdit{}))
	asPat, asAnn := WithMember(ctx, &pat), WithMember(ctx, &ann)
	must[*rapport.Interaction](t)(a.Log(asPat, LogInput{Ref: "xavier", Kind: "call", At: ptr(now.AddDate(0, 0, -3))}))
	must[*rapport.Interaction](t)(a.Log(asPat, LogInput{Ref: "xavier", Kind: "introduce", By: rapport.ByMe, Favour: true, At: ptr(now.AddDate(0, 0, -2))}))
	must[*rapport.Interaction](t)(a.Log(asAnn, LogInput{Ref: "xavier", Kind: "call", At: ptr(now.AddDate(0, 0, -60))})) // before the period
	must[*AskResult](t)(a.Ask(asAnn, AskInput{Ref: "xavier", Action: "call", Force: true}))
	r := must[*TeamReport](t)(a.TeamReport(ctx, nil, nil, false))
	if len(r.Members) != 2 || r.Members[0].Member.Email != "ann@acme.example" {
		t.Fatalf("members: %+v", r.Members)
	}
	annR, patR := r.Members[0], r.Members[1]
	if annR.Touches != 0 || annR.Asks != 1 || annR.Pending != 1 || patR.Touches != 2 || patR.Gives != 1 || patR.Asks != 0 {
		t.Errorf("ann %+v, pat %+v", annR, patR)
	}
	if r.Team.Touches != 2 || r.Team.Gives != 1 || r.Team.Asks != 1 {
		t.Errorf("team %+v", r.Team)
	}
	if _, err := a.TeamReport(ctx, ptr(now), ptr(now.AddDate(0, 0, -1)), false); rapport.ErrorField(err) != "since" {
		t.Errorf("an empty period: %v", err)
	}
	// Whose ties moved: Pat's with Xavier grew (he called and introduced in
	// the period); Ann's, untouched since two months ago, faded; the team's
	// best tie with Xavier (Ann's before, Pat's now) grew. Each equals the
	// member's own tie replayed to each end.
	m := must[*TeamReport](t)(a.TeamReport(ctx, nil, nil, true))
	annM, patM := m.Members[0], m.Members[1]
	if patM.GrewCount != 1 || patM.FadedCount != 0 || len(patM.Grew) != 1 || patM.Grew[0].Person.Name != "Xavier Xu" || patM.Grew[0].From != 0 {
		t.Errorf("pat's moves: %+v", patM)
	}
	if annM.FadedCount != 1 || annM.GrewCount != 0 || annM.Faded[0].To >= annM.Faded[0].From {
		t.Errorf("ann's moves: %+v", annM)
	}
	p, kinds := must[model.Params](t)(a.params(ctx, a.DB.View())), must[map[string]rapport.Kind](t)(a.kindMap(ctx, a.DB.View()))
	x := must[*PersonDetail](t)(a.Show(asAnn, "xavier"))
	old := WithMember(ctx, &ann)
	a.Now = func() time.Time { return now.AddDate(0, 0, -30) }
	annThen := must[model.Tie](t)(a.tieAt(old, a.DB.View(), x.ID, kinds, p))
	a.Now = func() time.Time { return now }
	if want := round1(annThen.Strength(now.AddDate(0, 0, -30), p)); annM.Faded[0].From != want || annM.Faded[0].To != x.Strength {
		t.Errorf("ann's move %+v, her tie then %v and now %v", annM.Faded[0], want, x.Strength)
	}
	if m.Team.GrewCount != 1 || m.Team.Grew[0].To != patM.Grew[0].To {
		t.Errorf("the team's moves: %+v", m.Team)
	}
	// Each member's own report is theirs: their gives, their ties' moves.
	pr, ar := must[*Report](t)(a.Report(asPat, nil, nil)), must[*Report](t)(a.Report(asAnn, nil, nil))
	if pr.Gives != 1 || ar.Gives != 0 {
		t.Errorf("gives: pat %d, ann %d", pr.Gives, ar.Gives)
	}
	if len(pr.Grew) != 1 || pr.Grew[0].Person.ID != x.ID || pr.Grew[0].To != patM.Grew[0].To {
		t.Errorf("pat's report, grew: %+v", pr.Grew)
	}
	if len(ar.Grew) != 0 || len(ar.Faded) != 1 || ar.Faded[0].To != x.Strength {
		t.Errorf("ann's report: grew %+v, faded %+v", ar.Grew, ar.Faded)
	}
	// Whom each reached out to in the period, and their rungs at both ends:
	// Pat called Xavier, Ann's call was before it.
	if pr.Outcomes.Reached != 1 || ar.Outcomes.Reached != 0 {
		t.Errorf("reached: pat %d, ann %d", pr.Outcomes.Reached, ar.Outcomes.Reached)
	}
	for i, rung := range pr.Rungs {
		want := RungMove{Action: rung.Action, Threshold: rung.Threshold}
		for _, mv := range pr.Grew {
			if mv.From >= rung.Threshold {
				want.Start++
			}
			if mv.To >= rung.Threshold {
				want.End++
			}
		}
		if rung != want || ar.Rungs[i].End != btoi(x.Strength >= rung.Threshold) {
			t.Errorf("rung %s: pat %+v (want %+v), ann %+v", rung.Action, rung, want, ar.Rungs[i])
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Each member's ties are their own: whatever members log, import, undo,
// edit or merge, every stored member tie equals the tie their own history
// alone gives (a property, checked after each step), and what a member sees
// (a person's strength, their ladder, why) is theirs. A model change rebuilds
// them the same way.
func TestMembersTiesAreTheirOwn(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	ctx := context.Background()
	_, a, pat, ann := acme(t, "Pat <pat@acme.example>", "Ann <ann@acme.example>", "member")
	asPat, asAnn := WithMember(ctx, &pat), WithMember(ctx, &ann)
	for _, n := range []string{"Xavier Xu", "Yara Yi", "Xavier X."} {
		must[*PersonDetail](t)(a.AddPerson(asPat, n, PersonEdit{AddEmails: []string{strings.NewReplacer(" ", "", ".", "").Replace(strings.ToLower(n)) + "@example.com"}}))
	}
	holds := func(step string) {
		t.Helper()
		p, kinds := must[model.Params](t)(a.params(ctx, a.DB.View())), must[map[string]rapport.Kind](t)(a.kindMap(ctx, a.DB.View()))
		for _, m := range []Member{pat, ann} {
			as := WithMember(ctx, &m)
			for _, ref := range []string{"xavier xu", "yara"} {
				r, err := a.DB.View().Resolve(ctx, ref)
				if err != nil {
					continue // merged away
				}
				stored := must[model.Tie](t)(a.loadTie(as, a.DB.View(), r.ID))
				own := must[model.Tie](t)(a.tieAt(as, a.DB.View(), r.ID, kinds, p))
				if g, w := stored.Strength(now, p), own.Strength(now, p); math.Abs(g-w) > 1e-9 || stored.Touches != own.Touches {
					t.Errorf("%s: %s's tie with %s stored %.4f (%d touches), their history gives %.4f (%d)", step, m.Email, ref, g, stored.Touches, w, own.Touches)
				}
			}
		}
	}
	for d := 120; d > 0; d -= 20 {
		must[*rapport.Interaction](t)(a.Log(asAnn, LogInput{Ref: "xavier xu", Kind: "meal", At: ptr(now.AddDate(0, 0, -d))}))
	}
	must[*rapport.Interaction](t)(a.Log(asPat, LogInput{Ref: "xavier xu", Kind: "email", At: ptr(now.AddDate(0, 0, -3)), With: []string{"yara"}}))
	holds("logs")
	annX := must[*PersonDetail](t)(a.Show(asAnn, "xavier xu"))
	patX := must[*PersonDetail](t)(a.Show(asPat, "xavier xu"))
	if !(annX.Strength > patX.Strength && patX.Strength > 0) {
		t.Errorf("xavier's strength: ann %v, pat %v (ann met him six times, pat wrote once)", annX.Strength, patX.Strength)
	}
	if w := must[*Why](t)(a.Why(asPat, "xavier xu", 10)); len(w.Top) != 1 || w.Top[0].Kind != "email" {
		t.Errorf("pat's why names others' touches: %+v", w.Top)
	}
	rung := func(as context.Context, action string) int {
		for _, r := range must[*Ladder](t)(a.Ladder(as)).Rungs {
			if r.Action == action {
				return r.People
			}
		}
		return -1
	}
	if ac, pc := rung(asAnn, "call"), rung(asPat, "call"); ac != 1 || pc != 0 {
		t.Errorf("call rung: ann %d, pat %d (want 1, 0)", ac, pc)
	}
	// An import is the importer's.
	res := &importer.Result{Touches: []importer.Touch{{Key: "k1", At: now.AddDate(0, 0, -10), Kind: "call", People: []importer.Person{{Name: "Yara Yi", Emails: []string{"yarayi@example.com"}}}, Where: "f:1"}}}
	must[*ImportSummary](t)(a.Import(asPat, "test", res, false))
	holds("import")
	yara := must[*PersonDetail](t)(a.Show(asPat, "yara"))
	if tie := must[model.Tie](t)(a.loadTie(asPat, a.DB.View(), yara.ID)); tie.Touches != 2 {
		t.Errorf("pat's tie with yara after the import: %d touches, want 2", tie.Touches)
	}
	if s := must[*PersonDetail](t)(a.Show(asAnn, "yara")).Strength; s != 0 {
		t.Errorf("ann's strength with yara, whom she never met: %v", s)
	}
	// Undo takes back the member's own last touch, not a teammate's.
	must[*rapport.Interaction](t)(a.Log(asAnn, LogInput{Ref: "yara", Kind: "call"}))
	u := must[*rapport.Interaction](t)(a.Undo(asPat))
	if u.MemberID != pat.ID {
		t.Errorf("pat's undo took back a teammate's touch: %+v", u)
	}
	holds("undo")
	// A teammate's interaction is not yours to change.
	annLast := must[*rapport.Interaction](t)(a.Undo(asAnn))
	mine := must[*rapport.Interaction](t)(a.Log(asAnn, LogInput{Ref: "yara", Kind: "meal", At: ptr(now.AddDate(0, 0, -1))}))
	if _, err := a.DeleteInteraction(asPat, mine.ID); rapport.ErrorCode(err) != rapport.EINVALID {
		t.Errorf("pat forgot ann's interaction: %v", err)
	}
	_ = annLast
	must[*rapport.Interaction](t)(a.EditInteraction(asAnn, mine.ID, InteractionEdit{Kind: ptr("call")}))
	holds("edit")
	must[*PersonDetail](t)(a.Merge(asPat, "xavier xu", "xavier x."))
	holds("merge")
	if err := a.SetConfig(asPat, "half_life", "200"); err != nil {
		t.Fatal(err)
	}
	holds("rebuild")
}

// A way in through the team: a teammate who knows the target, or knows
// someone who knows them, ranked by the product of ties, with the
// teammate's rung checked; never through yourself.
func TestTeamIntroPaths(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	ctx := context.Background()
	dir, a, pat, ann := acme(t, "Pat <pat@acme.example>", "Ann <ann@acme.example>", "member")
	cal := must[*Invitation](t)(dir.TeamInvite(ctx, "Acme Partners", "Cal <cal@acme.example>", "member")).Member
	asPat, asAnn, asCal := WithMember(ctx, &pat), WithMember(ctx, &ann), WithMember(ctx, &cal)
	for _, n := range []string{"Xavier Xu", "Yara Yi"} {
		must[*PersonDetail](t)(a.AddPerson(asPat, n, PersonEdit{}))
	}
	for d := 300; d > 0; d -= 15 {
		must[*rapport.Interaction](t)(a.Log(asAnn, LogInput{Ref: "xavier", Kind: "meal", At: ptr(now.AddDate(0, 0, -d))}))
		must[*rapport.Interaction](t)(a.Log(asPat, LogInput{Ref: "yara", Kind: "call", At: ptr(now.AddDate(0, 0, -d))}))
	}
	if err := a.Knows(asPat, "yara", "xavier", 80); err != nil {
		t.Fatal(err)
	}
	in := must[*Intro](t)(a.Intro(asCal, "xavier", 10))
	if len(in.Team) != 2 {
		t.Fatalf("cal's team paths: %+v", in.Team)
	}
	direct, via := in.Team[0], in.Team[1]
	annTie := must[*PersonDetail](t)(a.Show(asAnn, "xavier")).Strength
	patTie := must[*PersonDetail](t)(a.Show(asPat, "yara")).Strength
	if direct.Member.Email != "ann@acme.example" || len(direct.Via) != 1 || direct.Score != annTie || direct.AboveThreshold != (annTie >= 45) {
		t.Errorf("through ann: %+v (her tie %v)", direct, annTie)
	}
	if via.Member.Email != "pat@acme.example" || len(via.Via) != 2 || via.Via[0].Name != "Yara Yi" || via.Score != round1(patTie*80/100) {
		t.Errorf("through pat and yara: %+v (his tie %v)", via, patTie)
	}
	if direct.Score < via.Score {
		t.Error("not ranked by score")
	}
	// Ann's own way in is her own tie, not a team path through herself.
	for _, p := range must[*Intro](t)(a.Intro(asAnn, "xavier", 10)).Team {
		if p.Member.Email == "ann@acme.example" {
			t.Errorf("ann's team paths go through ann: %+v", p)
		}
	}
}

// Privacy on a team's server: a teammate sees that Pat met Xavier (who,
// when, kind) and the notes he shared, never his private notes, what he
// wrote about a meeting, or why he asked; nor can they remove his notes,
// or carry everything out in a backup.
func TestTeammatesSeeNoContent(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	ctx := context.Background()
	_, a, pat, ann := acme(t, "Pat <pat@acme.example>", "Ann <ann@acme.example>", "admin")
	asPat, asAnn := WithMember(ctx, &pat), WithMember(ctx, &ann)
	must[*PersonDetail](t)(a.AddPerson(asPat, "Xavier Xu", PersonEdit{AddNotes: []string{"pat's private thought"}, AddEmails: []string{"x@example.com"}}))
	must[*PersonDetail](t)(a.EditPerson(asPat, "xavier", PersonEdit{AddNotes: []string{"pat's shared fact"}, ShareNotes: true}))
	must[*PersonDetail](t)(a.EditPerson(asAnn, "xavier", PersonEdit{AddNotes: []string{"ann's own"}}))
	must[*rapport.Interaction](t)(a.Log(asPat, LogInput{Ref: "xavier", Kind: "meal", Note: "pat's lunch secrets", At: ptr(now.AddDate(0, 0, -2))}))
	must[*AskResult](t)(a.Ask(asPat, AskInput{Ref: "xavier", Action: "call", Note: "pat's reason", Force: true}))
	notes := func(d *PersonDetail) string {
		var s []string
		for _, n := range d.Notes {
			s = append(s, n.Text+"|"+n.By+"|"+map[bool]string{true: "private"}[n.Private])
		}
		return strings.Join(s, ", ")
	}
	annSees := must[*PersonDetail](t)(a.Show(asAnn, "xavier"))
	if got := notes(annSees); got != "pat's shared fact|Pat|, ann's own||private" {
		t.Errorf("ann reads the notes: %s", got)
	}
	if got := notes(must[*PersonDetail](t)(a.Show(asPat, "xavier"))); got != "pat's private thought||private, pat's shared fact||" {
		t.Errorf("pat reads the notes: %s", got)
	}
	if len(annSees.Timeline) != 1 || annSees.Timeline[0].Kind != "meal" || annSees.Timeline[0].Note != "" {
		t.Errorf("ann's timeline: %+v", annSees.Timeline)
	}
	if d := must[*PersonDetail](t)(a.Show(asPat, "xavier")); d.Timeline[0].Note != "pat's lunch secrets" {
		t.Errorf("pat's own timeline lost his note: %q", d.Timeline[0].Note)
	}
	for _, e := range must[*Ledger](t)(a.Ledger(asAnn, "xavier")).Entries {
		if e.Note != "" {
			t.Errorf("ann's ledger shows %q", e.Note)
		}
	}
	for _, x := range must[[]rapport.Ask](t)(a.OpenAsks(asAnn, "xavier")) {
		if x.Note != "" || x.AskedBy != "Pat" {
			t.Errorf("ann's open asks: %+v", x)
		}
	}
	// Removing Pat's note: not Ann's to do, even knowing its text.
	if _, err := a.EditPerson(asAnn, "xavier", PersonEdit{RmNotes: []string{"pat's private thought"}}); err == nil {
		t.Error("ann removed pat's note")
	}
	// An edit by Ann keeps Pat's notes as they were.
	must[*PersonDetail](t)(a.EditPerson(asAnn, "xavier", PersonEdit{AddTags: []string{"investor"}}))
	if got := notes(must[*PersonDetail](t)(a.Show(asPat, "xavier"))); got != "pat's private thought||private, pat's shared fact||" {
		t.Errorf("after ann's edit pat reads: %s", got)
	}
	var vcf strings.Builder
	if err := a.ExportVCard(asAnn, &vcf, ExportFilter{}); err != nil || strings.Contains(vcf.String(), "private thought") || !strings.Contains(vcf.String(), "shared fact") {
		t.Errorf("ann's vCard export (%v): %s", err, vcf.String())
	}
	if err := a.ExportJSON(asPat, &vcf); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("a workspace's JSON export: %v", err)
	}
	// Pat opts in: Ann now reads what his interactions say (not his private
	// notes, nor why he asked); opting out hides it again. Ann's choice is
	// hers: Pat's turning it on shows nothing of hers.
	must[*rapport.Interaction](t)(a.Log(asAnn, LogInput{Ref: "xavier", Kind: "call", By: rapport.ByThem, Favour: true, Note: "ann's call notes", At: ptr(now.AddDate(0, 0, -1))}))
	if on := must[bool](t)(a.ShareContent(asPat)); on {
		t.Error("sharing content is on before pat turned it on")
	}
	if err := a.SetShareContent(asPat, true); err != nil {
		t.Fatal(err)
	}
	if !must[bool](t)(a.ShareContent(asPat)) || must[bool](t)(a.ShareContent(asAnn)) {
		t.Error("pat's choice is not pat's alone")
	}
	says := func(who context.Context) string {
		var s []string
		for _, it := range must[*PersonDetail](t)(a.Show(who, "xavier")).Timeline {
			s = append(s, it.Note)
		}
		return strings.Join(s, "|")
	}
	if got := says(asAnn); got != "ann's call notes|pat's lunch secrets" {
		t.Errorf("ann's timeline with pat sharing: %q", got)
	}
	if got := says(asPat); got != "|pat's lunch secrets" {
		t.Errorf("pat's timeline, ann not sharing: %q", got)
	}
	if got := notes(must[*PersonDetail](t)(a.Show(asAnn, "xavier"))); strings.Contains(got, "private thought") {
		t.Errorf("pat's sharing what his interactions say showed his private note: %s", got)
	}
	for _, x := range must[[]rapport.Ask](t)(a.OpenAsks(asAnn, "xavier")) {
		if x.Note != "" {
			t.Errorf("pat's sharing showed why he asked: %+v", x)
		}
	}
	if err := a.SetShareContent(asPat, false); err != nil {
		t.Fatal(err)
	}
	if got := says(asAnn); got != "ann's call notes|" {
		t.Errorf("ann's timeline after pat stopped sharing: %q", got)
	}
	if err := newApp(t, now).SetShareContent(ctx, true); rapport.ErrorCode(err) != rapport.EINVALID {
		t.Errorf("sharing on a single user's Rapport: %v", err)
	}
}

// The team's 5 + 5: each member's assignment, goals and follow-ups are
// their own, and no one is in two members' slots in one period: a
// teammate's people are left out of yours (and cannot be swapped in), and
// your view shows who on the team is giving to whom.
func TestTeamAssignmentsDoNotDoubleBook(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	ctx := context.Background()
	_, a, pat, ann := acme(t, "Pat <pat@acme.example>", "Ann <ann@acme.example>", "member")
	asPat, asAnn := WithMember(ctx, &pat), WithMember(ctx, &ann)
	for i := range 14 {
		must[*PersonDetail](t)(a.AddPerson(asPat, fmt.Sprintf("Founder %d", i), PersonEdit{AddWants: []string{"a designer"}, AddTags: []string{"investor"}}))
	}
	must[*rapport.Goal](t)(a.AddGoal(asPat, "raise a seed round", []string{"investor"}, nil))
	if g := must[[]rapport.Goal](t)(a.Goals(asAnn)); len(g) != 0 {
		t.Errorf("ann sees pat's goals: %+v", g)
	}
	mine := must[*AssignmentView](t)(a.NewAssignment(asPat, "", 30, false))
	if len(mine.Slots) == 0 || mine.Goal == nil {
		t.Fatalf("pat's assignment: %+v", mine)
	}
	patPeople := map[string]bool{}
	for _, s := range mine.Slots {
		patPeople[s.Person.ID] = true
	}
	theirs := must[*AssignmentView](t)(a.NewAssignment(asAnn, "none", 30, false))
	for _, s := range theirs.Slots {
		if patPeople[s.Person.ID] {
			t.Errorf("%s is in both pat's and ann's slots", s.Person.Name)
		}
	}
	if len(theirs.Team) != len(mine.Slots) || theirs.Team[0].Member.Email != "pat@acme.example" {
		t.Errorf("ann's view of the team: %+v", theirs.Team)
	}
	if theirs.Goal != nil {
		t.Errorf("ann's assignment is toward pat's goal %q", *theirs.Goal)
	}
	if mineAgain := must[*AssignmentView](t)(a.Assignment(asPat)); mineAgain.ID != mine.ID {
		t.Errorf("ann's assignment replaced pat's: %s, was %s", mineAgain.ID, mine.ID)
	}
	if _, err := a.SwapSlot(asAnn, 1, mine.Slots[0].Person.ID); rapport.ErrorCode(err) != rapport.ECONFLICT {
		t.Errorf("ann swapped in pat's person: %v", err)
	}
	fu := must[*rapport.Followup](t)(a.AddFollowup(asPat, "founder 1", "send the deck", ptr(now.AddDate(0, 0, 3))))
	if l := must[[]FollowupView](t)(a.Followups(asAnn, true)); len(l) != 0 {
		t.Errorf("ann sees pat's follow-ups: %+v", l)
	}
	if _, err := a.FollowupDone(asAnn, fu.ID); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("ann closed pat's follow-up: %v", err)
	}
}

// The demo team: a workspace of members whose generated interactions are
// each a member's, people known by one member or two, every stored member
// tie equal to a rebuild, and a token for each member that signs them in.
func TestDemoTeam(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	dir := newApp(t, now)
	ctx := context.Background()
	res := must[*TeamDemoResult](t)(dir.DemoTeam(ctx, "Demo Team", 4, demo.Options{People: 300, Years: 2, Seed: 3, Interactions: 6000}, nil))
	if len(res.Members) != 4 || res.People != 300 || res.Interactions < 5000 {
		t.Fatalf("demo: %+v", res)
	}
	m, ok, err := dir.MemberForToken(ctx, res.Members[2].Token)
	if err != nil || !ok || m.Email != "m03@demo.example" {
		t.Fatalf("member 3's token: %+v %v %v", m, ok, err)
	}
	ws := must[*App](t)(dir.WorkspaceNamed(ctx, "Demo Team"))
	defer ws.Close()
	c := must[*TieCheck](t)(ws.CheckMemberTies(ctx))
	if c.Checked < 300 || c.Mismatched != 0 {
		t.Errorf("ties: %+v", c)
	}
	l := must[*TeamLadder](t)(ws.TeamLadder(WithMember(ctx, m)))
	if l.Contacts != 300 || len(l.Members) != 4 {
		t.Fatalf("team ladder: %+v", l)
	}
	for i, n := range l.Rungs[0].Members {
		if n == 0 || n >= l.Rungs[0].Team {
			t.Errorf("member %d stands above the first rung with %d of the team's %d", i, n, l.Rungs[0].Team)
		}
	}
	two := 0
	for _, p := range must[[]PersonSummary](t)(ws.People(WithMember(ctx, m), PeopleFilter{})) {
		if d := must[*PersonDetail](t)(ws.Show(WithMember(ctx, m), p.ID)); len(d.Team) > 1 {
			two++
		}
	}
	if two == 0 {
		t.Error("no one known by two members")
	}
}

// On a team's server each member keeps their own budget and offers, and
// what the workspace shares (the model, the ladder, the zone) is changed by
// its owner or an admin only; a member's form that sends it back unchanged
// passes.
func TestWorkspaceSettingsAreTheAdmins(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	ctx := context.Background()
	_, a, pat, ann := acme(t, "Pat <pat@acme.example>", "Ann <ann@acme.example>", "member")
	asPat, asAnn := WithMember(ctx, &pat), WithMember(ctx, &ann)
	must[*Budget](t)(a.SetBudget(asAnn, ptr(40), nil))
	if b := must[*Budget](t)(a.Budget(asAnn)); b.DayMinutes != 40 {
		t.Errorf("ann's budget: %+v", b)
	}
	if b := must[*Budget](t)(a.Budget(asPat)); b.DayMinutes == 40 {
		t.Errorf("pat's budget is ann's: %+v", b)
	}
	if err := a.SetConfig(asAnn, "half_life", "200"); err == nil || !strings.Contains(err.Error(), "owner or an admin") {
		t.Errorf("a member changed the model: %v", err)
	}
	if _, err := a.LadderSet(asAnn, "call", RungEdit{Threshold: ptr(30.0)}); err == nil {
		t.Error("a member moved a rung")
	}
	cur := map[string]string{}
	for _, s := range must[[]Setting](t)(a.Config(asAnn)) {
		cur[s.Key] = s.Value
	}
	if err := a.UpdateSettings(asAnn, SettingsInput{Day: ptr(35), Config: map[string]string{"half_life": cur["half_life"]}}); err != nil {
		t.Errorf("ann's settings form, the model unchanged: %v", err)
	}
	if err := a.SetConfig(asPat, "half_life", "200"); err != nil {
		t.Errorf("the owner changed the model: %v", err)
	}
}

// A person a member keeps private is invisible to their teammates (lists,
// searches, references, plans), unless a teammate knows them too, and even
// then the keeper's tie is not shown.
func TestPrivatePeople(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	ctx := context.Background()
	_, a, pat, ann := acme(t, "Pat <pat@acme.example>", "Ann <ann@acme.example>", "member")
	asPat, asAnn := WithMember(ctx, &pat), WithMember(ctx, &ann)
	x := must[*PersonDetail](t)(a.AddPerson(asAnn, "Xavier Xu", PersonEdit{AddEmails: []string{"x@fund.example"}, AddWants: []string{"a designer"}}))
	must[*rapport.Interaction](t)(a.Log(asAnn, LogInput{Ref: x.ID, Kind: "meal", At: ptr(now.AddDate(0, 0, -5))}))
	if d := must[*PersonDetail](t)(a.SetPrivate(asAnn, x.ID, true)); !d.Private {
		t.Fatalf("ann's private person: %+v", d)
	}
	for _, ref := range []string{x.ID, "xavier", "x@fund.example"} {
		if _, err := a.Show(asPat, ref); rapport.ErrorCode(err) != rapport.ENOTFOUND {
			t.Errorf("pat resolves %q: %v", ref, err)
		}
	}
	if l := must[[]PersonSummary](t)(a.People(asPat, PeopleFilter{})); len(l) != 0 {
		t.Errorf("pat lists %+v", l)
	}
	if ix := must[*PeopleIndex](t)(a.PeopleIndex(asPat)); ix.Len() != 0 {
		t.Errorf("pat's index holds %d", ix.Len())
	}
	if l := must[[]PersonSummary](t)(a.People(asAnn, PeopleFilter{})); len(l) != 1 {
		t.Errorf("ann lists %+v", l)
	}
	if _, err := a.NewAssignment(asPat, "none", 30, false); rapport.ErrorCode(err) != rapport.EINVALID {
		t.Errorf("pat's 5 + 5 drafted ann's private person: %v", err)
	}
	if _, err := a.SetPrivate(asPat, x.ID, false); err == nil {
		t.Error("pat changed ann's private person")
	}
	// Pat knows Xavier too (his own mail): he sees him, not Ann's tie.
	res := &importer.Result{Touches: []importer.Touch{{Key: "p1", At: now.AddDate(0, 0, -1), Kind: "email",
		People: []importer.Person{{Name: "Xavier Xu", Emails: []string{"x@fund.example"}}}, Where: "m:1"}}}
	must[*ImportSummary](t)(a.Import(asPat, "test", res, false))
	d := must[*PersonDetail](t)(a.Show(asPat, "x@fund.example"))
	if d.ID != x.ID || d.Private {
		t.Fatalf("pat's xavier: %+v", d)
	}
	for _, tt := range d.Team {
		if tt.Member.Email == "ann@acme.example" {
			t.Errorf("pat sees ann's tie with her private person: %+v", d.Team)
		}
	}
	if mine := must[*PersonDetail](t)(a.Show(asAnn, x.ID)); len(mine.Team) != 2 {
		t.Errorf("ann's own view of who knows xavier: %+v", mine.Team)
	}
}

// A member's plan draws on their own ties and on the people no one on the
// team knows yet: someone only a teammate knows is reached through them, not
// proposed to you; a favour done for a teammate does not make its giver your
// helper.
func TestMembersPlansDrawOnTheirOwnPeople(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	ctx := context.Background()
	_, a, pat, ann := acme(t, "Pat <pat@acme.example>", "Ann <ann@acme.example>", "member")
	asPat, asAnn := WithMember(ctx, &pat), WithMember(ctx, &ann)
	for _, name := range []string{"Xavier Pats", "Zed Anns", "Yara New"} {
		must[*PersonDetail](t)(a.AddPerson(asPat, name, PersonEdit{AddWants: []string{"a designer"}, AddOffers: []string{"fundraising intros"}, AddTags: []string{"investor"}}))
	}
	must[*rapport.Interaction](t)(a.Log(asPat, LogInput{Ref: "xavier", Kind: "introduce", By: rapport.ByThem, Favour: true, At: ptr(now.AddDate(0, 0, -20))}))
	must[*rapport.Interaction](t)(a.Log(asAnn, LogInput{Ref: "zed", Kind: "meal", At: ptr(now.AddDate(0, 0, -10))}))
	for _, c := range []struct {
		who      context.Context
		name     string
		mine, no string
	}{{asPat, "pat", "Xavier Pats", "Zed Anns"}, {asAnn, "ann", "Zed Anns", "Xavier Pats"}} {
		g := must[*rapport.Goal](t)(a.AddGoal(c.who, "get introduced to seed investors", []string{"investor"}, nil))
		plan := must[*PlanView](t)(a.Plan(c.who, true, 600))
		helped := map[string]bool{}
		for _, it := range append(plan.Items, plan.Unplanned...) {
			helped[it.Person.Name] = true
		}
		gv := must[*GoalView](t)(a.ShowGoal(c.who, g.ID, 0))
		helpers := map[string]bool{}
		for _, h := range gv.Helpers {
			helpers[h.Person.Name] = true
			if did := strings.Contains(strings.Join(h.Why, " "), "did introduce"); did != (c.name == "pat" && h.Person.Name == "Xavier Pats") {
				t.Errorf("%s's helper %s: the favour Xavier did pat counted wrong: %v", c.name, h.Person.Name, h.Why)
			}
		}
		for _, got := range []map[string]bool{helped, helpers} {
			if !got[c.mine] || !got["Yara New"] || got[c.no] {
				t.Errorf("%s's plan or helpers: want %s and Yara New, not %s: plan %v, helpers %v", c.name, c.mine, c.no, helped, helpers)
				break
			}
		}
	}
}

// Each member has an address book of their own: a person Pat keeps private
// is on Pat's devices and not on Ann's; a card Ann's phone deletes leaves
// Pat's book, and the removal is Ann's to decide about.
func TestMembersAddressBooksAreTheirOwn(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	ctx := context.Background()
	_, a, pat, ann := acme(t, "Pat <pat@acme.example>", "Ann <ann@acme.example>", "member")
	asPat, asAnn := WithMember(ctx, &pat), WithMember(ctx, &ann)
	x := must[*PersonDetail](t)(a.AddPerson(asPat, "Xavier Secret", PersonEdit{AddEmails: []string{"x@fund.example"}}))
	y := must[*PersonDetail](t)(a.AddPerson(asPat, "Yara Shared", PersonEdit{AddEmails: []string{"y@example.com"}}))
	must[*PersonDetail](t)(a.SetPrivate(asPat, x.ID, true))
	book := func(who context.Context) map[string]string {
		if _, err := a.DavSync(who); err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, c := range must[[]DavCardObject](t)(a.DavCards(who)) {
			out[c.Row.Name] = c.Href
		}
		return out
	}
	pb, ab := book(asPat), book(asAnn)
	if pb["Xavier Secret"] == "" || pb["Yara Shared"] == "" {
		t.Errorf("pat's book: %v", pb)
	}
	if ab["Xavier Secret"] != "" || ab["Yara Shared"] == "" {
		t.Errorf("ann's book: %v", ab)
	}
	if err := a.DeleteDavCard(asAnn, ab["Yara Shared"], "", "ann's phone"); err != nil {
		t.Fatal(err)
	}
	if b := book(asAnn); b["Yara Shared"] != "" {
		t.Errorf("ann's book after her phone deleted yara: %v", b)
	}
	if b := book(asPat); b["Yara Shared"] == "" {
		t.Errorf("ann's phone deleted yara from pat's book: %v", b)
	}
	if r := must[[]DeviceRemoval](t)(a.DeviceRemovals(asAnn)); len(r) != 1 || r[0].Person.ID != y.ID {
		t.Errorf("ann's removals: %+v", r)
	}
	if r := must[[]DeviceRemoval](t)(a.DeviceRemovals(asPat)); len(r) != 0 {
		t.Errorf("pat's removals: %+v", r)
	}
}
