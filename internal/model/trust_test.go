package model

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

func scores(lines []TrustLine, p TrustParams) map[string]TrustResult {
	out := map[string]TrustResult{}
	for _, r := range Propagate(lines, p) {
		out[r.ID] = r
	}
	return out
}

func TestTrustDepthAndAttenuation(t *testing.T) {
	chain := []TrustLine{line("", "a", 1), line("a", "b", 1), line("b", "c", 1), line("c", "d", 1)}
	s := scores(chain, DefaultTrust())
	if _, ok := s["d"]; ok {
		t.Error("d is four steps away: beyond depth 3")
	}
	if !(s["a"].Score > s["b"].Score && s["b"].Score > s["c"].Score && s["c"].Score > 0) {
		t.Errorf("scores along a chain must fall: %+v", s)
	}
	if s["c"].Depth != 3 || len(s["c"].Paths) != 1 || !reflect.DeepEqual(s["c"].Paths[0], []string{"a", "b", "c"}) {
		t.Errorf("c = %+v", s["c"])
	}
	one := DefaultTrust()
	one.Depth = 1
	if s := scores(chain, one); len(s) != 1 {
		t.Errorf("depth 1 reaches %d people", len(s))
	}
	// The same path shortened never loses.
	short := scores([]TrustLine{line("", "a", 2), line("a", "x", 3)}, DefaultTrust())["x"].Score
	long := scores([]TrustLine{line("", "a", 2), line("a", "b", 1), line("b", "x", 3)}, DefaultTrust())["x"].Score
	if !(short > long) {
		t.Errorf("shortened path %.3f, longer %.3f", short, long)
	}
	// A first-ranked name counts more than a fifth.
	ranks := scores([]TrustLine{line("", "a", 1), line("", "b", 5)}, DefaultTrust())
	if !(ranks["a"].Score > ranks["b"].Score) {
		t.Errorf("rank 1 %.3f, rank 5 %.3f", ranks["a"].Score, ranks["b"].Score)
	}
}

func TestTrustAgreementCyclesSelf(t *testing.T) {
	alone := scores([]TrustLine{line("", "a", 1), line("a", "x", 1)}, DefaultTrust())["x"].Score
	both := scores([]TrustLine{line("", "a", 1), line("", "b", 1), line("a", "x", 1), line("b", "x", 1)}, DefaultTrust())
	if !(both["x"].Score > alone) || both["x"].Score > 1 || len(both["x"].Paths) != 2 {
		t.Errorf("two agreeing paths: %+v, one path %.3f", both["x"], alone)
	}
	cyc := []TrustLine{line("", "a", 1), line("a", "b", 1), line("b", "a", 1), line("b", "", 1), line("a", "a", 1), line("", "", 1)}
	s := scores(cyc, DefaultTrust())
	want := scores([]TrustLine{line("", "a", 1), line("a", "b", 1)}, DefaultTrust())
	if !reflect.DeepEqual(s, want) {
		t.Errorf("cycles and self-trust changed the result:\n%+v\n%+v", s, want)
	}
}

func TestTrustIsDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	ids := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	for c := range 100 {
		var lines []TrustLine
		for _, from := range append([]string{""}, ids...) {
			for k := range 1 + r.IntN(5) {
				lines = append(lines, line(from, ids[r.IntN(len(ids))], k+1))
			}
		}
		want := Propagate(lines, DefaultTrust())
		r.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
		if got := Propagate(lines, DefaultTrust()); !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d: the order of the lines changed the result", c)
		}
		for i := 1; i < len(want); i++ {
			a, b := want[i-1], want[i]
			if a.Score < b.Score || a.Score == b.Score && (a.Depth > b.Depth || a.Depth == b.Depth && a.ID > b.ID) {
				t.Fatalf("case %d: results out of order: %+v before %+v", c, a, b)
			}
		}
	}
}

func line(truster, trustee string, rank int) TrustLine {
	return TrustLine{Truster: truster, Trustee: trustee, Rank: rank}
}
