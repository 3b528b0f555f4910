package app

import (
	"context"
	"strings"
	"testing"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/store/pgtest"
)

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
	a := newApp(t, now)
	ctx := context.Background()
	pat := must[*Invitation](t)(a.TeamInit(ctx, "Acme Partners", "Pat Partner <pat@acme.example>")).Member
	ann := must[*Invitation](t)(a.TeamInvite(ctx, "Acme Partners", "Ann Admin <ann@acme.example>", "admin")).Member
	a = space(t, a, pat)
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
	a := newApp(t, now)
	ctx := context.Background()
	pat := must[*Invitation](t)(a.TeamInit(ctx, "Acme Partners", "Pat Partner <pat@acme.example>")).Member
	ann := must[*Invitation](t)(a.TeamInvite(ctx, "Acme Partners", "Ann Admin <ann@acme.example>", "member")).Member
	a = space(t, a, pat)
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
	a := newApp(t, now)
	ctx := context.Background()
	pat := must[*Invitation](t)(a.TeamInit(ctx, "Acme Partners", "Pat <pat@acme.example>")).Member
	ann := must[*Invitation](t)(a.TeamInvite(ctx, "Acme Partners", "Ann <ann@acme.example>", "member")).Member
	a = space(t, a, pat)
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
		if _, err := newApp(t, now).TeamReport(context.Background(), nil, nil); rapport.ErrorCode(err) != rapport.EINVALID {
			t.Errorf("a team report without a team: %v", err)
		}
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs the rest")
	}
	a := newApp(t, now)
	ctx := context.Background()
	pat := must[*Invitation](t)(a.TeamInit(ctx, "Acme Partners", "Pat <pat@acme.example>")).Member
	ann := must[*Invitation](t)(a.TeamInvite(ctx, "Acme Partners", "Ann <ann@acme.example>", "member")).Member
	a = space(t, a, pat)
	must[*PersonDetail](t)(a.AddPerson(ctx, "Xavier Xu", PersonEdit{}))
	asPat, asAnn := WithMember(ctx, &pat), WithMember(ctx, &ann)
	must[*rapport.Interaction](t)(a.Log(asPat, LogInput{Ref: "xavier", Kind: "call", At: ptr(now.AddDate(0, 0, -3))}))
	must[*rapport.Interaction](t)(a.Log(asPat, LogInput{Ref: "xavier", Kind: "introduce", By: rapport.ByMe, Favour: true, At: ptr(now.AddDate(0, 0, -2))}))
	must[*rapport.Interaction](t)(a.Log(asAnn, LogInput{Ref: "xavier", Kind: "call", At: ptr(now.AddDate(0, 0, -60))})) // before the period
	must[*AskResult](t)(a.Ask(asAnn, AskInput{Ref: "xavier", Action: "call", Force: true}))
	r := must[*TeamReport](t)(a.TeamReport(ctx, nil, nil))
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
	if _, err := a.TeamReport(ctx, ptr(now), ptr(now.AddDate(0, 0, -1))); rapport.ErrorField(err) != "since" {
		t.Errorf("an empty period: %v", err)
	}
}
