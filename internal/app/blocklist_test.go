package app

import (
	"context"
	"testing"

	"github.com/rapport-app/rapport/internal/importer"
	"github.com/rapport-app/rapport/internal/store/pgtest"
)

// blocked is an import of a message to mum, one to ann and the doctor, and
// one to a colleague, as of now.
func blocked() *importer.Result {
	p := func(name, email string) importer.Person { return importer.Person{Name: name, Emails: []string{email}} }
	return &importer.Result{Read: 3, People: []importer.Person{p("Mum", "Mum@Example.com")},
		Touches: []importer.Touch{
			{Key: "m1", At: now.AddDate(0, 0, -3), Kind: "email", People: []importer.Person{p("Mum", "mum@example.com")}, Where: "f:1"},
			{Key: "m2", At: now.AddDate(0, 0, -2), Kind: "email", People: []importer.Person{p("Ann", "ann@other.example"), p("Dr Who", "dr@doc.example")}, Where: "f:2"},
			{Key: "m3", At: now.AddDate(0, 0, -1), Kind: "email", People: []importer.Person{p("Cal", "cal@acme.example"), p("Zed", "zed@gmail.com")}, Where: "f:3"},
		}}
}

// People on the blocklist (an address, or a whole @domain) are never
// imported: not as people, not in a message (one with no one else goes).
func TestBlocklistIsNeverImported(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	if _, err := a.SetBlocklist(ctx, []string{"not an address"}, nil); err == nil {
		t.Error("a bad entry was taken")
	}
	list := must[[]string](t)(a.SetBlocklist(ctx, []string{"MUM@example.com", "@doc.example"}, nil))
	if len(list) != 2 || list[1] != "mum@example.com" {
		t.Fatalf("blocklist: %v", list)
	}
	sum := must[*ImportSummary](t)(a.Import(ctx, "test", blocked(), false))
	if sum.SkippedWhy["on your blocklist"] != 2 || sum.InteractionsCreated != 2 {
		t.Errorf("summary: %+v", sum)
	}
	for _, ref := range []string{"mum@example.com", "dr@doc.example"} {
		if _, err := a.Show(ctx, ref); err == nil {
			t.Errorf("%s was imported", ref)
		}
	}
	d := must[*PersonDetail](t)(a.Show(ctx, "ann@other.example"))
	if d.Interactions != 1 {
		t.Fatalf("ann: %+v", d.Timeline)
	}
	for _, p := range d.Timeline[0].People {
		if p.Name == "Dr Who" {
			t.Errorf("the doctor took part in the message to ann: %+v", d.Timeline[0].People)
		}
	}
	if l := must[[]string](t)(a.SetBlocklist(ctx, nil, []string{"@doc.example"})); len(l) != 1 {
		t.Errorf("after removing: %v", l)
	}
}

// On a team's server a member's blocklist is theirs, and teammates and the
// workspace's own domain (not a mail provider's) are never imported.
func TestTeamImportsLeaveColleaguesOut(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	ctx := context.Background()
	_, a, pat, ann := acme(t, "Pat <pat@acme.example>", "Ann <ann@gmail.com>", "member")
	asPat, asAnn := WithMember(ctx, &pat), WithMember(ctx, &ann)
	must[[]string](t)(a.SetBlocklist(asPat, []string{"mum@example.com"}, nil))
	if l := must[[]string](t)(a.Blocklist(asAnn)); len(l) != 0 {
		t.Errorf("ann's blocklist is pat's: %v", l)
	}
	sum := must[*ImportSummary](t)(a.Import(asPat, "test", blocked(), false))
	if sum.SkippedWhy["on your blocklist"] != 2 {
		t.Errorf("summary: %+v", sum)
	}
	if _, err := a.Show(asPat, "cal@acme.example"); err == nil {
		t.Error("a colleague at the workspace's domain was imported")
	}
	if _, err := a.Show(asPat, "zed@gmail.com"); err != nil {
		t.Errorf("zed at a mail provider: %v", err)
	}
	// Ann's import of a message with Pat leaves Pat out, and the message
	// with him alone goes.
	res := &importer.Result{Touches: []importer.Touch{{Key: "a1", At: now.AddDate(0, 0, -1), Kind: "email",
		People: []importer.Person{{Name: "Pat", Emails: []string{"pat@acme.example"}}}, Where: "g:1"}}}
	if sum := must[*ImportSummary](t)(a.Import(asAnn, "test", res, false)); sum.InteractionsCreated != 0 || sum.SkippedWhy["a teammate"] != 1 {
		t.Errorf("ann's import: %+v", sum)
	}
}
