package app

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// Minutes is where your time went, by depth.
type Minutes struct {
	Light         int `json:"light"`         // likes, follows, comments, replies
	Conversations int `json:"conversations"` // messages, emails, meetings, meals; calls both sides began
	Gives         int `json:"gives"`         // deep ladder actions you did for someone
	Total         int `json:"total"`
}

// AskCounts are the asks of a period by outcome.
type AskCounts struct {
	Total   int `json:"total"`
	Yes     int `json:"yes"`
	No      int `json:"no"`
	None    int `json:"none"`
	Pending int `json:"pending"`
}

// RungMove is how many people stood above a rung at the start and the end.
type RungMove struct {
	Action    string  `json:"action"`
	Threshold float64 `json:"threshold"`
	Start     int     `json:"start"`
	End       int     `json:"end"`
}

// Move is one person's change in strength over the period.
type Move struct {
	Person rapport.PersonRef `json:"person"`
	From   float64           `json:"from"`
	To     float64           `json:"to"`
}

// sortMoves orders moves from the most grown to the most faded.
func sortMoves(ms []Move) {
	sort.Slice(ms, func(i, j int) bool {
		di, dj := ms[i].To-ms[i].From, ms[j].To-ms[j].From
		if di != dj {
			return di > dj
		}
		return ms[i].Person.ID < ms[j].Person.ID
	})
}

// Outcome is one thing that happened for you: a favour someone did, an ask
// answered yes, a goal done.
type Outcome struct {
	At     time.Time          `json:"at"`
	Type   string             `json:"type"` // favour, yes, goal_done
	Person *rapport.PersonRef `json:"person,omitempty"`
	Action string             `json:"action,omitempty"`
	Note   string             `json:"note,omitempty"`
}

// GoalOutcomes are the outcomes that moved one goal: from people who match
// it (its helpers), or the goal's being done.
type GoalOutcomes struct {
	Goal     string    `json:"goal"`
	Done     bool      `json:"done"`
	Outcomes []Outcome `json:"outcomes"`
}

// Outcomes is what the period brought, before any count of activity (I7:
// "don't confuse activity with progress").
type Outcomes struct {
	All            []Outcome      `json:"all"`
	Goals          []GoalOutcomes `json:"goals"`
	Reached        int            `json:"people_reached"`   // people you reached out to
	Responded      int            `json:"people_responded"` // of them, who replied or reached back in the period
	ResponseRate   float64        `json:"response_rate"`    // responded ÷ reached, 0 when you reached no one
	OffersMade     int            `json:"offers_made"`      // assignment slots offered in the period
	GivesDelivered int            `json:"gives_delivered"`  // gives you did in the period
}

// Report is activity against progress over a period (I7).
type Report struct {
	Since           time.Time  `json:"since"`
	Until           time.Time  `json:"until"`
	Outcomes        Outcomes   `json:"outcomes"`
	Minutes         Minutes    `json:"minutes"`
	Touches         Minutes    `json:"touches"` // the same split, counting interactions
	Gives           int        `json:"gives"`
	Asks            AskCounts  `json:"asks"`
	FavoursReceived int        `json:"favours_received"`
	ContactsStart   int        `json:"contacts_start"`
	ContactsEnd     int        `json:"contacts_end"`
	Rungs           []RungMove `json:"rungs"`
	Grew            []Move     `json:"grew"`
	Faded           []Move     `json:"faded"`
}

