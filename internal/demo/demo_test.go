package demo

import (
	"testing"
	"time"

	"github.com/rapport-app/rapport"
)

var now = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func TestShapeAndTarget(t *testing.T) {
	n, err := Generate(Options{People: 3000, Years: 4, Seed: 9, Interactions: 120000}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.People) != 3000 {
		t.Fatalf("%d people", len(n.People))
	}
	total, groups, earliest := 0, 0, now
	emails := map[string]bool{}
	for _, p := range n.People {
		if emails[p.Emails[0]] {
			t.Fatalf("email %s given twice", p.Emails[0])
		}
		emails[p.Emails[0]] = true
	}
	err = n.Interactions(func(in rapport.Interaction, people []int) error {
		total++
		if len(people) > 1 {
			groups++
		}
		if in.At.After(now) {
			t.Fatalf("an interaction in the future: %v", in.At)
		}
		if in.At.Before(earliest) {
			earliest = in.At
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total < 110000 || total > 130000 {
		t.Errorf("%d interactions, want about 120,000", total)
	}
	if groups == 0 {
		t.Error("no group interactions")
	}
	if earliest.Before(now.AddDate(-4, 0, -1)) {
		t.Errorf("an interaction on %v, before the 4 years asked", earliest)
	}
}

func TestBadOptions(t *testing.T) {
	for _, o := range []Options{{People: 0, Years: 1}, {People: 10, Years: 0}, {People: 10, Years: 1, Interactions: -1}} {
		if _, err := Generate(o, now); rapport.ErrorCode(err) != rapport.EINVALID {
			t.Errorf("Generate(%+v) = %v, want an invalid-input error", o, err)
		}
	}
}
