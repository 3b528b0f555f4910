package model

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func kinds(t testing.TB) map[string]rapport.Kind {
	t.Helper()
	m := map[string]rapport.Kind{}
	for _, k := range rapport.DefaultKinds() {
		m[k.Name] = k
	}
	return m
}

func touch(t testing.TB, kind string, daysAgo float64, by rapport.By) Touch {
	k, ok := kinds(t)[kind]
	if !ok {
		t.Fatalf("no kind %q", kind)
	}
	return TouchOf(k, now.Add(-time.Duration(daysAgo*24*float64(time.Hour))), by, 0, 1)
}

func strength(touches []Touch, at time.Time, p Params) float64 {
	tie := TieOf(touches, at, p)
	return tie.Strength(at, p)
}

// Property 1: more recent contact gives more strength, all else equal.
func TestRecency(t *testing.T) {
	p := DefaultParams()
	for name := range kinds(t) {
		for _, ages := range [][2]float64{{1, 2}, {0, 30}, {100, 400}, {3, 3000}} {
			recent := strength([]Touch{touch(t, name, ages[0], rapport.ByBoth)}, now, p)
			older := strength([]Touch{touch(t, name, ages[1], rapport.ByBoth)}, now, p)
			if !(recent > older) {
				t.Errorf("%s %v days ago = %.4f, %v days ago = %.4f: want the recent one stronger", name, ages[0], recent, ages[1], older)
			}
		}
	}
}

// Property 2: deeper kinds count more; shallow kinds have a small, capped total.
func TestDepth(t *testing.T) {
	p := DefaultParams()
	one := func(kind string) float64 { return strength([]Touch{touch(t, kind, 1, rapport.ByBoth)}, now, p) }
	for _, pair := range [][2]string{{"help-hour", "comment"}, {"meeting", "like"}, {"call", "like"}, {"call", "message"}, {"meal", "email"}, {"guest-post", "comment"}} {
		if deep, shallow := one(pair[0]), one(pair[1]); !(deep > shallow) {
			t.Errorf("one %s = %.2f, one %s = %.2f: want the first deeper", pair[0], deep, pair[1], shallow)
		}
	}

	var dozen []Touch
	for i := range 12 {
		dozen = append(dozen, touch(t, "comment", 1+float64(i)/24, rapport.ByBoth))
	}
	if c, g := strength(dozen, now, p), one("guest-post"); !(c < g) {
		t.Errorf("a dozen comments = %.2f, one guest post = %.2f: the comments must not reach it", c, g)
	}

	close := p.Layers[1].Min
	call := *kinds(t)["call"].Threshold
	for _, n := range []int{1, 10, 100, 1000, 10000} {
		var likes []Touch
		for i := range n {
			likes = append(likes, touch(t, "like", float64(i%365), rapport.ByThem))
		}
		tie := TieOf(likes, now, p)
		b := tie.Breakdown(now, p)
		if b.Components[1].Raw > p.ShallowCap+1e-9 {
			t.Errorf("%d likes add %.3f raw points, over the cap %.1f", n, b.Components[1].Raw, p.ShallowCap)
		}
		if b.Strength >= close || b.Strength >= call {
			t.Errorf("%d likes make a tie of %.1f: must stay below the close layer (%.0f) and the call rung (%.0f)", n, b.Strength, close, call)
		}
	}
}

// Property 3: with no contact, strength falls toward 0 with the configured half-life.
func TestDecay(t *testing.T) {
	p := DefaultParams()
	h := []Touch{touch(t, "meal", 0, rapport.ByBoth), touch(t, "call", 30, rapport.ByMe), touch(t, "email", 400, rapport.ByThem)}
	prev := math.Inf(1)
	for k := range 40 {
		at := now.Add(time.Duration(k) * p.HalfLife / 2)
		s := strength(h, at, p)
		if !(s < prev) {
			t.Fatalf("after %d half half-lives strength %.4f did not fall from %.4f", k, s, prev)
		}
		prev = s
	}
	if s := strength(h, now.AddDate(15, 0, 0), p); s > 0.5 {
		t.Errorf("after 15 silent years strength is %.2f, want near 0", s)
	}

	tie := TieOf(h, now, p)
	d0 := tie.Breakdown(now, p).Components[0].Raw
	d1 := tie.Breakdown(now.Add(p.HalfLife), p).Components[0].Raw
	if math.Abs(d1-d0/2) > 1e-9 {
		t.Errorf("depth after one half-life = %.6f, want half of %.6f", d1, d0)
	}

	short := p
	short.HalfLife = 30 * Day
	later := now.AddDate(0, 3, 0)
	if a, b := strength(h, later, short), strength(h, later, p); !(a < b) {
		t.Errorf("with a 30-day half-life strength after 3 months = %.2f, with the default %.2f: want it lower", a, b)
	}
}