// Report compares what you did in [since, until) with what it moved: the
// minutes by depth, gives against asks and their outcomes, the actionable
// network on each rung at both ends, against the raw contact count, and the
// ties that grew and faded most. The start is rebuilt from the log.
func (a *App) Report(ctx context.Context, since, until *time.Time) (*Report, error) {
	now := a.now()
	end, start := now, now.AddDate(0, 0, -30)
	var err error
	if until != nil {
		if end, err = checkMoment("until", *until); err != nil {
			return nil, err
		}
	}
	if since != nil {
		if start, err = checkMoment("since", *since); err != nil {
			return nil, err
		}
	}
	if !start.Before(end) {
		return nil, rapport.FieldErrorf(rapport.EINVALID, "since", "%s is not before the end of the period, %s", start.In(a.Zone()).Format("2006-01-02"), end.In(a.Zone()).Format("2006-01-02"))
	}
	if err := a.buildSnapshots(ctx, end); err != nil {
		return nil, err
	}
	tx := a.view(ctx)
	p, kinds, err := a.modelOf(ctx, tx)
	if err != nil {
		return nil, err
	}
	r := &Report{Since: start, Until: end, Rungs: []RungMove{}, Grew: []Move{}, Faded: []Move{}}

	acts, err := tx.ActivitySums(ctx, start, end)
	if err != nil {
		return nil, err
	}
	for _, x := range acts {
		if x.By == rapport.ByThem {
			continue // their time, not yours
		}
		k, m := kinds[x.Kind], yourMinutes(x, kinds)
		switch {
		case k.Shallow || k.Weight < 1:
			r.Minutes.Light += m
			r.Touches.Light += x.N
		case x.Favour && k.OnLadder() && x.By == rapport.ByMe: // the same rule as gives in the ledger
			r.Minutes.Gives += m
			r.Touches.Gives += x.N
		default:
			r.Minutes.Conversations += m
			r.Touches.Conversations += x.N
		}
	}
	r.Minutes.Total = r.Minutes.Light + r.Minutes.Conversations + r.Minutes.Gives
	r.Touches.Total = r.Touches.Light + r.Touches.Conversations + r.Touches.Gives

	gives, _, err := tx.Favours(ctx, "", rapport.ByMe, start, end)
	if err != nil {
		return nil, err
	}
	got, gotFrom, err := tx.Favours(ctx, "", rapport.ByThem, start, end)
	if err != nil {
		return nil, err
	}
	if a.space != nil { // a member's report: their own favours
		gives = slices.DeleteFunc(gives, func(f rapport.Favour) bool { return a.teammates(ctx, f.MemberID) })
		var mine []rapport.Favour
		var mineFrom []string
		for i, f := range got {
			if !a.teammates(ctx, f.MemberID) {
				mine, mineFrom = append(mine, f), append(mineFrom, gotFrom[i])
			}
		}
		got, gotFrom = mine, mineFrom
	}
	r.Gives, r.FavoursReceived = len(gives), len(got)
	asks, err := tx.AsksBetween(ctx, start, end)
	if err != nil {
		return nil, err
	}
	for _, x := range asks {
		r.Asks.Total++
		switch x.Outcome {
		case rapport.OutcomeYes:
			r.Asks.Yes++
		case rapport.OutcomeNo:
			r.Asks.No++
		case rapport.OutcomeNone:
			r.Asks.None++
		default:
			r.Asks.Pending++
		}
	}

	// The two ends are read side by side, each on a connection of its own.
	var from map[string]float64
	fromErr := make(chan error, 1)
	go func() {
		var err error
		from, _, err = a.strengthsAt(ctx, a.view(ctx), start, kinds, p)
		fromErr <- err
	}()
	to, states, err := a.strengthsAt(ctx, tx, end, kinds, p)
	if err := <-fromErr; err != nil {
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	if me := a.lensMember(ctx); me != "" {
		// A member's ties at both ends, and whom they reached and who
		// answered, are their own (the snapshots are the workspace's): their
		// history replayed.
		all, allTo, reach, err := a.memberStrengths(ctx, tx, start, end, me)
		if err != nil {
			return nil, err
		}
		from, to, states = map[string]float64{}, map[string]float64{}, map[string]*tieState{}
		for k, r := range reach {
			if k[0] == me {
				states[k[1]] = &tieState{Reach: *r}
			}
		}
		for k, v := range all {
			if k[0] == me {
				from[k[1]] = v
			}
		}
		for k, v := range allTo {
			if k[0] == me {
				to[k[1]] = v
			}
		}
	}
	if r.Outcomes, err = a.outcomes(ctx, tx, start, end, got, gotFrom, asks, len(gives), states); err != nil {
		return nil, err
	}
	if r.ContactsStart, err = tx.CountPeopleBefore(ctx, start); err != nil {
		return nil, err
	}
	if r.ContactsEnd, err = tx.CountPeopleBefore(ctx, end); err != nil {
		return nil, err
	}
	ks, err := tx.Kinds(ctx)
	if err != nil {
		return nil, err
	}
	for _, k := range ks {
		if !k.OnLadder() {
			continue
		}
		m := RungMove{Action: k.Name, Threshold: *k.Threshold}
		for _, s := range from {
			if s >= m.Threshold {
				m.Start++
			}
		}
		for _, s := range to {
			if s >= m.Threshold {
				m.End++
			}
		}
		r.Rungs = append(r.Rungs, m)
	}
	var moves []Move
	for id := range union(from, to) {
		if d := to[id] - from[id]; d != 0 {
			moves = append(moves, Move{Person: rapport.PersonRef{ID: id}, From: from[id], To: to[id]})
		}
	}
	sortMoves(moves)
	for i := 0; i < len(moves) && i < 5 && moves[i].To > moves[i].From; i++ {
		r.Grew = append(r.Grew, moves[i])
	}
	for i := len(moves) - 1; i >= 0 && len(r.Faded) < 5 && moves[i].To < moves[i].From; i-- {
		r.Faded = append(r.Faded, moves[i])
	}
	if err := a.name(ctx, tx, len(r.Grew), func(i int) *rapport.PersonRef { return &r.Grew[i].Person }); err != nil {
		return nil, err
	}
	if err := a.name(ctx, tx, len(r.Faded), func(i int) *rapport.PersonRef { return &r.Faded[i].Person }); err != nil {
		return nil, err
	}
	return r, nil
}

func union(a, b map[string]float64) map[string]bool {
	out := make(map[string]bool, len(a)+len(b))
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// strengthsAt is everyone's strength as the network stood at t, and the
// states behind it: the latest snapshot and the touches since (see
// statesAt).
func (a *App) strengthsAt(ctx context.Context, tx *store.Tx, t time.Time, kinds map[string]rapport.Kind, p model.Params) (map[string]float64, map[string]*tieState, error) {
	states, err := statesAt(ctx, tx, kinds, p, t)
	if err != nil {
		return nil, nil, err
	}
	out := make(map[string]float64, len(states))
	for id, s := range states {
		if v := round1(s.Tie.Strength(t, p)); v > 0 {
			out[id] = v
		}
	}
	return out, states, nil
}

// buildSnapshots brings the snapshots and days the report reads from up to t
// (see buildSnapshotsTx), in a transaction of its own; a database that
// cannot be written is read without them.
func (a *App) buildSnapshots(ctx context.Context, t time.Time) error {
	if a.DB.ReadOnly() {
		return nil
	}
	snaps, days, ok, err := a.view(ctx).SnapshotsBuilt(ctx)
	if err != nil || ok && !snaps.Before(store.SnapshotStart(t)) && !days.Before(store.DayStart(t)) {
		return err
	}
	return a.update(ctx, func(tx *store.Tx) error {
		p, kinds, err := a.modelOf(ctx, tx)
		if err != nil {
			return err
		}
		return buildSnapshotsTx(ctx, tx, kinds, p, t)
	})
}
