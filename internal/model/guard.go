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
	By      string // a teammate who asked ("" for you)
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

	// Across everyone: the asks you recorded in the last day and week, and
	// the most you allow yourself (seed 004's blast: nine "please like my
	// page" asks in a day).
	AsksToday, AsksWeek     int
	MaxAsksDay, MaxAsksWeek int
	// Favours they did for you within FavourMemory with no give of yours
	// since: the next ask waits for a give back.
	FavoursUnreturned []PastFavour
	FavourMemory      time.Duration
	// SilentDays is how long since your last touch with them, CadenceDays
	// their rhythm (0: none): a tie past its rhythm is reconnected first.
	SilentDays, CadenceDays int
}

// PastFavour is a favour they did for you, as the guard sees it.
type PastFavour struct {
	At     time.Time
	Action string
}

// Verdict is the guard's answer with its reasons, most serious first.
type Verdict struct {
	Verdict string
	Reasons []string
}

// Guard judges an ask (I4, I10 in PRODUCT.md):
//   - wait: you asked this person something within Window and it is
//     unanswered, went unanswered, or was declined (longer, while you owe
//     them: a declined ask is remembered as long as you have asked more than
//     you gave); or you have already asked MaxAsksDay people today or
//     MaxAsksWeek this week;
//   - give-first: the tie is below the action's threshold; over Balance you
//     have asked them more often than you have given to them; they did you a
//     favour within FavourMemory and you have not given back since; or the tie
//     is past its rhythm (reconnect, then ask);
//   - go: none of these.
func Guard(in GuardInput) Verdict {
	var wait, give []string
	if in.MaxAsksDay > 0 && in.AsksToday >= in.MaxAsksDay {
		wait = append(wait, fmt.Sprintf("you have asked %d people today (your limit: %d a day); asking everyone at once spends credibility", in.AsksToday, in.MaxAsksDay))
	} else if in.MaxAsksWeek > 0 && in.AsksWeek >= in.MaxAsksWeek {
		wait = append(wait, fmt.Sprintf("you have asked %d people this week (your limit: %d a week)", in.AsksWeek, in.MaxAsksWeek))
	}
	asked := 0
	for _, a := range in.Asks {
		if age := in.Now.Sub(a.At); age >= 0 && age <= in.Balance {
			asked++
		}
	}
	owe := asked > in.Gives
	for _, a := range in.Asks {
		age := in.Now.Sub(a.At)
		if age < 0 {
			continue
		}
		if age <= in.Window || owe && age <= in.Balance && (a.Outcome == rapport.OutcomeNo || a.Outcome == rapport.OutcomeNone) {
			when := "today"
			if days := int(age.Hours() / 24); days == 1 {
				when = "yesterday"
			} else if days > 1 {
				when = fmt.Sprintf("%d days ago", days)
			}
			if a.By != "" {
				// A teammate's ask: who and when, never why or what came of it.
				wait = append(wait, fmt.Sprintf("%s on your team asked them %s: one ask at a time reaches a person", a.By, when))
				continue
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
	if owe {
		give = append(give, fmt.Sprintf("over the last %d days you asked them %d times and gave to them %d times",
			int(in.Balance.Hours()/24), asked, in.Gives))
	}
	for _, f := range in.FavoursUnreturned {
		if age := in.Now.Sub(f.At); age >= 0 && age <= in.FavourMemory {
			give = append(give, fmt.Sprintf("they did you a favour (%s) %d days ago and you have not given back since", f.Action, int(age.Hours()/24)))
			break
		}
	}
	if in.CadenceDays > 0 && in.SilentDays > in.CadenceDays {
		give = append(give, fmt.Sprintf("you have not been in touch for %d days (your rhythm with them: every %d): reconnect before you ask", in.SilentDays, in.CadenceDays))
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