// Property 4: a tie where both sides give and initiate is stronger than a
// one-way tie with the same touches.
func TestReciprocity(t *testing.T) {
	p := DefaultParams()
	for _, kind := range []string{"message", "call", "meal", "help-hour"} {
		var oneWay, mutual, theirs []Touch
		for i := range 8 {
			days := float64(i * 20)
			oneWay = append(oneWay, touch(t, kind, days, rapport.ByMe))
			theirs = append(theirs, touch(t, kind, days, rapport.ByThem))
			by := rapport.ByMe
			if i%2 == 1 {
				by = rapport.ByThem
			}
			mutual = append(mutual, touch(t, kind, days, by))
		}
		m, o, th := strength(mutual, now, p), strength(oneWay, now, p), strength(theirs, now, p)
		if !(m > o) || !(m > th) {
			t.Errorf("%s: mutual %.2f, all mine %.2f, all theirs %.2f: want mutual strongest", kind, m, o, th)
		}
	}
}

// Property 5: a tie known for years, across several modes, is more robust
// than a new one.
func TestDurationAndBreadth(t *testing.T) {
	p := DefaultParams()
	// Same times, same weights, more modes: stronger.
	k := kinds(t)
	var narrow, wide []Touch
	for i, name := range []string{"meeting", "call", "message", "answer"} {
		x := TouchOf(k[name], now.AddDate(0, 0, -30*i), rapport.ByBoth, 0, 1)
		wide = append(wide, x)
		x.Modes = k["meeting"].Mode.Bit()
		narrow = append(narrow, x)
	}
	if a, b := strength(wide, now, p), strength(narrow, now, p); !(a > b) {
		t.Errorf("four modes = %.2f, one mode = %.2f: want breadth to add", a, b)
	}

	// The same recent touches; one tie also goes back five years in other modes.
	recent := []Touch{touch(t, "call", 10, rapport.ByBoth), touch(t, "meal", 40, rapport.ByBoth)}
	old := append([]Touch{touch(t, "email", 5*365, rapport.ByBoth), touch(t, "help-hour", 3*365, rapport.ByBoth)}, recent...)
	for _, gap := range []int{0, 180, 365, 730} {
		at := now.AddDate(0, 0, gap)
		o, n := strength(old, at, p), strength(recent, at, p)
		if !(o > n) {
			t.Errorf("%d days on: old tie %.2f, new tie %.2f: want the old one stronger", gap, o, n)
		}
	}
	keepOld := strength(old, now.AddDate(1, 0, 0), p) / strength(old, now, p)
	keepNew := strength(recent, now.AddDate(1, 0, 0), p) / strength(recent, now, p)
	if !(keepOld > keepNew) {
		t.Errorf("after a silent year the old tie keeps %.0f%%, the new %.0f%%: want the old to keep more", 100*keepOld, 100*keepNew)
	}
}

func randomHistory(r *rand.Rand, ks []rapport.Kind) []Touch {
	n := r.IntN(60)
	out := make([]Touch, n)
	sides := []rapport.By{rapport.ByMe, rapport.ByThem, rapport.ByBoth}
	for i := range out {
		k := ks[r.IntN(len(ks))]
		at := now.Add(-time.Duration(r.Float64() * float64(8*365*Day)))
		out[i] = TouchOf(k, at, sides[r.IntN(3)], r.IntN(300), 1+r.IntN(5))
	}
	return out
}

// Property 6: bounded 0 to 100, deterministic, and updated in constant time in
// any order with the same result as a recomputation.
func TestBoundedDeterministicIncremental(t *testing.T) {
	p := DefaultParams()
	ks := rapport.DefaultKinds()
	r := rand.New(rand.NewPCG(1, 2))
	for c := range 500 {
		h := randomHistory(r, ks)
		want := strength(h, now, p)
		if want < 0 || want > 100 || math.IsNaN(want) {
			t.Fatalf("case %d: strength %v out of [0, 100]", c, want)
		}
		if again := strength(h, now, p); again != want {
			t.Fatalf("case %d: %v then %v for the same history", c, want, again)
		}
		shuffled := append([]Touch(nil), h...)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		var tie Tie
		for _, x := range shuffled {
			tie.Add(x, p)
		}
		if got := tie.Strength(now, p); math.Abs(got-want) > 1e-9 {
			t.Fatalf("case %d: incremental in shuffled order %.12f, recomputed %.12f", c, got, want)
		}
	}
	// Even an absurd history stays below 100.
	var flood []Touch
	for range 5000 {
		flood = append(flood, touch(t, "lend-1000", 0, rapport.ByBoth))
	}
	if s := strength(flood, now, p); s > 100 {
		t.Errorf("5,000 loans of $1,000 today: %.4f, over 100", s)
	}
}

