package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/demo"
	"github.com/rapport-app/rapport/internal/store"
	"github.com/rapport-app/rapport/internal/store/pgtest"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// testDB names a new database: a file, or with RAPPORT_TEST_ENGINE=postgres
// a database in a throwaway PostgreSQL cluster.
func testDB(t testing.TB) string {
	t.Helper()
	if pgtest.Enabled() {
		return pgtest.URL(t)
	}
	return filepath.Join(t.TempDir(), "r.db")
}

func newApp(t testing.TB, at time.Time) *App {
	t.Helper()
	db, err := store.Open(context.Background(), testDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Imports and the demo write with foreign keys unchecked
		// (store.BulkUpdate): whatever a test did, every reference must hold.
		if _, ok := t.(*testing.T); ok && !t.Failed() {
			if bad, err := db.ForeignKeyViolations(context.Background()); err != nil || len(bad) > 0 {
				t.Errorf("foreign keys after the test: %v %v", bad, err)
			}
			if n, err := db.TouchesMismatch(context.Background()); err != nil || n > 0 {
				t.Errorf("touches differ from the interactions they copy in %d rows (%v)", n, err)
			}
		}
		db.Close()
	})
	return New(db, func() time.Time { return at })
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestLogUpdatesStrengthAndWhyAddsUp(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ada Lovelace", PersonEdit{}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Grace Hopper", PersonEdit{}))
	for _, in := range []LogInput{
		{Ref: "ada", Kind: "call", At: at(a, "2026-10-01"), By: "me"},
		{Ref: "ada", Kind: "meal", At: at(a, "2026-11-01"), By: "them", Minutes: 120},
		{Ref: "grace", Kind: "like", At: at(a, "2026-11-20"), By: "them"},
	} {
		must[*rapport.Interaction](t)(a.Log(ctx, in))
	}
	ada := must[*PersonDetail](t)(a.Show(ctx, "ada"))
	grace := must[*PersonDetail](t)(a.Show(ctx, "grace"))
	if !(ada.Strength > grace.Strength && grace.Strength > 0) || ada.Interactions != 2 {
		t.Errorf("ada %.1f (%d), grace %.1f: want a call and a meal to outweigh a like", ada.Strength, ada.Interactions, grace.Strength)
	}
	w := must[*Why](t)(a.Why(ctx, "ada", 5))
	sum := 0.0
	for _, c := range w.Components {
		sum += c.Points
	}
	if diff := sum - w.Strength; diff > 1e-9 || diff < -1e-9 || w.Strength != ada.Strength {
		t.Errorf("why: components %.1f, strength %.1f, show %.1f", sum, w.Strength, ada.Strength)
	}
	if len(w.Top) != 2 || w.Top[0].Kind != "meal" {
		t.Errorf("why top = %+v: want the meal first", w.Top)
	}
}

// With now set before part of the history, figures count only what had
// happened by then, as a full recomputation would.
func TestStrengthAsOfThePast(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ada", PersonEdit{}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "ada", Kind: "call", At: at(a, "2026-01-01")}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "ada", Kind: "lend-1000", At: at(a, "2026-11-01")}))

	june := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	earlier := New(a.DB, func() time.Time { return june })
	then := must[[]PersonSummary](t)(earlier.People(ctx, PeopleFilter{}))[0]

	fresh := newApp(t, june)
	must[*PersonDetail](t)(fresh.AddPerson(ctx, "Ada", PersonEdit{}))
	must[*rapport.Interaction](t)(fresh.Log(ctx, LogInput{Ref: "ada", Kind: "call", At: at(a, "2026-01-01")}))
	want := must[[]PersonSummary](t)(fresh.People(ctx, PeopleFilter{}))[0].Strength
	if then.Strength != want {
		t.Errorf("as of June: %.1f, want %.1f (the loan of November must not count)", then.Strength, want)
	}
	if d := must[*PersonDetail](t)(earlier.Show(ctx, "ada")); d.Interactions != 1 {
		t.Errorf("as of June the timeline has %d interactions, want 1", d.Interactions)
	}
}

