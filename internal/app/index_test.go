package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/demo"
)

// The index answers every filter exactly as People does.
func TestPeopleIndexAgreesWithPeople(t *testing.T) {
	ctx := context.Background()
	a := newApp(t, now)
	must[*DemoResult](t)(a.Demo(ctx, demo.Options{People: 300, Years: 4, Seed: 7}, nil))
	ix, err := a.PeopleIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	searches := []string{"", "", "a", "an", "example", "ENG", "zz-none", "@"}
	tags := []string{"", "", "investor", "friend"}
	layers := []string{"", "", "inner", "close", "active", "known"}
	sorts := []string{"", "strength", "name", "last"}
	for i := range 200 {
		f := PeopleFilter{Search: searches[rng.IntN(len(searches))], Tag: tags[rng.IntN(len(tags))],
			Layer: layers[rng.IntN(len(layers))], Sort: sorts[rng.IntN(len(sorts))], Limit: []int{0, 1, 5, 50}[rng.IntN(4)]}
		want, werr := a.People(ctx, f)
		got, gerr := ix.Find(f)
		if fmt.Sprint(werr) != fmt.Sprint(gerr) {
			t.Fatalf("%d %+v: errors %v vs %v", i, f, werr, gerr)
		}
		if len(want) == 0 && len(got) == 0 {
			continue
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("%d %+v:\npeople %v\nindex  %v", i, f, names(want), names(got))
		}
	}
}

func names(l []PersonSummary) []string {
	var out []string
	for _, p := range l {
		out = append(out, p.Name)
	}
	return out
}

// A search finds people whatever the order of its words, their case and
// accents, in the CLI's list, the web's index and a person reference alike.
func TestSearchFoldsAccentsAndWordOrder(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Jamal Hamilton", PersonEdit{Org: ptr("Acme")}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Anna Müller", PersonEdit{}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "José García", PersonEdit{AddTags: []string{"investor"}}))
	ix := must[*PeopleIndex](t)(a.PeopleIndex(ctx))
	for q, want := range map[string]string{
		"hamilton jamal": "Jamal Hamilton", "muller": "Anna Müller", "MÜLLER anna": "Anna Müller",
		"garcia investor": "José García", "jose": "José García", "acme hamilton": "Jamal Hamilton",
	} {
		list := must[[]PersonSummary](t)(a.People(ctx, PeopleFilter{Search: q}))
		found := must[[]PersonSummary](t)(ix.Find(PeopleFilter{Search: q}))
		if len(list) != 1 || list[0].Name != want || len(found) != 1 || found[0].Name != want {
			t.Errorf("search %q: people %v, index %v; want %s", q, list, found, want)
		}
	}
	if list := must[[]PersonSummary](t)(a.People(ctx, PeopleFilter{Search: "hamilton garcia"})); len(list) != 0 {
		t.Errorf("every word must match: %v", list)
	}
	for ref, want := range map[string]string{"hamilton jamal": "Jamal Hamilton", "muller": "Anna Müller", "garcia jose": "José García"} {
		got, err := a.DB.View().Resolve(ctx, ref)
		if err != nil || got.Name != want {
			t.Errorf("reference %q: %v %v, want %s", ref, got, err, want)
		}
	}
}

// The search hay folds each field exactly as rapport.NameKey does.
func TestSearchHayFoldsLikeNameKey(t *testing.T) {
	for _, s := range []string{"  Ada   LOVELACE ", "José García", "a\tb\nc", "", "ÅSA öberg", "x\x00y", "Ünïcödé  and ASCII"} {
		var b strings.Builder
		foldInto(&b, s)
		if b.String() != rapport.NameKey(s) {
			t.Errorf("foldInto(%q) = %q, NameKey says %q", s, b.String(), rapport.NameKey(s))
		}
	}
}

// A person's page read against a server's cached ranking shows a write of
// one's own at once: after logging with someone, their strength, layer and
// last contact against the ranking from before the write equal those against
// a fresh one (only their tie changed), for people at every layer.
func TestShowAgainstACachedRankingSeesTheWrite(t *testing.T) {
	ctx := context.Background()
	a := newApp(t, now)
	must[*DemoResult](t)(a.Demo(ctx, demo.Options{People: 300, Years: 4, Seed: 3}, nil))
	list := must[[]PersonSummary](t)(a.People(ctx, PeopleFilter{}))
	rng := rand.New(rand.NewPCG(5, 6))
	kinds := []string{"meal", "call", "message", "help-hour", "introduce"}
	moved := 0
	for range 40 {
		p := list[rng.IntN(len(list))]
		cached := must[*Scores](t)(a.Ranking(ctx))
		before := cached.Of(p.ID)
		must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: p.ID, Kind: kinds[rng.IntN(len(kinds))], Favour: rng.IntN(2) == 0}))
		got := must[*PersonDetail](t)(a.Show(WithScoresOf(ctx, cached), p.ID))
		want := must[*PersonDetail](t)(a.Show(WithScores(ctx), p.ID))
		if got.Strength != want.Strength || got.Layer != want.Layer || !reflect.DeepEqual(got.LastContact, want.LastContact) {
			t.Fatalf("%s against the cached ranking: %.1f %s %v, fresh: %.1f %s %v", p.Name, got.Strength, got.Layer, got.LastContact, want.Strength, want.Layer, want.LastContact)
		}
		why := must[*Why](t)(a.Why(WithScoresOf(ctx, cached), p.ID, 3))
		if why.Layer != want.Layer {
			t.Fatalf("%s: why's layer %s, fresh %s", p.Name, why.Layer, want.Layer)
		}
		if want.Layer != before.Layer {
			moved++
		}
	}
	if moved == 0 {
		t.Error("no write moved anyone to another layer: the test shows nothing")
	}
}
