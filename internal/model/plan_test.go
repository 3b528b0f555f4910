package model

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

func randomCandidates(r *rand.Rand) []Candidate {
	kinds := []string{ReasonFollowup, ReasonAssignment, ReasonCadence, ReasonGoal, ReasonWants}
	var out []Candidate
	for i := range 5 + r.IntN(40) {
		out = append(out, Candidate{
			PersonID: string(rune('a' + r.IntN(15))), Action: []string{"call", "help-hour", "reply", "review"}[r.IntN(4)],
			Minutes: 1 + r.IntN(90), Kind: kinds[r.IntN(len(kinds))], Gain: r.Float64() * 20, Deep: r.IntN(2) == 0, Ref: string(rune(i)),
		})
	}
	return out
}

func TestPlanProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for c := range 500 {
		cands := randomCandidates(r)
		budget := r.IntN(200)
		items, unplanned, planned := Plan(cands, budget)

		// The budget bound.
		sum := 0
		for _, x := range items {
			sum += x.Minutes
		}
		if sum != planned || planned > budget {
			t.Fatalf("case %d: planned %d (sum %d) over budget %d", c, planned, sum, budget)
		}
		// No one twice, in the plan or between plan and unplanned.
		seen := map[string]bool{}
		for _, x := range append(append([]Candidate(nil), items...), unplanned...) {
			if seen[x.PersonID] {
				t.Fatalf("case %d: %s listed twice", c, x.PersonID)
			}
			seen[x.PersonID] = true
		}
		// Commitments first: no optional item before a commitment.
		optional := false
		for _, x := range items {
			if !x.Commitment() {
				optional = true
			} else if optional {
				t.Fatalf("case %d: commitment %+v after an optional item", c, x)
			}
		}
		// An optional item is in only if no commitment that fitted was left out.
		for _, u := range unplanned {
			if u.Kind != ReasonFollowup {
				t.Fatalf("case %d: %s among the unplanned: only follow-ups are reported", c, u.Kind)
			}
		}
		// Deterministic, whatever the order of the candidates.
		shuffled := append([]Candidate(nil), cands...)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		again, _, _ := Plan(shuffled, budget)
		if !reflect.DeepEqual(stripRef(items), stripRef(again)) {
			t.Fatalf("case %d: the plan depends on the candidates' order", c)
		}
	}
}

func stripRef(c []Candidate) []Candidate {
	out := make([]Candidate, len(c))
	for i, x := range c {
		x.Ref = ""
		out[i] = x
	}
	return out
}

func TestPlanPrefersDepthAndCommitments(t *testing.T) {
	cands := []Candidate{
		{PersonID: "a", Action: "reply", Minutes: 3, Kind: ReasonWants, Gain: 2},
		{PersonID: "b", Action: "help-hour", Minutes: 60, Kind: ReasonWants, Gain: 9, Deep: true},
		{PersonID: "c", Action: "follow up", Minutes: 15, Kind: ReasonFollowup, Gain: 1},
		{PersonID: "d", Action: "follow up", Minutes: 50, Kind: ReasonFollowup, Gain: 1},
	}
	items, _, planned := Plan(cands[:3], 100)
	if len(items) != 3 || items[0].PersonID != "c" || items[1].PersonID != "b" || items[2].PersonID != "a" || planned != 78 {
		t.Errorf("plan = %+v (%d min): want the follow-up, then the deep give, then the reply", items, planned)
	}
	items, unplanned, planned := Plan(cands, 64)
	if len(unplanned) != 1 || unplanned[0].PersonID != "d" || planned != 18 || len(items) != 2 {
		t.Errorf("the follow-up that did not fit must be reported: plan %+v, unplanned %+v", items, unplanned)
	}
}

func TestCapacityLetsTheWeakestGo(t *testing.T) {
	up := []Upkeep{{"a", "inner", 90, 30}, {"b", "close", 50, 7}, {"c", "close", 46, 7}, {"d", "active", 20, 1}}
	if c := CheckCapacity(up, 60); c.Over || c.NeededWeekMinutes != 45 {
		t.Errorf("within budget: %+v", c)
	}
	c := CheckCapacity(up, 38)
	if !c.Over || len(c.LetGo) != 2 || c.LetGo[0].PersonID != "d" || c.LetGo[1].PersonID != "c" {
		t.Errorf("over budget: %+v, want d then c let go", c)
	}
}

func TestScheduleFillsEarliestDaysAndBlocks(t *testing.T) {
	items := []Candidate{
		{PersonID: "a", Minutes: 15, Kind: ReasonFollowup}, // due on day 1
		{PersonID: "b", Minutes: 15},
		{PersonID: "c", Minutes: 90, Give: true, Deep: true}, // longer than any day
		{PersonID: "d", Minutes: 5},
	}
	caps := []int{10, 20, 20, 20, 20, 20, 20}
	got := Schedule(items, caps, []int{1, -1, -1, -1})
	if got[0] != 1 {
		t.Errorf("the promise due on day 1 is on day %d", got[0])
	}
	if got[1] != 2 {
		t.Errorf("the second item is on day %d, want the first with room (2)", got[1])
	}
	if got[2] != 3 {
		t.Errorf("the block is on day %d, want the first day with the most room (3)", got[2])
	}
	if got[3] != 0 {
		t.Errorf("the 5-minute item is on day %d, want today (room for it)", got[3])
	}
	// A promise due today stays today, even over the day's minutes.
	if d := Schedule([]Candidate{{Minutes: 60, Kind: ReasonFollowup}}, caps, []int{0}); d[0] != 0 {
		t.Errorf("a promise due today went to day %d", d[0])
	}
}

func TestBlockTakesADeepGiveTheWeekAffords(t *testing.T) {
	cands := []Candidate{
		{PersonID: "a", Minutes: 20, Kind: ReasonCadence},
		{PersonID: "b", Minutes: 180, Give: true, Deep: true, Kind: ReasonWants, Gain: 5},
		{PersonID: "c", Minutes: 90, Give: true, Deep: true, Kind: ReasonWants, Gain: 9},
		{PersonID: "d", Minutes: 10, Give: true, Deep: true, Kind: ReasonWants},
	}
	planned := []Candidate{cands[0]}
	if c, ok := Block(cands, planned, 0, 120); !ok || c.PersonID != "c" {
		t.Errorf("block with 120 minutes left in the week: %+v %v, want the 90-minute give", c, ok)
	}
	if c, ok := Block(cands, planned, 0, 60); !ok || c.PersonID != "d" {
		t.Errorf("with 60 minutes left in the week: %+v %v, want the 10-minute give", c, ok)
	}
	if c, ok := Block(cands, planned, 15, 60); ok {
		t.Errorf("a block the week cannot afford: %+v", c)
	}
	if c, ok := Block(cands, planned, 200, 500); ok {
		t.Errorf("a block although the day has room for everything: %+v", c)
	}
}