func TestBadLogWritesNothing(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ada", PersonEdit{}))
	for _, in := range []LogInput{
		{Ref: "nobody", Kind: "call"},
		{Ref: "ada", Kind: "dance"},
		{Ref: "ada", Kind: "call", With: []string{"nobody"}},
		{Ref: "ada", Kind: "call", At: at(a, "in 2 days")},
		{Ref: "ada", Kind: "call", Minutes: -3},
		{Ref: "ada", Kind: "call", Minutes: 3000},
		{Ref: "ada", Kind: "call", By: "everyone"},
	} {
		if _, err := a.Log(ctx, in); err == nil {
			t.Errorf("Log(%+v) succeeded", in)
		}
	}
	if d := must[*PersonDetail](t)(a.Show(ctx, "ada")); d.Interactions != 0 || d.Strength != 0 {
		t.Errorf("after refused logs: %d interactions, strength %.1f", d.Interactions, d.Strength)
	}
}

// The ladder's counts are the lengths of `who` for each rung, and they never
// rise as the threshold does.
func TestLadderAgreesWithWho(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*DemoResult](t)(a.Demo(ctx, demo.Options{People: 300, Years: 4, Seed: 7}, nil))
	l := must[*Ladder](t)(a.Ladder(ctx))
	if l.Contacts != 300 {
		t.Fatalf("contacts = %d", l.Contacts)
	}
	prev := l.Contacts
	for _, r := range l.Rungs {
		w := must[*Who](t)(a.Who(ctx, r.Action, 0))
		if len(w.People) != r.People {
			t.Errorf("%s: ladder says %d, who lists %d", r.Action, r.People, len(w.People))
		}
		for i, p := range w.People {
			if p.Strength < r.Threshold || i > 0 && p.Strength > w.People[i-1].Strength {
				t.Errorf("%s: %s at %.1f out of place", r.Action, p.Name, p.Strength)
			}
		}
		if r.People > prev {
			t.Errorf("%s: %d people, more than the rung below (%d)", r.Action, r.People, prev)
		}
		prev = r.People
	}
	// The point of the seeds: many contacts, few above the high rungs.
	top := l.Rungs[len(l.Rungs)-1]
	if top.People*20 > l.Contacts || top.People == 0 {
		t.Errorf("%d of %d above %s: want a few, under 5%%", top.People, l.Contacts, top.Action)
	}
}

func TestDemoIsDeterministicAndRefusesRealData(t *testing.T) {
	ctx := context.Background()
	run := func() []PersonSummary {
		a := newApp(t, now)
		must[*DemoResult](t)(a.Demo(ctx, demo.Options{People: 120, Years: 3, Seed: 42}, nil))
		return must[[]PersonSummary](t)(a.People(ctx, PeopleFilter{Limit: 30}))
	}
	x, y := run(), run()
	for i := range x {
		if x[i].Name != y[i].Name || x[i].Strength != y[i].Strength || x[i].Layer != y[i].Layer {
			t.Fatalf("row %d differs between two runs with the same seed: %+v vs %+v", i, x[i], y[i])
		}
	}
	again := newApp(t, now)
	must[*DemoResult](t)(again.Demo(ctx, demo.Options{People: 50, Years: 1, Seed: 3}, nil))
	if r := must[*DemoResult](t)(again.Demo(ctx, demo.Options{People: 50, Years: 1, Seed: 3}, nil)); !r.Existing || r.People != 50 {
		t.Errorf("a second demo on a demo database: %+v, want it left as it was", r)
	}
	a := newApp(t, now)
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ada", PersonEdit{}))
	if _, err := a.Demo(ctx, demo.Options{People: 10, Years: 1, Seed: 1}, nil); rapport.ErrorCode(err) != rapport.ECONFLICT {
		t.Errorf("demo into a database with people: %v, want a conflict", err)
	}
}

