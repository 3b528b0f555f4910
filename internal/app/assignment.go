package app

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// Slot sides.
const (
	SideHelp   = "help"   // someone you can help
	SideHelper = "helper" // someone who can help with the goal
)

// SlotView is a slot with its progress.
type SlotView struct {
	rapport.Slot
	Done        bool       `json:"done"`
	DeliveredAt *time.Time `json:"delivered_at"`
}

// AssignmentView is the month's assignment and how far it has come.
type AssignmentView struct {
	ID       string     `json:"id"`
	Goal     *string    `json:"goal"`
	Start    time.Time  `json:"start"`
	End      time.Time  `json:"end"`
	DaysLeft int        `json:"days_left"`
	Slots    []SlotView `json:"slots"`
	Done     int        `json:"done"`
	Notes    []string   `json:"notes"`
	// Team is who on the team is giving to whom this period (a team's
	// server): the people in teammates' running assignments, whom yours
	// leaves out.
	Team []TeamSlotView `json:"team,omitempty"`
}

// TeamSlotView is a person in a teammate's running assignment.
type TeamSlotView struct {
	Member TeamMemberRef     `json:"member"`
	Person rapport.PersonRef `json:"person"`
	Side   string            `json:"side"`
	Action string            `json:"action"`
}

// NewAssignment drafts the month (I3): five people you can help (their wants
// match your offers, and a give would matter to them) and five who can help
// with the goal (their offers or tags match it), each with a specific offer.
// A running assignment is kept unless replace.
func (a *App) NewAssignment(ctx context.Context, goalRef string, days int, replace bool) (*AssignmentView, error) {
	if days < 1 || days > 366 {
		return nil, rapport.FieldErrorf(rapport.EINVALID, "days", "%d: expected 1 to 366", days)
	}
	now := a.now()
	var notes []string
	var id string
	err := a.update(ctx, func(tx *store.Tx) error {
		notes = nil // a transaction run again (PostgreSQL) starts over
		// Last month's people rest this month (rotation), unless too few
		// others qualify.
		rest := map[string]bool{}
		if cur, err := tx.LatestAssignment(ctx, now); err == nil && !cur.End.After(now) {
			for _, s := range cur.Slots {
				rest[s.Person.ID] = true
			}
		}
		if cur, err := tx.LatestAssignment(ctx, now); err == nil && cur.End.After(now) {
			if !replace {
				return rapport.FieldErrorf(rapport.ECONFLICT, "replace", "is needed to start over: an assignment runs until %s (or shape this one: swap a person, change an offer)", cur.End.In(a.Zone()).Format("2006-01-02"))
			}
			if err := tx.DeleteAssignment(ctx, cur.ID); err != nil {
				return err
			}
		} else if err != nil && rapport.ErrorCode(err) != rapport.ENOTFOUND {
			return err
		}
		m, err := a.matcher(ctx, tx)
		if err != nil {
			return err
		}
		goal, err := a.pickGoal(ctx, tx, goalRef)
		if err != nil {
			return err
		}
		if goal != nil && goalRef == "" {
			notes = append(notes, fmt.Sprintf("toward the open goal due first, %q (choose another goal, or none)", goal.Text))
		}
		as := &rapport.Assignment{ID: newID(), Start: now, End: now.Add(time.Duration(days) * model.Day), Slots: []rapport.Slot{}}
		taken := map[string]bool{}
		// A person in a teammate's running assignment is theirs this
		// period: no one is in two members' 5 + 5 at once.
		team, err := tx.TeamSlots(ctx, now)
		if err != nil {
			return err
		}
		for _, t := range team {
			taken[t.Person.ID] = true
		}
		if len(team) > 0 {
			notes = append(notes, fmt.Sprintf("%s in teammates' assignments this period, left out of yours", people(len(taken), "is", "are")))
		}
		skip := func() map[string]bool { // taken, and last month's people
			out := map[string]bool{}
			for id := range taken {
				out[id] = true
			}
			for id := range rest {
				out[id] = true
			}
			return out
		}
		help, n := a.helpable(ctx, tx, m, skip())
		if len(help) < 5 && len(rest) > 0 { // too few new people: last month's may come back
			more, _ := a.helpable(ctx, tx, m, taken)
			for _, s := range more {
				if len(help) < 5 && rest[s.Person.ID] {
					help = append(help, s)
				}
			}
		}
		if len(m.myOffer) == 0 {
			notes = append(notes, "you have no offers yet (`rapport me --offers ...`): people you can help were picked by their wants alone")
		}
		for i, s := range help {
			s.Slot = i + 1
			taken[s.Person.ID] = true
			as.Slots = append(as.Slots, s)
		}
		if n < 5 {
			notes = append(notes, fmt.Sprintf("only %s wants you can serve: record what people hope for with `rapport edit REF --wants ...`", people(n, "has", "have")))
		}
		if goal == nil {
			notes = append(notes, "no open goal: add one (`rapport goal add ...`) to draft five people who can help with it")
		} else {
			as.GoalID = &goal.ID
			hs, err := a.helpers(ctx, tx, m, *goal, skip(), 5)
			if err != nil {
				return err
			}
			if len(hs) < 5 && len(rest) > 0 {
				more, err := a.helpers(ctx, tx, m, *goal, taken, 0)
				if err != nil {
					return err
				}
				for _, h := range more {
					if len(hs) < 5 && rest[h.Person.ID] {
						hs = append(hs, h)
					}
				}
			}
			for _, h := range hs {
				if len(as.Slots) == len(help)+5 {
					break
				}
				// A slot is a specific offer (seed 000): when nothing they
				// want is known, the ladder's best give for the tie.
				g := a.bestGive(ctx, tx, m, h.Person.ID)
				if !g.Give {
					give := a.ladderGive(m, h.Person.ID)
					g = planGive{Action: m.kindDesc(give), LogKind: give}
				}
				as.Slots = append(as.Slots, rapport.Slot{Slot: 6 + len(as.Slots) - len(help), Side: SideHelper, Person: h.Person,
					Offer: g.Action, Action: g.LogKind, Reason: fmt.Sprintf("can help with %q: %s", goal.Text, strings.Join(h.Why, "; "))})
				taken[h.Person.ID] = true
			}
			if len(hs) < 5 {
				notes = append(notes, fmt.Sprintf("only %s the goal %q: tag people or record their offers", people(len(hs), "matches", "match"), goal.Text))
			}
		}
		if len(as.Slots) == 0 {
			return rapport.Errorf(rapport.EINVALID, "nobody to draft yet: add people and what they hope for (or import your contacts), then start an assignment")
		}
		id = as.ID
		return tx.InsertAssignment(ctx, as, now.UnixMilli())
	})
	if err != nil {
		return nil, err
	}
	v, err := a.Assignment(ctx)
	if err != nil {
		return nil, err
	}
	if v.ID != id {
		return nil, fmt.Errorf("new assignment %s is not the latest", id)
	}
	v.Notes = append(v.Notes, notes...)
	return v, nil
}