// Property 7: the components add up to the strength and the top touches are
// the ones that gave most.
func TestExplain(t *testing.T) {
	p := DefaultParams()
	r := rand.New(rand.NewPCG(3, 4))
	ks := rapport.DefaultKinds()
	for c := range 200 {
		h := randomHistory(r, ks)
		b, top := Explain(h, now, p)
		sum := 0.0
		for _, comp := range b.Components {
			if comp.Points < 0 {
				t.Fatalf("case %d: negative component %+v", c, comp)
			}
			sum += comp.Points
		}
		if math.Abs(sum-b.Strength) > 1e-9 {
			t.Fatalf("case %d: components add to %.9f, strength %.9f", c, sum, b.Strength)
		}
		touches := 0.0
		for i, x := range top {
			touches += x.Points
			if i > 0 && x.Points > top[i-1].Points {
				t.Fatalf("case %d: contributions not in descending order", c)
			}
		}
		if want := b.Strength - b.Components[3].Points; math.Abs(touches-want) > 1e-6 {
			t.Fatalf("case %d: touches share %.6f, want strength minus history %.6f", c, touches, want)
		}
		rb := b.Round()
		rsum := 0.0
		for _, comp := range rb.Components {
			rsum += comp.Points
		}
		if math.Abs(rsum-rb.Strength) > 1e-9 {
			t.Fatalf("case %d: rounded components add to %.1f, rounded strength %.1f", c, rsum, rb.Strength)
		}
	}

	h := []Touch{touch(t, "like", 1, rapport.ByThem), touch(t, "guest-post", 50, rapport.ByMe), touch(t, "comment", 2, rapport.ByMe)}
	_, top := Explain(h, now, p)
	if len(top) != 3 || top[0].Index != 1 {
		t.Errorf("top = %+v: want the guest post first", top)
	}
}

func TestTouchOf(t *testing.T) {
	p := DefaultParams()
	k := kinds(t)["meeting"]
	w := func(minutes, people int) float64 { return TouchOf(k, now, rapport.ByMe, minutes, people).weight(p) }
	base := w(0, 1)
	if got := w(k.Minutes*4, 1); math.Abs(got-2*base) > 1e-12 {
		t.Errorf("a meeting four times as long weighs %.3f, want twice %.3f", got, base)
	}
	if got := w(k.Minutes*1000, 1); got != p.TimeMax*base {
		t.Errorf("time spent must be capped at %v times: got %.3f", p.TimeMax, got)
	}
	if got := w(0, 16); math.Abs(got-base/4) > 1e-12 {
		t.Errorf("a meeting of 16 weighs %.3f on each, want a quarter of %.3f", got, base)
	}
}

// Time spent counts (issue 13): across the range people log, a longer
// meeting always weighs more, and a short one less; the bounds are where
// the evidence put them, and likes stay capped whatever their minutes.
func TestTimeSpentCounts(t *testing.T) {
	p := DefaultParams()
	k := kinds(t)["meeting"]
	w := func(minutes int) float64 { return TouchOf(k, now, rapport.ByBoth, minutes, 1).weight(p) }
	for _, pair := range [][2]int{{5, 15}, {15, 60}, {60, 240}, {240, 480}} {
		if !(w(pair[0]) < w(pair[1])) {
			t.Errorf("%d minutes weigh %.3f, %d minutes %.3f: want the longer heavier", pair[0], w(pair[0]), pair[1], w(pair[1]))
		}
	}
	like := kinds(t)["like"]
	var likes []Touch
	for i := range 1000 {
		likes = append(likes, TouchOf(like, now.Add(-time.Duration(i)*time.Hour), rapport.ByThem, 600, 1))
	}
	if s := strength(likes, now, p); s >= p.Layers[1].Min {
		t.Errorf("a thousand ten-hour likes give %.1f, a close tie", s)
	}
}

func TestOneWayTouchesStayLow(t *testing.T) {
	p := DefaultParams()
	ks := kinds(t)
	var oneWay []string
	for _, k := range rapport.DefaultKinds() {
		if k.Mode != rapport.ModeCall && k.Mode != rapport.ModeInPerson {
			oneWay = append(oneWay, k.Name)
		}
	}
	comment := *ks["comment"].Threshold
	r := rand.New(rand.NewPCG(7, 11))
	for trial := range 500 {
		n := 1 + r.IntN(300)
		var touches []Touch
		for range n {
			touches = append(touches, touch(t, oneWay[r.IntN(len(oneWay))], r.Float64()*400, rapport.ByMe))
		}
		s := strength(touches, now, p)
		if s > p.OneWayCap || s >= comment {
			t.Fatalf("trial %d: %d one-way touches give %.2f (cap %.1f, comment rung %.0f)", trial, n, s, p.OneWayCap, comment)
		}
		layers := AssignLayers([]float64{s}, p.Layers)
		if l := layers[0]; l != "acquaintance" && l != Known {
			t.Fatalf("trial %d: one-way tie in layer %s", trial, l)
		}
		if trial%50 == 0 {
			back := append(touches, touch(t, "reply", 0.5, rapport.ByThem), touch(t, "call", 0.2, rapport.ByMe))
			if s2 := strength(back, now, p); !(s2 > s) {
				t.Errorf("trial %d: a reply and a call left the tie at %.2f (was %.2f)", trial, s2, s)
			}
		}
	}
	// Eight unanswered messages to a stranger: below lend-10.
	var eight []Touch
	for i := range 8 {
		eight = append(eight, touch(t, "message", float64(i), rapport.ByMe))
	}
	if s := strength(eight, now, p); s >= *ks["lend-10"].Threshold || s > p.OneWayCap {
		t.Errorf("eight unanswered messages give %.1f", s)
	}
}