func TestConfigChangeRecomputesTies(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ada", PersonEdit{}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "ada", Kind: "meal", At: at(a, "2026-08-01")}))
	before := must[*PersonDetail](t)(a.Show(ctx, "ada")).Strength
	if err := a.SetConfig(ctx, "half_life", "30"); err != nil {
		t.Fatal(err)
	}
	after := must[*PersonDetail](t)(a.Show(ctx, "ada")).Strength
	if !(after < before) {
		t.Errorf("a shorter half-life left strength at %.1f (was %.1f)", after, before)
	}
	if err := a.SetConfig(ctx, "half_life", "default"); err != nil {
		t.Fatal(err)
	}
	if back := must[*PersonDetail](t)(a.Show(ctx, "ada")).Strength; back != before {
		t.Errorf("restoring the default gave %.1f, want %.1f", back, before)
	}
	if err := a.SetConfig(ctx, "layer.close.capacity", "3"); err == nil {
		t.Error("a close layer smaller than the inner one was accepted")
	}
}

func TestPeopleFilters(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ada", PersonEdit{AddTags: []string{"Go Lang"}, AddEmails: []string{"ada@ae.example"}}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Bob", PersonEdit{Org: ptr("Acme")}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Cy", PersonEdit{}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "cy", Kind: "call", At: at(a, "2026-11-01")}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "bob", Kind: "email", At: at(a, "2026-11-20")}))
	names := func(f PeopleFilter) (out []string) {
		for _, p := range must[[]PersonSummary](t)(a.People(ctx, f)) {
			out = append(out, p.Name)
		}
		return out
	}
	for _, c := range []struct {
		f    PeopleFilter
		want string
	}{
		{PeopleFilter{}, "[Cy Bob Ada]"},
		{PeopleFilter{Sort: "name"}, "[Ada Bob Cy]"},
		{PeopleFilter{Sort: "last"}, "[Bob Cy Ada]"},
		{PeopleFilter{Tag: "go lang"}, "[Ada]"},
		{PeopleFilter{Search: "acme"}, "[Bob]"},
		{PeopleFilter{Search: "ae.example"}, "[Ada]"},
		{PeopleFilter{Layer: "known"}, "[Ada]"},
		{PeopleFilter{Limit: 1}, "[Cy]"},
	} {
		if got := fmtList(names(c.f)); got != c.want {
			t.Errorf("People(%+v) = %s, want %s", c.f, got, c.want)
		}
	}
}

func fmtList(s []string) string {
	out := "["
	for i, v := range s {
		if i > 0 {
			out += " "
		}
		out += v
	}
	return out + "]"
}

// A request's memo of the network's scores changes no figure: every person's
// page reads the same with it as without.
func TestScoresMemoChangesNothing(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*DemoResult](t)(a.Demo(ctx, demo.Options{People: 60, Years: 2, Seed: 3}, nil))
	people := must[[]PersonSummary](t)(a.People(ctx, PeopleFilter{}))
	memo := WithScores(ctx)
	for _, p := range people {
		plain, memod := must[*PersonDetail](t)(a.Show(ctx, p.ID)), must[*PersonDetail](t)(a.Show(memo, p.ID))
		if plain.Strength != memod.Strength || plain.Layer != memod.Layer {
			t.Errorf("%s: %v/%s without the memo, %v/%s with it", p.Name, plain.Strength, plain.Layer, memod.Strength, memod.Layer)
		}
		w1, w2 := must[*Why](t)(a.Why(ctx, p.ID, 3)), must[*Why](t)(a.Why(memo, p.ID, 3))
		if w1.Layer != w2.Layer || w1.Strength != w2.Strength {
			t.Errorf("%s: why %v/%s then %v/%s", p.Name, w1.Strength, w1.Layer, w2.Strength, w2.Layer)
		}
		h1, h2 := must[[]rapport.StrengthPoint](t)(a.StrengthHistory(ctx, p.ID, 365)), must[[]rapport.StrengthPoint](t)(a.StrengthHistory(memo, p.ID, 365))
		if len(h1) != len(h2) || h1[len(h1)-1] != h2[len(h2)-1] {
			t.Errorf("%s: history ends %v then %v", p.Name, h1[len(h1)-1], h2[len(h2)-1])
		}
	}
}

// at reads s as the front ends read a moment a user typed, against a's clock
// in its zone ("" for nil).
func at(a *App, s string) *time.Time {
	if s == "" {
		return nil
	}
	t, err := rapport.ParseTime(s, a.Local())
	if err != nil {
		panic(err)
	}
	return &t
}

func ptr[T any](v T) *T { return &v }