// pickGoal is the goal an assignment serves: the one ref names, none for
// "none", else the open goal due first.
func (a *App) pickGoal(ctx context.Context, tx *store.Tx, ref string) (*rapport.Goal, error) {
	if strings.EqualFold(strings.TrimSpace(ref), "none") {
		return nil, nil
	}
	if ref != "" {
		g, err := tx.Goal(ctx, ref)
		if err != nil {
			return nil, err
		}
		return &g, nil
	}
	goals, err := tx.Goals(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range goals {
		if g.Done == nil {
			return &g, nil // open goals come first, soonest due first
		}
	}
	return nil, nil
}

// kindDesc says a ladder action as a give: the rungs are worded as asks
// ("introduce you to someone"), a give is for them.
func (m *matcher) kindDesc(name string) string {
	for _, k := range m.kinds {
		if k.Name == name && k.Description != "" {
			return giveWording.Replace(k.Description)
		}
	}
	return name
}

// giveWording turns an ask's words into a give's: "review your book" is
// "review their book", "introduce you to someone" is "introduce them to
// someone". At one position the first pattern listed wins, so "your" comes
// before "you".
var giveWording = strings.NewReplacer(" your ", " their ", "your ", "their ", " you ", " them ", " you", " them")

// planGive is what to do for one person: a give that serves what they want,
// or, when nothing they want is known, finding out.
type planGive struct {
	Action  string // in words, for the plan
	LogKind string // the interaction doing it logs
	Minutes int
	Give    bool // a favour done for them, not a touch
}

// bestGive chooses what to do for a person the way seed 000 asks: you cannot
// help without knowing their hopes and goals. With an open want that one of
// your offers serves, the give is that offer toward that want (logged as the
// ladder action closest to the offer's words). With wants but no matching
// offer, plain help toward their first want: an hour of it when the tie
// carries that, else an answer to a question; never a business favour
// picked for the points (a client referral to a friend who wants a quiet
// week in the mountains). With no
// want known, the action is to find out what they are working on (a call for
// a close tie, a message otherwise), a touch rather than a give; its answer
// belongs in their wants.
func (a *App) bestGive(ctx context.Context, tx *store.Tx, m *matcher, id string) planGive {
	now := a.now()
	wants := openItems(m.wants[id], a.dayStart(now))
	if len(wants) == 0 {
		if s := m.sc.Of(id); s.Layer == "inner" || s.Layer == "close" {
			return planGive{Action: "call to find out what they are working on now, and what would help (then: rapport edit --wants)", LogKind: "call", Minutes: 20}
		}
		return planGive{Action: "ask what they are working on now, and what would help (then: rapport edit --wants)", LogKind: "message", Minutes: 5}
	}
	bestScore, bestWant, bestOffer := 0, "", ""
	for _, w := range wants {
		ws := m.stemsOf(w.Text)
		for _, o := range m.myOffer {
			if n := len(model.Shared(ws, m.stemsOf(o))); n > bestScore {
				bestScore, bestWant, bestOffer = n, w.Text, o
			}
		}
	}
	if bestScore > 0 {
		k := m.kindFor(bestOffer)
		mins := k.Minutes
		if n := minutesIn(bestOffer); n > 0 {
			mins = n // a "90-minute workshop" takes 90 minutes, whatever the rung it is logged as
		}
		return planGive{Action: fmt.Sprintf("offer %s toward %q", bestOffer, bestWant), LogKind: k.Name, Minutes: max(mins, 5), Give: true}
	}
	k := m.kind("help-hour")
	if k.Threshold != nil && m.sc.Of(id).Strength < *k.Threshold-10 {
		k = m.kind("answer")
	}
	return planGive{Action: fmt.Sprintf("%s toward %q", m.kindDesc(k.Name), wants[0].Text), LogKind: k.Name, Minutes: max(k.Minutes, 5), Give: true}
}

// reconnect is what to do for a tie past its rhythm: the offer that serves
// one of their wants if you have one (a specific give), else a touch sized
// to the layer (a call to catch up for the inner and close circles, a
// message beyond), asking after what they want when that is known. It must
// fit a day: an inner friend two months silent needs a call this week, not
// an hour of help no day has room for.
func (a *App) reconnect(ctx context.Context, tx *store.Tx, m *matcher, id, layer string) planGive {
	g := a.bestGive(ctx, tx, m, id)
	if g.Give && strings.HasPrefix(g.Action, "offer ") {
		return g
	}
	ask := "ask what they are working on now"
	if w := openItems(m.wants[id], a.dayStart(a.now())); len(w) > 0 {
		ask = fmt.Sprintf("ask how %q is going", w[0].Text)
	}
	if layer == "inner" || layer == "close" {
		return planGive{Action: "call to catch up; " + ask, LogKind: "call", Minutes: 20}
	}
	return planGive{Action: "write to catch up; " + ask, LogKind: "message", Minutes: 5}
}

// ladderGive is the deep ladder action that would add most to the tie for
// the time it takes: the fallback when no offer of yours meets a want.
func (a *App) ladderGive(m *matcher, id string) string {
	if gives := model.SuggestGives(m.sc.Of(id).Tie, m.kinds, a.now(), m.p, 1); len(gives) > 0 {
		return gives[0].Action
	}
	return "help-hour"
}

// kind returns the kind named name (a zero Kind if there is none).
func (m *matcher) kind(name string) rapport.Kind {
	for _, k := range m.kinds {
		if k.Name == name {
			return k
		}
	}
	return rapport.Kind{Name: name}
}

// kindFor is the deep ladder action whose name or description shares most
// words with an offer ("code review" → review), else an hour of help.
func (m *matcher) kindFor(offer string) rapport.Kind {
	os := m.stemsOf(offer)
	best, n := m.kind("help-hour"), 0
	for _, k := range m.kinds {
		if !k.OnLadder() || k.Weight < 1 {
			continue
		}
		if s := len(model.Shared(os, m.stemsOf(k.Name+" "+k.Description))); s > n {
			best, n = k, s
		}
	}
	return best
}

// helpable ranks the people you can help: their open wants share words with
// your offers (with no offers recorded, any want counts at half a point), and
// a give would matter: weighted by what a deep give would add to the tie.
// It returns the best five slots and how many people qualified.
func (a *App) helpable(ctx context.Context, tx *store.Tx, m *matcher, skip map[string]bool) ([]rapport.Slot, int) {
	type cand struct {
		id, want, offer string
		score           float64
		gain            float64
	}
	var mine [][]string
	for _, o := range m.myOffer {
		mine = append(mine, m.stemsOf(o))
	}
	now := a.now()
	var cs []cand
	today := a.dayStart(now)
	pool(m, m.wants, func(id string) {
		if skip[id] || m.hidden[id] {
			return
		}
		best := cand{id: id}
		for _, w := range openItems(m.wants[id], today) {
			ws := m.stemsOf(w.Text)
			if len(mine) == 0 && best.score < 0.5 {
				best.score, best.want = 0.5, w.Text
			}
			for i, o := range mine {
				if n := float64(len(model.Shared(ws, o))); n > best.score {
					best.score, best.want, best.offer = n, w.Text, m.myOffer[i]
				}
			}
		}
		if best.score == 0 {
			return
		}
		gives := model.SuggestGives(m.sc.Of(id).Tie, m.kinds, now, m.p, 1)
		if len(gives) > 0 {
			best.gain = gives[0].Gain
		}
		best.score *= 1 + best.gain/10
		cs = append(cs, best)
	})
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].score != cs[j].score {
			return cs[i].score > cs[j].score
		}
		return cs[i].id < cs[j].id
	})
	n := len(cs)
	if len(cs) > 5 {
		cs = cs[:5]
	}
	out := make([]rapport.Slot, len(cs))
	for i, c := range cs {
		give := a.ladderGive(m, c.id)
		if c.offer != "" {
			give = m.kindFor(c.offer).Name
		}
		offer := fmt.Sprintf("%s toward %q", m.kindDesc(give), c.want)
		reason := fmt.Sprintf("they want %q", c.want)
		if c.offer != "" {
			offer = fmt.Sprintf("%s: %s toward %q", c.offer, m.kindDesc(give), c.want)
			reason += fmt.Sprintf("; you offer %q", c.offer)
		}
		reason += fmt.Sprintf("; a give would add %.1f to the tie", c.gain)
		out[i] = rapport.Slot{Side: SideHelp, Person: rapport.PersonRef{ID: c.id}, Offer: offer, Action: give, Reason: reason}
	}
	_ = a.name(ctx, tx, len(out), func(i int) *rapport.PersonRef { return &out[i].Person })
	return out, n
}

