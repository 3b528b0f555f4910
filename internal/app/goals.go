package app

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// AddGoal records one of your objectives.
func (a *App) AddGoal(ctx context.Context, text string, tags []string, due *time.Time) (*rapport.Goal, error) {
	if err := a.text("text", &text); err != nil {
		return nil, err
	}
	tags, err := a.texts("tags", tags)
	if err != nil {
		return nil, err
	}
	g := &rapport.Goal{ID: newID(), Text: strings.TrimSpace(text), CreatedAt: a.now(), Tags: []string{}}
	if g.Text == "" {
		return nil, rapport.Errorf(rapport.EINVALID, "goal: empty text")
	}
	for _, t := range tags {
		n, err := rapport.NormalizeTag(t)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(g.Tags, n) {
			g.Tags = append(g.Tags, n)
		}
	}
	sort.Strings(g.Tags)
	if due != nil {
		d, err := checkMoment("due", *due)
		if err != nil {
			return nil, err
		}
		g.Due = &d
	}
	if err := a.update(ctx, func(tx *store.Tx) error { return tx.InsertGoal(ctx, g) }); err != nil {
		return nil, err
	}
	return g, nil
}

// Goals lists the goals, open ones first.
func (a *App) Goals(ctx context.Context) ([]rapport.Goal, error) {
	return a.view(ctx).Goals(ctx)
}

// GoalDone marks a goal reached.
func (a *App) GoalDone(ctx context.Context, ref string) (*rapport.Goal, error) {
	var g rapport.Goal
	err := a.update(ctx, func(tx *store.Tx) error {
		var err error
		if g, err = tx.Goal(ctx, ref); err != nil {
			return err
		}
		now := a.now()
		g.Done = &now
		return tx.SetGoalDone(ctx, g.ID, &now)
	})
	return &g, err
}

// Helper is someone who can help with a goal, and why.
type Helper struct {
	Person   rapport.PersonRef `json:"person"`
	Strength float64           `json:"strength"`
	Layer    string            `json:"layer"`
	Score    float64           `json:"score"`
	Why      []string          `json:"why"`
}

// GoalView is a goal with the people who can help with it.
type GoalView struct {
	rapport.Goal
	Helpers []Helper `json:"helpers"`
}

// ShowGoal returns a goal and the people who can help, ranked.
func (a *App) ShowGoal(ctx context.Context, ref string, limit int) (*GoalView, error) {
	tx := a.view(ctx)
	g, err := tx.Goal(ctx, ref)
	if err != nil {
		return nil, err
	}
	m, err := a.matcher(ctx, tx)
	if err != nil {
		return nil, err
	}
	hs, err := a.helpers(ctx, tx, m, g, nil, limit)
	if err != nil {
		return nil, err
	}
	return &GoalView{Goal: g, Helpers: hs}, nil
}

// prospectTags mark the people you sell to: they share the goal's words
// ("clients") without being able to help with it.
var prospectTags = []string{"prospect", "lead"}

