package model

import (
	"math"
	"sort"
	"time"

	"github.com/rapport-app/rapport"
)

// Touch is what one interaction adds to one person's tie.
type Touch struct {
	At      time.Time
	Weight  float64 // the kind's weight, diluted in a group
	Time    float64 // √(minutes ÷ the kind's usual minutes); 0 when not recorded
	Shallow bool
	By      rapport.By
	Modes   uint8
}

// weight is what the touch adds: its weight scaled by the time spent,
// bounded to [TimeMin, TimeMax] (docs/model.md: time spent counts).
func (x Touch) weight(p Params) float64 {
	if x.Time == 0 {
		return x.Weight
	}
	return x.Weight * math.Min(p.TimeMax, math.Max(p.TimeMin, x.Time))
}

// TouchOf turns an interaction of kind k, lasting minutes (0 when not
// recorded) with participants people, into the touch it makes on each of them.
// Time spent scales the weight by the square root of its ratio to the kind's
// usual minutes (bounded by the model's TimeMin and TimeMax, applied when the
// touch is added); a group touch is diluted by the square root of the group's
// size, since intimacy falls in a crowd.
func TouchOf(k rapport.Kind, at time.Time, by rapport.By, minutes, participants int) Touch {
	x := Touch{At: at, Weight: k.Weight, Shallow: k.Shallow, By: by, Modes: k.Mode.Bit()}
	if minutes > 0 && k.Minutes > 0 {
		x.Time = math.Sqrt(float64(minutes) / float64(k.Minutes))
	}
	if participants > 1 {
		x.Weight /= math.Sqrt(float64(participants))
	}
	return x
}

// Tie is the running state of one relationship: exponentially decayed sums
// expressed as of Ref, plus the first and last contact and the modes used.
// Adding a touch costs constant time whatever the length of the history.
type Tie struct {
	Ref     time.Time // the moment the decayed sums are expressed at
	Depth   float64   // decayed weight of deep touches
	Shallow float64   // decayed weight of shallow touches (before the cap)
	Me      float64   // decayed weight of touches I initiated or gave
	Them    float64   // decayed weight of touches they initiated or gave
	First   time.Time // first deep touch (zero when none)
	Last    time.Time // last deep touch (zero when none)
	Seen    time.Time // last touch of any kind
	Modes   uint8     // modes of the deep touches
	Touches int
}

// decay is the factor by which a sum shrinks over d with half-life h.
func decay(d, h time.Duration) float64 {
	if d <= 0 {
		return 1
	}
	return math.Exp2(-d.Hours() / h.Hours())
}

// Add folds one touch into the tie in constant time. Touches may arrive in any
// order: a touch older than Ref is decayed to Ref; a newer one moves Ref.
func (t *Tie) Add(x Touch, p Params) {
	f := 1.0
	if t.Touches == 0 {
		t.Ref = x.At
	} else if x.At.After(t.Ref) {
		s := decay(x.At.Sub(t.Ref), p.HalfLife)
		t.Depth, t.Shallow, t.Me, t.Them = t.Depth*s, t.Shallow*s, t.Me*s, t.Them*s
		t.Ref = x.At
	} else {
		f = decay(t.Ref.Sub(x.At), p.HalfLife)
	}
	w := x.weight(p) * f
	if x.Shallow {
		t.Shallow += w
	} else {
		t.Depth += w
	}
	if x.By != rapport.ByThem {
		t.Me += w
	}
	if x.By != rapport.ByMe {
		t.Them += w
	}
	if t.Touches == 0 || x.At.After(t.Seen) {
		t.Seen = x.At
	}
	t.Touches++
	if x.Shallow {
		return // likes and follows do not make a history
	}
	if t.First.IsZero() || x.At.Before(t.First) {
		t.First = x.At
	}
	if t.Last.IsZero() || x.At.After(t.Last) {
		t.Last = x.At
	}
	t.Modes |= x.Modes
}

// Component names, the stable contract of `rapport why --json`.
const (
	CompDepth       = "depth"
	CompLight       = "light_touches"
	CompReciprocity = "reciprocity"
	CompHistory     = "history"
)

// Component is one additive part of a strength.
type Component struct {
	Name   string  `json:"name"`
	Points float64 `json:"points"`
	Raw    float64 `json:"-"`
}

// Breakdown is a strength and the components that add up to it.
type Breakdown struct {
	Strength   float64
	Raw        float64
	Components []Component
	// OneWay is true when nothing has come back on the tie yet, so its
	// strength is held at Params.OneWayCap at most.
	OneWay bool
}

// twoSided are the modes that take both people: a call or a meeting that
// happened is something coming back, whoever logged it.
var twoSided = rapport.ModeCall.Bit() | rapport.ModeInPerson.Bit()

// OneWay reports whether nothing has come back on the tie: no touch by them
// or by both, and no call or meeting.
func (t *Tie) OneWay() bool { return t.Touches > 0 && t.Them == 0 && t.Modes&twoSided == 0 }

// Strength returns the tie's strength at now. The tie must hold only touches at
// or before now (the store recomputes from history when asked about the past).
func (t *Tie) Strength(now time.Time, p Params) float64 {
	return t.Breakdown(now, p).Strength
}

