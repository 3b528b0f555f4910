package model

import (
	"slices"
	"testing"
)

func TestStemsMeet(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"find a first hire", "hiring network", true},
		{"raise a seed round", "intros to investors", false},
		{"meet investors", "intros to investors", true},
		{"land a design job", "design feedback", true},
		{"learn Go", "Go training", true},
		{"write a book", "editing", false},
		{"the and of", "the and of", false},
		{"companies", "company", true},
	} {
		got := len(Shared(Stems(c.a), Stems(c.b))) > 0
		if got != c.want {
			t.Errorf("%q ~ %q: %v (stems %v / %v), want %v", c.a, c.b, got, Stems(c.a), Stems(c.b), c.want)
		}
	}
	if s := Stems("Hiring, hiring! HIRE"); !slices.Equal(s, []string{"hir"}) {
		t.Errorf("Stems deduplicates and folds case: %v", s)
	}
}