// helpers ranks the people whose tags and offers match a goal: two points per
// shared tag, one per offer sharing a word with the goal, half a point per tag
// sharing a word with the goal's text; and the evidence that they can and
// will help: three points for each favour they did you of a kind the goal
// names (up to two: someone who already referred two clients, for "land
// clients"), half a point for any other favour (up to two). The match is
// weighted by the tie (0.25 + strength/100), since help comes easier from
// people who know you. On a team's server a member's helpers are among their
// own ties, and the favours counted are those done for them.
// People in skip are left out; at most limit are returned (0: all).
func (a *App) helpers(ctx context.Context, tx *store.Tx, m *matcher, g rapport.Goal, skip map[string]bool, limit int) ([]Helper, error) {
	goalStems := model.Stems(g.Text + " " + strings.Join(g.Tags, " "))
	textStems := model.Stems(g.Text)
	// Only the tags that can match: the goal's own, and those sharing a word
	// with its text. Reading just those keeps this fast on large networks.
	var relevant []string
	for _, t := range m.allTags {
		if slices.Contains(g.Tags, t) || len(model.Shared(m.stemsOf(t), textStems)) > 0 {
			relevant = append(relevant, t)
		}
	}
	tags, err := tx.TagsAmong(ctx, relevant)
	if err != nil {
		return nil, err
	}
	candidates := map[string]bool{}
	pool(m, tags, func(id string) { candidates[id] = true })
	got, from, err := tx.Favours(ctx, "", rapport.ByThem, time.Time{}, a.now().Add(time.Millisecond))
	if err != nil {
		return nil, err
	}
	related, other := map[string]map[string]int{}, map[string]int{}
	for i, f := range got {
		if a.teammates(ctx, f.MemberID) {
			continue // done for a teammate, not for you
		}
		k := m.kind(f.Kind)
		if len(model.Shared(m.stemsOf(k.Name+" "+k.Description), goalStems)) > 0 {
			if related[from[i]] == nil {
				related[from[i]] = map[string]int{}
			}
			related[from[i]][f.Kind]++
			candidates[from[i]] = true // a favour done you is a tie of yours
		} else {
			other[from[i]]++
		}
	}
	pool(m, m.offers, func(id string) { candidates[id] = true })
	prospects, err := tx.TagsAmong(ctx, prospectTags)
	if err != nil {
		return nil, err
	}
	var out []Helper
	for id := range candidates {
		if skip[id] || m.hidden[id] || len(prospects[id]) > 0 || m.only != nil && !m.only[id] {
			continue // people you sell to are not the ones who help you sell; a teammate's private people are theirs
		}
		var why []string
		match := 0.0
		for _, t := range tags[id] {
			if slices.Contains(g.Tags, t) {
				match += 2
				why = append(why, "tagged "+t)
			} else if len(model.Shared(m.stemsOf(t), textStems)) > 0 {
				match += 0.5
				why = append(why, "tagged "+t)
			}
		}
		for _, o := range openItems(m.offers[id], a.dayStart(a.now())) {
			if len(model.Shared(m.stemsOf(o.Text), goalStems)) > 0 {
				match++
				why = append(why, fmt.Sprintf("offers %q", o.Text))
			}
		}
		if match == 0 && related[id] == nil {
			continue
		}
		done := 0
		for _, kind := range slices.Sorted(maps.Keys(related[id])) {
			n := related[id][kind]
			done += n
			times := "once"
			if n > 1 {
				times = fmt.Sprintf("%d times", n)
			}
			why = append(why, fmt.Sprintf("did %s for you %s", kind, times))
		}
		match += 3*float64(min(done, 2)) + 0.5*float64(min(other[id], 2))
		s := m.sc.Of(id)
		if r := m.highestRung(s.Strength); r != "" {
			why = append(why, fmt.Sprintf("tie %.1f: would %s", s.Strength, r))
		} else {
			why = append(why, fmt.Sprintf("tie %.1f: below every rung", s.Strength))
		}
		out = append(out, Helper{Person: rapport.PersonRef{ID: id}, Strength: s.Strength, Layer: s.Layer,
			Score: round1(match * (0.25 + s.Strength/100) * 10 / 10), Why: why})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Person.ID < out[j].Person.ID
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	if err := a.name(ctx, tx, len(out), func(i int) *rapport.PersonRef { return &out[i].Person }); err != nil {
		return nil, err
	}
	return out, nil
}

// name fills in the names of n person references.
func (a *App) name(ctx context.Context, tx *store.Tx, n int, ref func(i int) *rapport.PersonRef) error {
	ids := make([]string, n)
	for i := range n {
		ids[i] = ref(i).ID
	}
	names, err := namesOf(ctx, tx, ids)
	if err != nil {
		return err
	}
	for i := range n {
		ref(i).Name = names[ref(i).ID]
	}
	return nil
}

// namesOf maps ids to names, reading only those people.
func namesOf(ctx context.Context, tx *store.Tx, ids []string) (map[string]string, error) {
	rows, err := tx.PeopleByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(rows))
	for _, r := range rows {
		names[r.ID] = r.Name
	}
	return names, nil
}

