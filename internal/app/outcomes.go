package app

import (
	"context"
	"sort"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/store"
)

// outcomes gathers what the period brought: favours received (each with who
// did it), asks answered yes, goals done; per goal, those that came from
// people who match it; how many of the people you reached out to answered;
// and the offers of the month's assignment against the gives delivered.
func (a *App) outcomes(ctx context.Context, tx *store.Tx, start, end time.Time, got []rapport.Favour, gotFrom []string,
	asks []rapport.Ask, gives int, states map[string]*tieState) (Outcomes, error) {
	o := Outcomes{All: []Outcome{}, Goals: []GoalOutcomes{}, GivesDelivered: gives}
	names := map[string]rapport.PersonRef{}
	ref := func(id string) *rapport.PersonRef {
		r, ok := names[id]
		if !ok {
			r = rapport.PersonRef{ID: id}
			if x, err := tx.Resolve(ctx, id); err == nil {
				r = x
			}
			names[id] = r
		}
		return &r
	}
	for i, f := range got {
		if f.Note == answeredNote {
			continue // the yes below says it
		}
		o.All = append(o.All, Outcome{At: f.At, Type: "favour", Person: ref(gotFrom[i]), Action: f.Kind, Note: f.Note})
	}
	for _, x := range asks {
		if x.Outcome == rapport.OutcomeYes && x.AnsweredAt != nil {
			o.All = append(o.All, Outcome{At: *x.AnsweredAt, Type: "yes", Person: ref(x.Person.ID), Action: x.Action, Note: x.Note})
		}
	}
	goals, err := tx.Goals(ctx)
	if err != nil {
		return o, err
	}
	for _, g := range goals {
		if g.Done != nil && !g.Done.Before(start) && g.Done.Before(end) {
			o.All = append(o.All, Outcome{At: *g.Done, Type: "goal_done", Note: g.Text})
		}
	}
	sort.SliceStable(o.All, func(i, j int) bool { return o.All[i].At.Before(o.All[j].At) })

	// Per goal: the outcomes from people who match it (looked at alone:
	// whether they match, not whether they are among its best helpers).
	var whose []string
	for _, x := range o.All {
		if x.Person != nil {
			whose = append(whose, x.Person.ID)
		}
	}
	if len(goals) > 0 {
		m, err := a.matcherFor(ctx, tx, whose)
		if err != nil {
			return o, err
		}
		for _, g := range goals {
			if g.Done != nil && g.Done.Before(start) {
				continue
			}
			hs, err := a.helpers(ctx, tx, m, g, nil, 0)
			if err != nil {
				return o, err
			}
			match := map[string]bool{}
			for _, h := range hs {
				match[h.Person.ID] = true
			}
			gv := GoalOutcomes{Goal: g.Text, Done: g.Done != nil && g.Done.Before(end), Outcomes: []Outcome{}}
			for _, x := range o.All {
				if x.Person != nil && match[x.Person.ID] || x.Type == "goal_done" && x.Note == g.Text {
					gv.Outcomes = append(gv.Outcomes, x)
				}
			}
			o.Goals = append(o.Goals, gv)
		}
	}

	// Who answered: of the people you reached out to in the period, those
	// with a touch from them (or together) at or after one of yours there,
	// read from their state at the end (model.Reach).
	for _, st := range states {
		if st.Reach.Reached(start) {
			o.Reached++
			if st.Reach.Answered(start) {
				o.Responded++
			}
		}
	}
	if o.Reached > 0 {
		o.ResponseRate = round1(100*float64(o.Responded)/float64(o.Reached)) / 100
	}
	if as, err := tx.LatestAssignment(ctx, end); err == nil && as != nil && as.Start.Before(end) && !as.Start.Before(start) {
		o.OffersMade = len(as.Slots)
	} else if err != nil && rapport.ErrorCode(err) != rapport.ENOTFOUND {
		return o, err
	}
	return o, nil
}
