package model

import (
	"math"
	"sort"
)

// Reasons an action is in a plan, in the order they are served.
const (
	ReasonFollowup   = "followup"   // a promise coming due: a commitment
	ReasonThanks     = "thanks"     // they said yes: thank them and report back, a commitment
	ReasonAssignment = "assignment" // a slot of this month's assignment: a commitment
	ReasonCadence    = "cadence"    // a close tie decaying past its cadence
	ReasonCheck      = "check"      // an ask unanswered for two weeks: a gentle check
	ReasonGoal       = "goal"       // a goal needs someone above a rung
	ReasonWants      = "wants"      // someone whose wants you can serve
)

var reasonRank = map[string]int{ReasonFollowup: 0, ReasonThanks: 1, ReasonAssignment: 2, ReasonCheck: 3, ReasonCadence: 4, ReasonGoal: 5, ReasonWants: 6}

// Candidate is a possible plan item.
type Candidate struct {
	PersonID string
	Action   string
	Minutes  int
	Kind     string // ReasonFollowup, …
	Reason   string // in words
	Gain     float64
	Deep     bool   // a give of weight 1 or more, not a quick touch
	Ref      string // the follow-up it keeps, if any
	LogKind  string // the kind of interaction doing it is
	Give     bool   // doing it is a favour for them, not a touch
	// Priority orders candidates of the same reason before their gain: the
	// closer the tie and the longer past its rhythm, the higher. Gain alone
	// would favour weak ties (they have more points to gain), so an inner
	// friend silent for two months would wait behind acquaintances.
	Priority float64
}

// Commitment reports whether the candidate is something owed: a follow-up,
// a thank-you after a yes, or a slot of the month's assignment.
func (c Candidate) Commitment() bool {
	return c.Kind == ReasonFollowup || c.Kind == ReasonThanks || c.Kind == ReasonAssignment
}

// Plan picks, within budget minutes, at most one action per person:
// commitments first (follow-ups, then assignment slots), then the optional
// reasons in their order; within a reason the higher priority (the inner
// circle first), then deep gives before quick touches, then the gain for the
// time (gain ÷ minutes^¼), then person and action, so the plan is the same for
// the same candidates. Follow-ups that do not fit are
// returned apart, never silently dropped (assignment slots have the month).
func Plan(cands []Candidate, budget int) (items, unplanned []Candidate, planned int) {
	c := ordered(cands)
	seen := map[string]bool{}
	for _, x := range c {
		if seen[x.PersonID] {
			continue
		}
		if planned+x.Minutes > budget {
			if x.Kind == ReasonFollowup {
				unplanned = append(unplanned, x)
				seen[x.PersonID] = true
			}
			continue
		}
		items = append(items, x)
		planned += x.Minutes
		seen[x.PersonID] = true
	}
	return items, unplanned, planned
}

// Block returns the first deep give, in plan order, for someone not yet in
// the plan, that takes more than a day's minutes but no more than what the
// week still allows: a guest post or a workshop needs a block of time, and a
// day budget of 20 minutes would otherwise never hold one.
func Block(cands, planned []Candidate, dayLeft, weekLeft int) (Candidate, bool) {
	in := map[string]bool{}
	for _, p := range planned {
		in[p.PersonID] = true
	}
	for _, x := range ordered(cands) {
		if x.Give && x.Deep && !in[x.PersonID] && x.Minutes > dayLeft && x.Minutes <= weekLeft {
			return x, true
		}
	}
	return Candidate{}, false
}

// Schedule puts a week's items on its days, in plan order: each on the
// earliest day with room for it (caps[d] minutes) and not after latest[i]
// (its due day; -1 for none); an item that fits no day goes, as a block, on
// the day with the most room. It returns each item's day.
func Schedule(items []Candidate, caps []int, latest []int) []int {
	left := append([]int(nil), caps...)
	out := make([]int, len(items))
	for i, x := range items {
		last := len(left) - 1
		if latest[i] >= 0 && latest[i] < last {
			last = latest[i]
		}
		day := -1
		for d := 0; d <= last; d++ {
			if left[d] >= x.Minutes {
				day = d
				break
			}
		}
		if day < 0 {
			day = 0
			for d := 1; d <= last; d++ {
				if left[d] > left[day] {
					day = d
				}
			}
		}
		out[i] = day
		left[day] -= x.Minutes
	}
	return out
}

// ordered sorts candidates as Plan serves them.
func ordered(cands []Candidate) []Candidate {
	c := append([]Candidate(nil), cands...)
	sort.SliceStable(c, func(i, j int) bool {
		a, b := c[i], c[j]
		if reasonRank[a.Kind] != reasonRank[b.Kind] {
			return reasonRank[a.Kind] < reasonRank[b.Kind]
		}
		if a.Priority != b.Priority {
			return a.Priority > b.Priority
		}
		if a.Deep != b.Deep {
			return a.Deep
		}
		va, vb := a.Gain/math.Pow(float64(max(a.Minutes, 1)), 0.25), b.Gain/math.Pow(float64(max(b.Minutes, 1)), 0.25)
		if va != vb {
			return va > vb
		}
		if a.PersonID != b.PersonID {
			return a.PersonID < b.PersonID
		}
		return a.Action < b.Action
	})
	return c
}

// Upkeep is what keeping one person at their cadence costs.
type Upkeep struct {
	PersonID    string
	Layer       string
	Strength    float64
	WeekMinutes float64 // minutes a week: a touch's minutes × 7 ÷ cadence days
}

// Capacity is the verdict on whether the budget can keep the focus layers.
type Capacity struct {
	NeededWeekMinutes float64
	BudgetWeekMinutes int
	Over              bool
	LetGo             []Upkeep // the weakest ties whose release brings upkeep within budget
}

// CheckCapacity adds up the weekly upkeep of the people kept at a cadence and,
// if it exceeds the weekly budget, proposes letting the weakest go to a wider
// layer until it fits (I5: the more people you maintain, the weaker each tie).
func CheckCapacity(upkeep []Upkeep, budgetWeek int) Capacity {
	c := Capacity{BudgetWeekMinutes: budgetWeek}
	for _, u := range upkeep {
		c.NeededWeekMinutes += u.WeekMinutes
	}
	c.NeededWeekMinutes = math.Round(c.NeededWeekMinutes*10) / 10
	if c.NeededWeekMinutes <= float64(budgetWeek) {
		return c
	}
	c.Over = true
	weakest := append([]Upkeep(nil), upkeep...)
	sort.SliceStable(weakest, func(i, j int) bool {
		if weakest[i].Strength != weakest[j].Strength {
			return weakest[i].Strength < weakest[j].Strength
		}
		return weakest[i].PersonID < weakest[j].PersonID
	})
	need := c.NeededWeekMinutes
	for _, u := range weakest {
		if need <= float64(budgetWeek) {
			break
		}
		c.LetGo = append(c.LetGo, u)
		need -= u.WeekMinutes
	}
	return c
}
