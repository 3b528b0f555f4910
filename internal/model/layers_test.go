package model

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
)

func TestLayersRespectCapacitiesAndOrder(t *testing.T) {
	p := DefaultParams()
	r := rand.New(rand.NewPCG(5, 6))
	names := LayerNames(p.Layers)
	rank := func(l string) int { return slices.Index(names, l) }
	for c := range 50 {
		s := make([]float64, 200+r.IntN(2000))
		for i := range s {
			s[i] = 100 * r.Float64() * r.Float64() * r.Float64()
			if r.IntN(10) == 0 {
				s[i] = 0
			}
		}
		got := AssignLayers(s, p.Layers)
		count := map[string]int{}
		for i, l := range got {
			count[l]++
			if s[i] == 0 && l != Known {
				t.Fatalf("case %d: strength 0 in layer %s", c, l)
			}
			for j := range s {
				if s[i] > s[j] && rank(l) > rank(got[j]) {
					t.Fatalf("case %d: %.2f in %s but weaker %.2f in %s", c, s[i], l, s[j], got[j])
				}
			}
			if l != Known && s[i] < p.Layers[rank(l)].Min {
				t.Fatalf("case %d: %.2f in %s, below its minimum", c, s[i], l)
			}
		}
		within := 0
		for _, rule := range p.Layers {
			within += count[rule.Name]
			if within > rule.Capacity {
				t.Fatalf("case %d: %d people within %s, capacity %d", c, within, rule.Name, rule.Capacity)
			}
		}
	}
}

// The layer minimums are set so that the contact rhythms Dunbar reports for
// each circle land in it: weekly for the inner 5, monthly for the 15, twice a
// year for the 50, yearly for the 150. Shallow attention alone stays outside.
func TestCadencesLandInTheirLayers(t *testing.T) {
	p := DefaultParams()
	k := kinds(t)
	for _, c := range []struct {
		kind  string
		every int
		want  string
	}{
		{"call", 7, "inner"},
		{"call", 30, "close"},
		{"meeting", 182, "active"},
		{"meeting", 365, "network"},
		{"like", 1, "acquaintance"},
	} {
		var h []Touch
		for d, i := 730+c.every/2, 0; d >= c.every/2; d, i = d-c.every, i+1 {
			by := rapport.ByMe
			if i%2 == 1 {
				by = rapport.ByThem
			}
			h = append(h, TouchOf(k[c.kind], now.AddDate(0, 0, -d), by, 0, 1))
		}
		// Asked mid-way between two contacts.
		s := strength(h, now, p)
		if got := AssignLayers([]float64{s}, p.Layers)[0]; got != c.want {
			t.Errorf("a %s every %d days: strength %.1f, layer %s, want %s", c.kind, c.every, s, got, c.want)
		}
	}
}

func TestParamsValidate(t *testing.T) {
	if err := DefaultParams().Validate(); err != nil {
		t.Fatal(err)
	}
	bad := DefaultParams()
	bad.HalfLife = time.Hour
	if bad.Validate() == nil {
		t.Error("a one-hour half-life was accepted")
	}
	bad = DefaultParams()
	bad.Layers[1].Capacity = 3
	if bad.Validate() == nil {
		t.Error("shrinking capacities were accepted")
	}
}