// Assignment shows the latest assignment with each slot's progress: a slot is
// done when a give to that person is logged within the period.
func (a *App) Assignment(ctx context.Context) (*AssignmentView, error) {
	tx := a.view(ctx)
	now := a.now()
	as, err := tx.LatestAssignment(ctx, now)
	if err != nil {
		return nil, err
	}
	v := &AssignmentView{ID: as.ID, Start: as.Start, End: as.End, DaysLeft: max(0, a.daysBetween(now, as.End)), Slots: []SlotView{}, Notes: []string{}}
	if as.GoalID != nil {
		if g, err := tx.Goal(ctx, *as.GoalID); err == nil {
			v.Goal = &g.Text
		}
	}
	for _, s := range as.Slots {
		sv := SlotView{Slot: s}
		gives, _, err := tx.Favours(ctx, s.Person.ID, rapport.ByMe, as.Start, as.End.Add(time.Millisecond))
		if err != nil {
			return nil, err
		}
		offer := model.Stems(s.Offer)
		for _, g := range gives {
			if a.teammates(ctx, g.MemberID) {
				continue // a teammate's give is theirs, not your slot's
			}
			// Only the specific offer closes the slot (seed 000: "offer to
			// do something very specific"): a give of the slot's action,
			// or one whose note names what was offered. A $10 loan does
			// not close a "hiring advice" slot.
			if !g.At.After(now) && (g.Kind == s.Action || len(model.Shared(model.Stems(g.Note), offer)) > 0) {
				at := g.At
				sv.Done, sv.DeliveredAt = true, &at
				v.Done++
				break
			}
		}
		v.Slots = append(v.Slots, sv)
	}
	if a.space != nil {
		if v.Team, err = a.teamSlots(ctx, tx, now); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// teamSlots is who on the team is giving to whom now.
func (a *App) teamSlots(ctx context.Context, tx *store.Tx, now time.Time) ([]TeamSlotView, error) {
	slots, err := tx.TeamSlots(ctx, now)
	if err != nil {
		return nil, err
	}
	team, _, err := a.roster(ctx)
	if err != nil {
		return nil, err
	}
	out := []TeamSlotView{}
	for _, t := range slots {
		if m, ok := team[t.MemberID]; ok {
			out = append(out, TeamSlotView{Member: TeamMemberRef{Name: m.Name, Email: m.Email}, Person: t.Person, Side: t.Side, Action: t.Action})
		}
	}
	return out, nil
}

// SwapSlot puts another person in a slot.
func (a *App) SwapSlot(ctx context.Context, slot int, ref string) (*AssignmentView, error) {
	err := a.editSlot(ctx, slot, func(tx *store.Tx, as *rapport.Assignment, s *rapport.Slot) error {
		r, err := tx.Resolve(ctx, ref)
		if err != nil {
			return err
		}
		for _, other := range as.Slots {
			if other.Person.ID == r.ID && other.Slot != slot {
				return rapport.Errorf(rapport.EINVALID, "%s is already in slot %d", r.Name, other.Slot)
			}
		}
		if a.space != nil {
			team, err := a.teamSlots(ctx, tx, a.now())
			if err != nil {
				return err
			}
			for _, t := range team {
				if t.Person.ID == r.ID {
					return rapport.Errorf(rapport.ECONFLICT, "%s is in %s's assignment this period: one member's 5 + 5 at a time", r.Name, t.Member.Name)
				}
			}
		}
		s.Person, s.Reason = r, "chosen by you"
		s.Offer = "" // what you will offer them is yours to say (assignment offer)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a.Assignment(ctx)
}

// OfferSlot sets the specific offer of a slot (and the give that delivers it).
func (a *App) OfferSlot(ctx context.Context, slot int, text, action string) (*AssignmentView, error) {
	err := a.editSlot(ctx, slot, func(tx *store.Tx, as *rapport.Assignment, s *rapport.Slot) error {
		if strings.TrimSpace(text) == "" {
			return rapport.FieldErrorf(rapport.EINVALID, "offer", "is empty: say what you will do for them")
		}
		s.Offer = strings.TrimSpace(text)
		if action != "" {
			k, err := a.rung(ctx, tx, action)
			if err != nil {
				return err
			}
			s.Action = k.Name
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a.Assignment(ctx)
}

func (a *App) editSlot(ctx context.Context, slot int, fn func(*store.Tx, *rapport.Assignment, *rapport.Slot) error) error {
	return a.update(ctx, func(tx *store.Tx) error {
		as, err := tx.LatestAssignment(ctx, a.now())
		if err != nil {
			return err
		}
		for i := range as.Slots {
			if as.Slots[i].Slot == slot {
				if err := fn(tx, as, &as.Slots[i]); err != nil {
					return err
				}
				return tx.PutSlot(ctx, as.ID, as.Slots[i])
			}
		}
		return rapport.Errorf(rapport.EINVALID, "no slot %d in the assignment (slots 1-5 are people you can help, 6-10 people who can help)", slot)
	})
}

// people says "1 person has" or "3 people have".
func people(n int, one, many string) string {
	if n == 1 {
		return "1 person " + one
	}
	return fmt.Sprintf("%d people %s", n, many)
}

// durationWords finds a length in an offer's words: "90-minute", "90 min",
// "2 hours", "1h30", "half-day".
var durationWords = regexp.MustCompile(`(?i)\b(\d+(?:\.\d+)?)\s*-?\s*(minutes?|mins?|m\b|hours?|hrs?|h\b)|\b(half[- ]day|full[- ]day)\b`)

// minutesIn returns the minutes an offer says it takes, or 0.
func minutesIn(text string) int {
	m := durationWords.FindStringSubmatch(text)
	if m == nil {
		return 0
	}
	switch strings.ToLower(strings.ReplaceAll(m[3], " ", "-")) {
	case "half-day":
		return 4 * 60
	case "full-day":
		return 8 * 60
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil || n <= 0 {
		return 0
	}
	if strings.HasPrefix(strings.ToLower(m[2]), "h") {
		n *= 60
	}
	return min(int(n), MaxMinutes)
}