// Breakdown returns the tie's strength at now and its four components:
//
//	depth         decayed weight of deep touches
//	light_touches shallow touches, capped: ShallowCap * (1 - exp(-sum/ShallowCap))
//	reciprocity   Reciprocity * balance * depth, balance = 2*min(me,them)/(me+them)
//	history       HistoryMax * duration * breadth of the deep touches,
//	              decaying with HistoryHalfLife since the last one
//
// strength = 100 * (1 - exp(-raw/Scale)) with raw their sum, and each
// component's points are its share of the strength, so the points add up.
func (t *Tie) Breakdown(now time.Time, p Params) Breakdown {
	comps := []Component{{Name: CompDepth}, {Name: CompLight}, {Name: CompReciprocity}, {Name: CompHistory}}
	if t.Touches == 0 {
		return Breakdown{Components: comps}
	}
	d := decay(now.Sub(t.Ref), p.HalfLife)
	depth := t.Depth * d
	light := 0.0
	if p.ShallowCap > 0 {
		light = p.ShallowCap * -math.Expm1(-t.Shallow*d/p.ShallowCap)
	}
	balance := 0.0
	if t.Me+t.Them > 0 {
		balance = 2 * math.Min(t.Me, t.Them) / (t.Me + t.Them)
	}
	recip := p.Reciprocity * balance * depth
	history := 0.0
	if !t.Last.IsZero() {
		history = p.HistoryMax * durationFactor(t.Last.Sub(t.First), p) * breadthFactor(t.Modes) *
			decay(now.Sub(t.Last), p.HistoryHalfLife)
	}
	comps[0].Raw, comps[1].Raw, comps[2].Raw, comps[3].Raw = depth, light, recip, history
	raw := depth + light + recip + history
	b := Breakdown{Raw: raw, Components: comps}
	if raw <= 0 {
		return b
	}
	b.Strength = 100 * -math.Expm1(-raw/p.Scale)
	if t.OneWay() && b.Strength > p.OneWayCap {
		b.Strength, b.OneWay = p.OneWayCap, true
	}
	for i := range b.Components {
		b.Components[i].Points = b.Strength * b.Components[i].Raw / raw
	}
	return b
}

// durationFactor grows with the logarithm of the days between first and last
// contact and reaches 1 at DurationFull.
func durationFactor(span time.Duration, p Params) float64 {
	if span <= 0 {
		return 0
	}
	f := math.Log1p(span.Hours()/24) / math.Log1p(p.DurationFull.Hours()/24)
	return math.Min(1, f)
}

// breadthFactor is 0.2 for a tie in one mode and 1 for a tie in every mode.
func breadthFactor(modes uint8) float64 {
	n := 0
	for m := modes; m != 0; m &= m - 1 {
		n++
	}
	if n == 0 {
		return 0
	}
	return 0.2 + 0.8*float64(n-1)/float64(len(rapport.Modes)-1)
}

// TieOf builds the tie of a history as of now, ignoring touches after now.
func TieOf(touches []Touch, now time.Time, p Params) Tie {
	var t Tie
	for _, x := range touches {
		if !x.At.After(now) {
			t.Add(x, p)
		}
	}
	return t
}

// Contribution is what one touch adds to a strength, in points.
type Contribution struct {
	Index  int // the touch's position in the history given to Explain
	Points float64
}

// Explain returns the breakdown of a history at now and each touch's share of
// the strength, largest first. A deep touch's share is its part of depth and
// reciprocity; a shallow touch's is its part of the light touches. History
// belongs to the relationship as a whole and is not shared out.
func Explain(touches []Touch, now time.Time, p Params) (Breakdown, []Contribution) {
	t := TieOf(touches, now, p)
	b := t.Breakdown(now, p)
	if b.Raw <= 0 {
		return b, nil
	}
	var deepSum, lightSum float64
	f := make([]float64, len(touches))
	for i, x := range touches {
		if x.At.After(now) {
			continue
		}
		f[i] = x.weight(p) * decay(now.Sub(x.At), p.HalfLife)
		if x.Shallow {
			lightSum += f[i]
		} else {
			deepSum += f[i]
		}
	}
	deepRaw := b.Components[0].Raw + b.Components[2].Raw
	lightRaw := b.Components[1].Raw
	var out []Contribution
	for i, x := range touches {
		if x.At.After(now) || f[i] == 0 {
			continue
		}
		var raw float64
		if x.Shallow {
			raw = lightRaw * f[i] / lightSum
		} else {
			raw = deepRaw * f[i] / deepSum
		}
		out = append(out, Contribution{Index: i, Points: b.Strength * raw / b.Raw})
	}
	sort.SliceStable(out, func(a, c int) bool { return out[a].Points > out[c].Points })
	return b, out
}

// Round returns a copy with the strength and the components rounded to one
// decimal, apportioned so the rounded components still add up exactly.
func (b Breakdown) Round() Breakdown {
	r := Breakdown{Strength: math.Round(b.Strength*10) / 10, Raw: b.Raw}
	r.Components = make([]Component, len(b.Components))
	copy(r.Components, b.Components)
	// Largest remainder on tenths.
	target := int(math.Round(b.Strength * 10))
	floors, rems := make([]int, len(r.Components)), make([]float64, len(r.Components))
	sum := 0
	for i, c := range r.Components {
		v := c.Points * 10
		floors[i] = int(math.Floor(v))
		rems[i] = v - math.Floor(v)
		sum += floors[i]
	}
	idx := make([]int, len(rems))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, c int) bool { return rems[idx[a]] > rems[idx[c]] })
	for k := 0; sum < target && k < len(idx); k++ {
		floors[idx[k]]++
		sum++
	}
	for i := range r.Components {
		r.Components[i].Points = float64(floors[i]) / 10
	}
	return r
}
