package model

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
)

// PastAsk is an earlier ask of the same person, as the guard sees it.
type PastAsk struct {
	At      time.Time
	Action  string
	Outcome string
}

// GuardInput is everything the ask guard weighs.
type GuardInput struct {
	Now       time.Time
	Action    string
	Strength  float64 // the tie now
	Threshold float64 // the rung asked for
	Asks      []PastAsk
	Gives     int           // gives to this person over Balance
	Window    time.Duration // how long an unanswered or declined ask blocks another (30 days)
	Balance   time.Duration // the span over which asks and gives are compared (a year)
}

// Verdict is the guard's answer with its reasons, most serious first.
type Verdict struct {
	Verdict string
	Reasons []string
}

// Guard judges an ask (I4, I10 in PRODUCT.md):
//   - wait: you asked this person something within Window and it is
//     unanswered, went unanswered, or was declined;
//   - give-first: the tie is below the action's threshold, or over Balance you
//     have asked them more often than you have given to them;
//   - go: none of these.
func Guard(in GuardInput) Verdict {
	var wait, give []string
	asked := 0
	for _, a := range in.Asks {
		age := in.Now.Sub(a.At)
		if age < 0 {
			continue
		}
		if age <= in.Balance {
			asked++
		}
		if age <= in.Window {
			when := "today"
			if days := int(age.Hours() / 24); days == 1 {
				when = "yesterday"
			} else if days > 1 {
				when = fmt.Sprintf("%d days ago", days)
			}
			switch a.Outcome {
			case rapport.OutcomePending:
				wait = append(wait, fmt.Sprintf("you asked them to %s %s and have no answer yet", a.Action, when))
			case rapport.OutcomeNone:
				wait = append(wait, fmt.Sprintf("you asked them to %s %s and they did not answer", a.Action, when))
			case rapport.OutcomeNo:
				wait = append(wait, fmt.Sprintf("you asked them to %s %s and they declined", a.Action, when))
			}
		}
	}
	if in.Strength < in.Threshold {
		give = append(give, fmt.Sprintf("the tie (%.1f) is below the threshold for %s (%.0f) by %.1f",
			in.Strength, in.Action, in.Threshold, in.Threshold-in.Strength))
	}
	if asked > in.Gives {
		give = append(give, fmt.Sprintf("over the last %d days you asked them %d times and gave to them %d times",
			int(in.Balance.Hours()/24), asked, in.Gives))
	}
	switch {
	case len(wait) > 0:
		return Verdict{Verdict: rapport.VerdictWait, Reasons: append(wait, give...)}
	case len(give) > 0:
		return Verdict{Verdict: rapport.VerdictGiveFirst, Reasons: give}
	}
	return Verdict{Verdict: rapport.VerdictGo, Reasons: []string{
		fmt.Sprintf("the tie (%.1f) is at or above the threshold for %s (%.0f), and nothing is pending", in.Strength, in.Action, in.Threshold)}}
}

// Give is a suggested give: a ladder action you could do for a person, its
// cost, and what it would add to the tie.
type Give struct {
	Action  string  `json:"action"`
	Minutes int     `json:"minutes"`
	Gain    float64 `json:"gain"`
	Toward  string  `json:"toward,omitempty"` // one of their wants it could serve
}

// SuggestGives ranks the gives that would most strengthen the tie for the
// time they take (gain ÷ minutes^¼: time counts, but depth wins over quick
// touches), as of
// now: deep ladder actions (weight 1 or more: no likes, replies or comments;
// no loans), no more than a little above
// what the tie carries (a guest post for a stranger is odd).
func SuggestGives(tie Tie, kinds []rapport.Kind, now time.Time, p Params, n int) []Give {
	base := tie.Strength(now, p)
	var out []Give
	for _, k := range kinds {
		if !k.OnLadder() || k.Shallow || k.Weight < 1 || k.Minutes <= 0 || strings.HasPrefix(k.Name, "lend-") {
			continue
		}
		if *k.Threshold > base+15 {
			continue
		}
		t := tie
		t.Add(TouchOf(k, now, rapport.ByMe, 0, 1), p)
		out = append(out, Give{Action: k.Name, Minutes: k.Minutes, Gain: math.Round((t.Strength(now, p)-base)*10) / 10})
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := out[i].Gain/math.Pow(float64(out[i].Minutes), 0.25), out[j].Gain/math.Pow(float64(out[j].Minutes), 0.25)
		if ri != rj {
			return ri > rj
		}
		return out[i].Action < out[j].Action
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
