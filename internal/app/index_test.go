package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

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