// AddFollowup records a promise to get back to someone by a date.
func (a *App) AddFollowup(ctx context.Context, ref, text string, due *time.Time) (*rapport.Followup, error) {
	if err := a.text("text", &text); err != nil {
		return nil, err
	}
	f := &rapport.Followup{ID: newID(), Text: strings.TrimSpace(text), CreatedAt: a.now()}
	if f.Text == "" {
		return nil, rapport.Errorf(rapport.EINVALID, "follow-up: empty text")
	}
	if due == nil {
		return nil, rapport.FieldErrorf(rapport.EINVALID, "due", "is required: when is the follow-up due?")
	}
	d, err := checkMoment("due", *due)
	if err != nil {
		return nil, err
	}
	f.Due = d
	err = a.update(ctx, func(tx *store.Tx) error {
		if f.Person, err = tx.Resolve(ctx, ref); err != nil {
			return err
		}
		return tx.InsertFollowup(ctx, f)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// FollowupView is a follow-up with how overdue it is.
type FollowupView struct {
	rapport.Followup
	Overdue bool `json:"overdue"`
	DaysDue int  `json:"days_due"` // days until due; negative when overdue
}

// Followups lists the open follow-ups, overdue first, then by due date (all
// of them, closed ones last, with all).
func (a *App) Followups(ctx context.Context, all bool) ([]FollowupView, error) {
	list, err := a.view(ctx).Followups(ctx, !all)
	if err != nil {
		return nil, err
	}
	now := a.now()
	out := make([]FollowupView, len(list))
	for i, f := range list {
		out[i] = FollowupView{Followup: f, Overdue: f.Done == nil && f.Due.Before(now), DaysDue: a.daysBetween(now, f.Due)}
	}
	sort.SliceStable(out, func(i, j int) bool { return (out[i].Done == nil) && (out[j].Done != nil) })
	return out, nil
}

// daysBetween counts the user's days from from's to to's (a day across a
// change of the clocks is still one).
func (a *App) daysBetween(from, to time.Time) int {
	date := func(t time.Time) time.Time {
		l := t.In(a.Zone())
		return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
	}
	return int(date(to).Sub(date(from)).Hours() / 24)
}

// FollowupDone closes a follow-up.
func (a *App) FollowupDone(ctx context.Context, ref string) (string, error) {
	var id string
	err := a.update(ctx, func(tx *store.Tx) error {
		var err error
		if id, err = tx.FollowupID(ctx, ref); err != nil {
			return err
		}
		return tx.SetFollowupDone(ctx, id, a.now())
	})
	return id, err
}

// Overdue is someone who has gone past their stay-in-touch cadence.
type Overdue struct {
	Person      rapport.PersonRef `json:"person"`
	Layer       string            `json:"layer"`
	Strength    float64           `json:"strength"`
	LastContact *time.Time        `json:"last_contact"`
	CadenceDays int               `json:"cadence_days"`
	OverdueDays int               `json:"overdue_days"`
	// KeptLayer is the layer the rhythm comes from: the one the tie stood in
	// at its last contact when that is closer than where it has fallen to.
	KeptLayer string `json:"kept_layer"`
	// Was is the strength at the last contact: how far it has fallen since.
	Was float64 `json:"was"`
}

// Overdue lists the people past their cadence (their own, else their
// layer's), inner layers first, then the most overdue for their cadence.
func (a *App) Overdue(ctx context.Context) ([]Overdue, error) {
	tx := a.view(ctx)
	p, sc, err := a.scored(ctx, tx)
	if err != nil {
		return nil, err
	}
	own, err := tx.Cadences(ctx)
	if err != nil {
		return nil, err
	}
	return a.overdue(ctx, tx, p, sc, own)
}

func (a *App) overdue(ctx context.Context, tx *store.Tx, p model.Params, sc *Scores, own map[string]int) ([]Overdue, error) {
	now := a.now()
	rank := layerRanks(p)
	resting, err := tx.Snoozed(ctx, now)
	if err != nil {
		return nil, err
	}
	keeps, err := tx.Keeps(ctx)
	if err != nil {
		return nil, err
	}
	check := func(s Score) (Overdue, bool) {
		if _, ok := resting[s.ID]; ok {
			return Overdue{}, false // snoozed: out of the list until they wake
		}
		last := lastDeep(s.Tie)
		kept, was := keptLayer(s, p, rank, keeps)
		cadence := p.CadenceOf(kept)
		if d, ok := own[s.ID]; ok {
			cadence = time.Duration(d) * model.Day
		}
		if cadence <= 0 {
			return Overdue{}, false
		}
		o := Overdue{Person: rapport.PersonRef{ID: s.ID}, Layer: s.Layer, Strength: s.Strength, CadenceDays: int(cadence / model.Day), KeptLayer: kept, Was: was}
		if s.Tie.Touches > 0 {
			l := last
			o.LastContact = &l
			if now.Sub(last) <= cadence {
				return o, false
			}
			o.OverdueDays = int(now.Sub(last.Add(cadence)).Hours() / 24)
		}
		return o, true
	}
	out := []Overdue{}
	for _, s := range sc.List {
		if o, ok := check(s); ok {
			out = append(out, o)
		}
	}
	for id := range own {
		if _, scored := sc.byID[id]; !scored {
			if o, ok := check(sc.Of(id)); ok {
				out = append(out, o)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if rank[out[i].KeptLayer] != rank[out[j].KeptLayer] {
			return rank[out[i].KeptLayer] < rank[out[j].KeptLayer]
		}
		ri := float64(out[i].OverdueDays) / float64(out[i].CadenceDays)
		rj := float64(out[j].OverdueDays) / float64(out[j].CadenceDays)
		if out[i].LastContact == nil || out[j].LastContact == nil {
			ri, rj = boolF(out[i].LastContact == nil), boolF(out[j].LastContact == nil)
		}
		if ri != rj {
			return ri > rj
		}
		return out[i].Person.ID < out[j].Person.ID
	})
	if err := a.name(ctx, tx, len(out), func(i int) *rapport.PersonRef { return &out[i].Person }); err != nil {
		return nil, err
	}
	return out, nil
}

func boolF(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// myOffers are what you can give: `rapport me --offers`.
func (a *App) myOffers(ctx context.Context, tx *store.Tx) ([]string, error) {
	s, err := tx.Settings(ctx)
	if err != nil {
		return nil, err
	}
	if s["me.offers"] == "" {
		return []string{}, nil
	}
	return strings.Split(s["me.offers"], "\n"), nil
}

// Me is your own profile: what you can offer people.
type Me struct {
	Offers []string `json:"offers"`
}

// EditMe adds and removes your offers.
func (a *App) EditMe(ctx context.Context, add, rm []string) (*Me, error) {
	add, err := a.texts("offers", add)
	if err != nil {
		return nil, err
	}
	if rm, err = a.texts("rm_offers", rm); err != nil {
		return nil, err
	}
	me := &Me{}
	err = a.update(ctx, func(tx *store.Tx) error {
		offers, err := a.myOffers(ctx, tx)
		if err != nil {
			return err
		}
		for _, r := range rm {
			i := slices.IndexFunc(offers, func(o string) bool { return strings.EqualFold(o, strings.TrimSpace(r)) })
			if i < 0 {
				return rapport.FieldErrorf(rapport.EINVALID, "rm_offers", "%q: you have no such offer", r)
			}
			offers = slices.Delete(offers, i, i+1)
		}
		for _, o := range add {
			o = strings.Join(strings.Fields(o), " ")
			if o == "" {
				return rapport.FieldErrorf(rapport.EINVALID, "offers", "is empty")
			}
			if !slices.ContainsFunc(offers, func(x string) bool { return strings.EqualFold(x, o) }) {
				offers = append(offers, o)
			}
		}
		me.Offers = offers
		return tx.SetSetting(ctx, "me.offers", strings.Join(offers, "\n"))
	})
	return me, err
}
