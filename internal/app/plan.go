package app

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// Budget is the time you invest in relationships (I8).
type Budget struct {
	DayMinutes  int `json:"day_minutes"`
	WeekMinutes int `json:"week_minutes"`
}

// Default budget: twenty minutes a day, two hours a week ("a few minutes a
// day, like weeding a garden").
const (
	defaultDayMinutes  = 20
	defaultWeekMinutes = 120
)

func (a *App) budget(ctx context.Context, tx *store.Tx) (Budget, error) {
	s, err := tx.Settings(ctx)
	if err != nil {
		return Budget{}, err
	}
	b := Budget{DayMinutes: defaultDayMinutes, WeekMinutes: defaultWeekMinutes}
	if v, ok := s["budget.day"]; ok {
		b.DayMinutes, _ = strconv.Atoi(v)
	}
	if v, ok := s["budget.week"]; ok {
		b.WeekMinutes, _ = strconv.Atoi(v)
	}
	return b, nil
}

// Budget returns the time budget.
func (a *App) Budget(ctx context.Context) (*Budget, error) {
	b, err := a.budget(ctx, a.view(ctx))
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// SetBudget changes the budget's minutes a day and a week; nil stays as it is.
func (a *App) SetBudget(ctx context.Context, day, week *int) (*Budget, error) {
	d, w, err := checkBudget(day, week)
	if err != nil {
		return nil, err
	}
	var b Budget
	err = a.update(ctx, func(tx *store.Tx) error {
		if err := a.storeBudget(ctx, tx, d, w); err != nil {
			return err
		}
		var err error
		b, err = a.budget(ctx, tx)
		return err
	})
	return &b, err
}

// checkBudget checks the minutes of a day's and a week's budget; 0 for a
// value not given.
func checkBudget(day, week *int) (d, w int, err error) {
	for _, f := range []struct {
		field string
		v     *int
		dst   *int
	}{{"day", day, &d}, {"week", week, &w}} {
		if f.v == nil {
			continue
		}
		if *f.v < 1 || *f.v > 7*MaxMinutes {
			return 0, 0, rapport.FieldErrorf(rapport.EINVALID, f.field, "%d minutes: expected between 1 minute and a week", *f.v)
		}
		*f.dst = *f.v
	}
	return d, w, nil
}

// storeBudget stores the budget's minutes that were given (not 0).
func (a *App) storeBudget(ctx context.Context, tx *store.Tx, day, week int) error {
	for _, f := range []struct {
		key string
		m   int
	}{{"budget.day", day}, {"budget.week", week}} {
		if f.m == 0 {
			continue
		}
		if err := tx.SetSetting(ctx, f.key, strconv.Itoa(f.m)); err != nil {
			return err
		}
	}
	return nil
}

// PlanItem is one action of a plan.
type PlanItem struct {
	Person     rapport.PersonRef `json:"person"`
	Action     string            `json:"action"`
	Minutes    int               `json:"minutes"`
	Reason     string            `json:"reason"`
	Kind       string            `json:"kind"` // followup, assignment, cadence, goal, wants
	Gain       float64           `json:"gain"`
	Commitment bool              `json:"commitment"`
	LogKind    string            `json:"log_kind"`           // the interaction kind doing it logs
	Followup   string            `json:"followup,omitempty"` // the follow-up it keeps
	Give       bool              `json:"give"`               // doing it is a favour for them, logged as a give
	Day        string            `json:"day,omitempty"`      // week plans: the day it is scheduled on (YYYY-MM-DD)
	Block      bool              `json:"block,omitempty"`    // a deep give longer than a day's minutes, that the week affords
}

// IsGive reports whether doing the item is a favour done for the person (an
// assignment slot, help toward a goal, a want served), not a plain touch.
func (it PlanItem) IsGive() bool { return it.Give }

// offerMinutes is what doing an offer takes: the length its words give
// ("a 90-minute workshop"), else the minutes of the action it is logged as.
func offerMinutes(offer string, k rapport.Kind) int {
	if n := minutesIn(offer); n > 0 {
		return n
	}
	return k.Minutes
}

// fadingReason says why a tie past its rhythm is in the plan, and how far
// it has fallen when it has left its layer.
func fadingReason(o Overdue, late string) string {
	if o.KeptLayer != o.Layer {
		return fmt.Sprintf("%s tie fading: every %d days, %s; fallen from %.0f to %.0f (now %s)", o.KeptLayer, o.CadenceDays, late, o.Was, o.Strength, o.Layer)
	}
	return fmt.Sprintf("%s tie decaying: every %d days, %s", o.KeptLayer, o.CadenceDays, late)
}

// closeness ranks a layer for the plan: the inner circle highest, far above
// how long anyone is past their rhythm.
func closeness(layer string, p model.Params) float64 {
	for i, l := range p.Layers {
		if l.Name == layer {
			return float64(len(p.Layers)-i) * 1000
		}
	}
	return 0
}

// CapacityView is the plan's word on whether your time can keep your circles.
type CapacityView struct {
	NeededWeekMinutes float64      `json:"needed_week_minutes"`
	BudgetWeekMinutes int          `json:"budget_week_minutes"`
	Over              bool         `json:"over"`
	LetGo             []LetGo      `json:"let_go"`
	Layers            []LayerCount `json:"layers"`
}

// LetGo is a suggestion to let a tie drift to a wider layer.
type LetGo struct {
	Person      rapport.PersonRef `json:"person"`
	Layer       string            `json:"layer"`
	Strength    float64           `json:"strength"`
	WeekMinutes float64           `json:"week_minutes"`
}

// LayerCount is how many people a focus layer holds against its capacity.
type LayerCount struct {
	Layer    string `json:"layer"`
	People   int    `json:"people"`
	Capacity int    `json:"capacity"`
	Pinned   int    `json:"pinned"` // people you gave a cadence at least as tight as the layer's, or kept in it or closer (edit --keep)
}

// PlanView is a day's or a week's plan.
type PlanView struct {
	Horizon        string       `json:"horizon"`        // today or week
	BudgetMinutes  int          `json:"budget_minutes"` // what is left to plan: the budget less what was spent today
	SpentMinutes   int          `json:"spent_minutes"`  // already spent today (your touches; theirs cost you nothing)
	PlannedMinutes int          `json:"planned_minutes"`
	Items          []PlanItem   `json:"items"`
	Unplanned      []PlanItem   `json:"unplanned"` // commitments that did not fit the budget
	Capacity       CapacityView `json:"capacity"`
	Notes          []string     `json:"notes"`
}

// upkeepMinutes is what one touch at a layer's cadence typically costs: a
// short call or message each week for the inner five, a proper conversation
// each month for the close fifteen, a note twice a year for the active fifty.
// With the default budget of two hours a week, a full set of circles fits.
var upkeepMinutes = map[string]float64{"inner": 10, "close": 20, "active": 15}

// Plan builds the plan for today or the week within the budget (or the
// override, in minutes, when positive).
func (a *App) Plan(ctx context.Context, week bool, override int) (*PlanView, error) {
	tx := a.view(ctx)
	now := a.now()
	b, err := a.budget(ctx, tx)
	if err != nil {
		return nil, err
	}
	v := &PlanView{Horizon: "today", BudgetMinutes: b.DayMinutes, Items: []PlanItem{}, Unplanned: []PlanItem{}, Notes: []string{}}
	end := a.nextDay(now)
	if week {
		v.Horizon, v.BudgetMinutes, end = "week", b.WeekMinutes, now.Add(7*model.Day)
	}
	m, err := a.matcher(ctx, tx)
	if err != nil {
		return nil, err
	}
	kinds := map[string]rapport.Kind{}
	for _, k := range m.kinds {
		kinds[k.Name] = k
	}
	// The budget remembers today: what was already spent comes off it, and
	// whoever was already in touch today is not proposed again.
	dayStart := a.dayStart(now)
	spent, err := minutesSpent(ctx, tx, dayStart, now, kinds)
	if err != nil {
		return nil, err
	}
	if override > 0 {
		v.BudgetMinutes = override
	} else if spent > 0 {
		v.BudgetMinutes = max(0, v.BudgetMinutes-spent)
		v.Notes = append(v.Notes, fmt.Sprintf("%d minutes already spent today: %d left", spent, v.BudgetMinutes))
	}
	v.SpentMinutes = spent
	touched, err := tx.TouchedBetween(ctx, dayStart, now.Add(time.Millisecond))
	if err != nil {
		return nil, err
	}
	gain := func(id, kind string) float64 {
		t := m.sc.Of(id).Tie
		before := t.Strength(now, m.p)
		t.Add(model.TouchOf(kinds[kind], now, rapport.ByMe, 0, 1), m.p)
		return round1(t.Strength(now, m.p) - before)
	}
	var cands []model.Candidate

	// Commitments: follow-ups due by the end of the horizon.
	fus, err := tx.Followups(ctx, true)
	if err != nil {
		return nil, err
	}
	fuDue := map[string]time.Time{}
	for _, f := range fus {
		if !f.Due.Before(end) {
			continue
		}
		fuDue[f.ID] = f.Due
		when := "due today"
		if d := a.daysBetween(now, f.Due); d < 0 {
			when = fmt.Sprintf("%d days overdue", -d)
		} else if d > 0 {
			when = "due " + f.Due.In(a.Zone()).Format("Mon 2 Jan")
		}
		cands = append(cands, model.Candidate{PersonID: f.Person.ID, Action: "follow up: " + f.Text, Minutes: 15,
			Kind: model.ReasonFollowup, Reason: "you promised (" + when + ")", Gain: gain(f.Person.ID, "email"), Ref: f.ID, LogKind: "email"})
	}
	// Follow-through on asks: a yes in the last week is thanked and reported
	// back on; an ask unanswered for two weeks gets one gentle check. Either
	// is dropped once you have been in touch since.
	thanks, err := a.followThrough(ctx, tx, now)
	if err != nil {
		return nil, err
	}
	cands = append(cands, thanks...)
	// Commitments: this month's assignment slots not yet delivered.
	if as, err := a.Assignment(ctx); err == nil && as.End.After(now) {
		for _, s := range as.Slots {
			if s.Done {
				continue
			}
			k := kinds[s.Action]
			cands = append(cands, model.Candidate{PersonID: s.Person.ID, Action: s.Offer, Minutes: max(offerMinutes(s.Offer, k), 5),
				Kind: model.ReasonAssignment, Reason: fmt.Sprintf("assignment slot %d (%d days left)", s.Slot.Slot, as.DaysLeft),
				Gain: gain(s.Person.ID, s.Action), Deep: k.Weight >= 1, LogKind: s.Action, Give: true})
		}
	} else if err != nil && rapport.ErrorCode(err) != rapport.ENOTFOUND {
		return nil, err
	}
	// Close ties decaying past their cadence.
	own, err := tx.Cadences(ctx)
	if err != nil {
		return nil, err
	}
	over, err := a.overdue(ctx, tx, m.p, m.sc, own)
	if err != nil {
		return nil, err
	}
	for _, o := range over {
		if o.KeptLayer == model.Known || o.KeptLayer == "acquaintance" || o.KeptLayer == "network" && !week {
			continue
		}
		g := a.reconnect(ctx, tx, m, o.Person.ID, o.KeptLayer)
		late := "never contacted"
		if o.LastContact != nil {
			late = fmt.Sprintf("%d days past", o.OverdueDays)
		}
		cands = append(cands, model.Candidate{PersonID: o.Person.ID, Action: g.Action, Minutes: g.Minutes,
			Kind: model.ReasonCadence, Reason: fadingReason(o, late),
			Gain: gain(o.Person.ID, g.LogKind), Deep: g.Give && kinds[g.LogKind].Weight >= 1, LogKind: g.LogKind, Give: g.Give,
			Priority: closeness(o.KeptLayer, m.p) + float64(o.OverdueDays)/float64(max(o.CadenceDays, 1))})
	}
	// Goals that need someone above a rung: raise the best helpers still below it.
	goals, err := tx.Goals(ctx)
	if err != nil {
		return nil, err
	}
	intro, hasIntro := kinds["introduce"]
	for _, g := range goals {
		if g.Done != nil {
			continue
		}
		hs, err := a.helpers(ctx, tx, m, g, nil, 50)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, h := range hs {
			if n == 3 {
				break
			}
			if hasIntro && intro.Threshold != nil && h.Strength >= *intro.Threshold {
				continue
			}
			n++
			pg := a.bestGive(ctx, tx, m, h.Person.ID)
			reason := fmt.Sprintf("goal %q: could help, but the tie (%.1f) is below introduce", g.Text, h.Strength)
			cands = append(cands, model.Candidate{PersonID: h.Person.ID, Action: pg.Action, Minutes: pg.Minutes,
				Kind: model.ReasonGoal, Reason: reason, Gain: gain(h.Person.ID, pg.LogKind), Deep: pg.Give && kinds[pg.LogKind].Weight >= 1,
				LogKind: pg.LogKind, Give: pg.Give, Priority: closeness(m.sc.Of(h.Person.ID).Layer, m.p)})
		}
	}
	// People whose wants you can serve.
	help, _ := a.helpable(ctx, tx, m, nil)
	for _, s := range help {
		k := kinds[s.Action]
		cands = append(cands, model.Candidate{PersonID: s.Person.ID, Action: s.Offer, Minutes: offerMinutes(s.Offer, k),
			Kind: model.ReasonWants, Reason: s.Reason, Gain: gain(s.Person.ID, s.Action), Deep: k.Weight >= 1, LogKind: s.Action, Give: true,
			Priority: closeness(m.sc.Of(s.Person.ID).Layer, m.p)})
	}

	// Whoever you were in touch with today, or snoozed, is not proposed
	// again today, unless you promised something.
	resting, err := tx.Snoozed(ctx, now)
	if err != nil {
		return nil, err
	}
	kept := cands[:0]
	for _, c := range cands {
		if _, snoozed := resting[c.PersonID]; !touched[c.PersonID] && !snoozed || c.Commitment() {
			kept = append(kept, c)
		}
	}
	filtered := len(cands) - len(kept)
	cands = kept
	items, unplanned, planned := model.Plan(cands, v.BudgetMinutes)
	days, block, err := a.schedule(ctx, tx, week, override, now, b, spent, kinds, cands, &items, &planned, fuDue)
	if err != nil {
		return nil, err
	}
	if block != "" {
		v.Notes = append(v.Notes, block)
	}
	v.PlannedMinutes = planned
	toItem := func(c model.Candidate) PlanItem {
		it := PlanItem{Person: rapport.PersonRef{ID: c.PersonID}, Action: c.Action, Minutes: c.Minutes, Reason: c.Reason,
			Kind: c.Kind, Gain: c.Gain, Commitment: c.Commitment(), LogKind: c.LogKind, Give: c.Give}
		if c.Kind == model.ReasonFollowup {
			it.Followup = c.Ref
		}
		return it
	}
	for i, c := range items {
		it := toItem(c)
		if days != nil {
			it.Day = days[i]
		}
		it.Block = c.Minutes > b.DayMinutes && c.Give
		v.Items = append(v.Items, it)
	}
	for _, c := range unplanned {
		v.Unplanned = append(v.Unplanned, toItem(c))
	}
	if err := a.name(ctx, tx, len(v.Items), func(i int) *rapport.PersonRef { return &v.Items[i].Person }); err != nil {
		return nil, err
	}
	if err := a.name(ctx, tx, len(v.Unplanned), func(i int) *rapport.PersonRef { return &v.Unplanned[i].Person }); err != nil {
		return nil, err
	}
	switch {
	case len(cands) == 0 && filtered > 0:
		v.Notes = append(v.Notes, "everyone with something to do was in touch with you today or is snoozed: nothing more for now")
	case len(cands) == 0:
		v.Notes = append(v.Notes, "nothing to do: add follow-ups, goals, people's wants, or your offers (`rapport me --offers`)")
	}
	v.Capacity, err = a.capacity(ctx, tx, m, own, b)
	return v, err
}

// schedule gives deep gives a day and week items their days. A day plan
// with no deep give this past week takes one that is longer than the day's
// minutes when the week's allowance still affords it (a guest post needs a
// block; a 20-minute day never holds one). A week plan puts each item on the
// earliest day with room, promises no later than their due day, and a give
// longer than any day on the day with the most room.
func (a *App) schedule(ctx context.Context, tx *store.Tx, week bool, override int, now time.Time, b Budget, spent int,
	kinds map[string]rapport.Kind, cands []model.Candidate, items *[]model.Candidate, planned *int, fuDue map[string]time.Time) ([]string, string, error) {
	dayStart := rapport.DayStart(now, a.Zone())
	if week {
		caps := make([]int, 7)
		for d := range caps {
			caps[d] = b.DayMinutes
		}
		caps[0] = max(0, b.DayMinutes-spent)
		latest := make([]int, len(*items))
		for i, c := range *items {
			latest[i] = -1
			if due, ok := fuDue[c.Ref]; ok && c.Kind == model.ReasonFollowup {
				latest[i] = max(0, min(6, a.daysBetween(now, due)))
			}
		}
		out := make([]string, len(*items))
		for i, d := range model.Schedule(*items, caps, latest) {
			out[i] = dayStart.AddDate(0, 0, d).Format("2006-01-02")
		}
		return out, "", nil
	}
	if override > 0 {
		return nil, "", nil
	}
	recent, _, err := tx.Favours(ctx, "", rapport.ByMe, dayStart.AddDate(0, 0, -6).UTC(), now.Add(time.Millisecond))
	if err != nil || len(recent) > 0 {
		return nil, "", err // a deep give this week already
	}
	weekSpent, err := minutesSpent(ctx, tx, dayStart.AddDate(0, 0, -6).UTC(), now, kinds)
	if err != nil {
		return nil, "", err
	}
	weekLeft := b.WeekMinutes - weekSpent - *planned
	c, ok := model.Block(cands, *items, max(0, b.DayMinutes-spent-*planned), weekLeft)
	if !ok {
		return nil, "", nil
	}
	c.Reason += fmt.Sprintf("; a %d-minute block the week affords (%d of its %d minutes left)", c.Minutes, weekLeft, b.WeekMinutes)
	*items = append(*items, c)
	*planned += c.Minutes
	return nil, fmt.Sprintf("today holds a block for a deep give: %d minutes, more than the day's %d, within the week's %d", c.Minutes, b.DayMinutes, b.WeekMinutes), nil
}

// yourMinutes is what interactions cost you: the minutes logged, else
// their kind's usual minutes; touches they made cost you nothing.
func yourMinutes(x store.ActivitySum, kinds map[string]rapport.Kind) int {
	if x.By == rapport.ByThem {
		return 0
	}
	return x.Minutes + x.Unrecorded*kinds[x.Kind].Minutes
}

// minutesSpent adds up yourMinutes over [from, now].
func minutesSpent(ctx context.Context, tx *store.Tx, from, now time.Time, kinds map[string]rapport.Kind) (int, error) {
	acts, err := tx.ActivitySums(ctx, from, now.Add(time.Millisecond))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, x := range acts {
		n += yourMinutes(x, kinds)
	}
	return n, nil
}

// followThrough proposes what an ask calls for after it was made: thanks
// and a report-back within days of a yes (seed 000, comments: follow
// through), and a gentle check on an ask pending for two weeks.
func (a *App) followThrough(ctx context.Context, tx *store.Tx, now time.Time) ([]model.Candidate, error) {
	asks, err := tx.AsksBetween(ctx, now.Add(-60*model.Day), now.Add(time.Millisecond))
	if err != nil {
		return nil, err
	}
	var out []model.Candidate
	since := func(id string, t time.Time) (bool, error) { // a touch of yours since t
		hist, err := tx.History(ctx, id)
		if err != nil {
			return false, err
		}
		for _, h := range hist {
			if h.By != rapport.ByThem && !h.At.Before(t) && !h.At.After(now) {
				return true, nil
			}
		}
		return false, nil
	}
	for _, x := range asks {
		switch {
		case x.Outcome == rapport.OutcomeYes && x.AnsweredAt != nil && now.Sub(*x.AnsweredAt) <= 7*model.Day:
			if done, err := since(x.Person.ID, *x.AnsweredAt); err != nil || done {
				if err != nil {
					return nil, err
				}
				continue
			}
			out = append(out, model.Candidate{PersonID: x.Person.ID, Action: fmt.Sprintf("thank them for saying yes to %s, and tell them how it went", x.Action),
				Minutes: 10, Kind: model.ReasonThanks, Reason: fmt.Sprintf("they said yes on %s", x.AnsweredAt.In(a.Zone()).Format("Mon 2 Jan")), LogKind: "message"})
		case x.Outcome == rapport.OutcomePending && now.Sub(x.At) >= 14*model.Day:
			if done, err := since(x.Person.ID, x.At.Add(14*model.Day)); err != nil || done {
				if err != nil {
					return nil, err
				}
				continue
			}
			out = append(out, model.Candidate{PersonID: x.Person.ID, Action: fmt.Sprintf("check gently on your ask (%s): no pressure, offer an easy out", x.Action),
				Minutes: 5, Kind: model.ReasonCheck, Reason: fmt.Sprintf("asked %d days ago, no answer yet", int(now.Sub(x.At)/model.Day)), LogKind: "message"})
		}
	}
	return out, nil
}

// capacity checks whether the week's budget keeps the focus layers at their
// cadences, and whether the people you pinned with a cadence overflow a layer.
func (a *App) capacity(ctx context.Context, tx *store.Tx, m *matcher, own map[string]int, b Budget) (CapacityView, error) {
	// Each person counts in the layer they are kept in (keptLayer): a
	// fading close tie still takes its place and its upkeep until you let it
	// go (edit --keep a wider layer).
	keeps, err := tx.Keeps(ctx)
	if err != nil {
		return CapacityView{}, err
	}
	rank := layerRanks(m.p)
	var up []model.Upkeep
	counts := map[string]int{}
	kept := map[string]string{}
	for _, s := range m.sc.List {
		layer, _ := keptLayer(s, m.p, rank, keeps)
		kept[s.ID] = layer
		counts[layer]++
		cad := m.p.CadenceOf(layer)
		if d, ok := own[s.ID]; ok {
			cad = time.Duration(d) * model.Day
		}
		mins, focus := upkeepMinutes[layer]
		if !focus || cad <= 0 {
			continue
		}
		up = append(up, model.Upkeep{PersonID: s.ID, Layer: layer, Strength: s.Strength, WeekMinutes: mins * 7 / (cad.Hours() / 24)})
	}
	c := model.CheckCapacity(up, b.WeekMinutes)
	v := CapacityView{NeededWeekMinutes: c.NeededWeekMinutes, BudgetWeekMinutes: b.WeekMinutes, Over: c.Over, LetGo: []LetGo{}, Layers: []LayerCount{}}
	for _, u := range c.LetGo {
		v.LetGo = append(v.LetGo, LetGo{Person: rapport.PersonRef{ID: u.PersonID}, Layer: u.Layer, Strength: u.Strength, WeekMinutes: round1(u.WeekMinutes)})
	}
	if err := a.name(ctx, tx, len(v.LetGo), func(i int) *rapport.PersonRef { return &v.LetGo[i].Person }); err != nil {
		return v, err
	}
	within := 0
	for _, l := range m.p.Layers[:3] {
		pinned := 0
		for id, d := range own {
			if time.Duration(d)*model.Day <= l.Cadence {
				pinned++
			} else if k, ok := keeps[id]; ok && rank[k] <= rank[l.Name] {
				pinned++
			}
		}
		for id, k := range keeps {
			if _, counted := own[id]; !counted && rank[k] <= rank[l.Name] {
				pinned++ // kept in this layer or a closer one on purpose
			}
		}
		within += counts[l.Name]
		v.Layers = append(v.Layers, LayerCount{Layer: l.Name, People: within, Capacity: l.Capacity, Pinned: pinned})
		if pinned > l.Capacity {
			v.Over = true
		}
	}
	return v, nil
}

// LayerCountsOver lists the focus layers where the people you pinned with a
// cadence outnumber the layer's capacity.
func (c CapacityView) LayerCountsOver() []LayerCount {
	var out []LayerCount
	for _, l := range c.Layers {
		if l.Pinned > l.Capacity {
			out = append(out, l)
		}
	}
	return out
}
