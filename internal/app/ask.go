package app

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// AskInput is an ask as a user types it.
type AskInput struct {
	Ref    string
	Action string
	Note   string
	Force  bool // record it whatever the guard says
	Check  bool // only show the verdict
}

// AskResult is the guard's verdict, and the ask if it was recorded.
type AskResult struct {
	ID             *string           `json:"id"`
	Person         rapport.PersonRef `json:"person"`
	Action         string            `json:"action"`
	Verdict        string            `json:"verdict"`
	Reasons        []string          `json:"reasons"`
	SuggestedGives []model.Give      `json:"suggested_gives"`
	Strength       float64           `json:"strength"`
	Threshold      float64           `json:"threshold"`
	Recorded       bool              `json:"recorded"`
	// Ability says, for the rungs that need more than goodwill (a client
	// referral, an introduction, a loan, a guest post), whether what you
	// know of them suggests they can: "likely" with the evidence, or
	// "unknown". Empty for rungs anyone can do.
	Ability string `json:"ability,omitempty"`
}

// Ask runs the ask guard and records the ask when the verdict is go, or when
// forced; a checked or refused ask writes nothing.
func (a *App) Ask(ctx context.Context, in AskInput) (*AskResult, error) {
	if err := a.note("note", &in.Note); err != nil {
		return nil, err
	}
	var res *AskResult
	err := a.update(ctx, func(tx *store.Tx) error {
		var err error
		if res, err = a.judge(ctx, tx, in.Ref, in.Action); err != nil {
			return err
		}
		if in.Check || res.Verdict != rapport.VerdictGo && !in.Force {
			return nil
		}
		ask := &rapport.Ask{ID: newID(), Person: res.Person, Action: res.Action, At: a.now(),
			Note: strings.TrimSpace(in.Note), Verdict: res.Verdict, Forced: res.Verdict != rapport.VerdictGo, Strength: res.Strength}
		ask.MemberID = a.memberID(ctx)
		if err := tx.InsertAsk(ctx, ask); err != nil {
			return err
		}
		res.ID, res.Recorded = &ask.ID, true
		return nil
	})
	return res, err
}

// judge computes the guard's verdict on asking ref for action, now.
func (a *App) judge(ctx context.Context, tx *store.Tx, ref, action string) (*AskResult, error) {
	r, err := tx.Resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	k, err := a.rung(ctx, tx, action)
	if err != nil {
		return nil, err
	}
	p, kinds, err := a.modelOf(ctx, tx)
	if err != nil {
		return nil, err
	}
	tie, err := a.tieNow(ctx, tx, r.ID, kinds, p)
	if err != nil {
		return nil, err
	}
	now := a.now()
	asks, err := tx.AsksOf(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	past := make([]model.PastAsk, len(asks))
	me := a.memberID(ctx)
	var team map[string]Member
	for i, x := range asks {
		past[i] = model.PastAsk{At: x.At, Action: x.Action, Outcome: x.Outcome}
		if x.MemberID != "" && x.MemberID != me {
			if team == nil {
				if team, _, err = a.roster(ctx); err != nil {
					return nil, err
				}
			}
			// A teammate's ask: named, not explained (one removed since
			// still counts, unnamed).
			past[i].By = cmp.Or(team[x.MemberID].Name, "a former teammate")
		}
	}
	gives, _, err := tx.Favours(ctx, r.ID, rapport.ByMe, now.Add(-p.BalanceSpan), now.Add(time.Millisecond))
	if err != nil {
		return nil, err
	}
	in := model.GuardInput{Now: now, Action: k.Name, Strength: round1(tie.Strength(now, p)), Threshold: *k.Threshold,
		Asks: past, Gives: len(gives), Window: p.AskWindow, Balance: p.BalanceSpan,
		MaxAsksDay: p.MaxAsksDay, MaxAsksWeek: p.MaxAsksWeek, FavourMemory: p.FavourMemory}
	if err := a.guardContext(ctx, tx, &in, r.ID, tie, gives, p); err != nil {
		return nil, err
	}
	// A warm introduction lends part of your trust in the introducer.
	viaNote := ""
	if via, ok, err := tx.ViaOf(ctx, r.ID); err != nil {
		return nil, err
	} else if ok {
		lent := round1(p.IntroTrust * via.Strength * math.Exp2(-now.Sub(via.At).Hours()/p.HalfLife.Hours()))
		if lent > 0 {
			in.Strength = min(100, round1(in.Strength+lent))
			viaNote = fmt.Sprintf("introduced by %s (%.0f then): %.1f of that trust lent to this tie", via.By.Name, via.Strength, lent)
		}
	}
	strength := in.Strength
	v := model.Guard(in)
	if viaNote != "" {
		v.Reasons = append(v.Reasons, viaNote)
	}
	res := &AskResult{Person: r, Action: k.Name, Verdict: v.Verdict, Reasons: v.Reasons, Strength: strength,
		Threshold: *k.Threshold, SuggestedGives: []model.Give{}}
	if needsAbility[k.Name] {
		person, err := tx.Person(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		res.Ability = ability(k, person)
	}
	if v.Verdict == rapport.VerdictGiveFirst {
		ks := make([]rapport.Kind, 0, len(kinds))
		for _, kk := range kinds {
			ks = append(ks, kk)
		}
		res.SuggestedGives = model.SuggestGives(tie, ks, now, p, 3)
		person, err := tx.Person(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		// Point the deepest gives at what they hope for.
		wants := openItems(person.Wants, a.dayStart(now))
		for i := range res.SuggestedGives {
			if len(wants) == 0 {
				break
			}
			if k := kinds[res.SuggestedGives[i].Action]; k.Mode == rapport.ModeHelp || k.Minutes >= 15 {
				res.SuggestedGives[i].Toward, wants = wants[0].Text, wants[1:]
			}
		}
	}
	return res, nil
}

// tieNow is a person's tie as of now (recomputed from history if now is
// before part of it).
func (a *App) tieNow(ctx context.Context, tx *store.Tx, id string, kinds map[string]rapport.Kind, p model.Params) (model.Tie, error) {
	tie, err := a.loadTie(ctx, tx, id)
	if err != nil {
		return tie, err
	}
	if tie.Touches > 0 && tie.Seen.After(a.now()) {
		return a.tieAt(ctx, tx, id, kinds, p)
	}
	return tie, nil
}

// openItems are the wants or offers not done and not past their day (today
// is the start of the user's day).
func openItems(items []rapport.Item, today time.Time) []rapport.Item {
	var out []rapport.Item
	for _, it := range items {
		if it.Done == nil && (it.Due == nil || !it.Due.Before(today)) {
			out = append(out, it)
		}
	}
	return out
}

// needsAbility are the rungs that take more than goodwill: the person must
// have clients to refer, people to introduce, money to lend, a publication.
var needsAbility = map[string]bool{"refer": true, "introduce": true, "lend-100": true, "lend-1000": true, "guest-post": true}

// ability says whether what you know of a person (their offers, tags,
// organisation and title) suggests they can do k, and on what evidence.
func ability(k rapport.Kind, p *rapport.Person) string {
	want := model.Stems(k.Name + " " + k.Description)
	var evidence []string
	for _, o := range p.Offers {
		if len(model.Shared(model.Stems(o.Text), want)) > 0 {
			evidence = append(evidence, fmt.Sprintf("offers %q", o.Text))
		}
	}
	for _, t := range p.Tags {
		if len(model.Shared(model.Stems(t), want)) > 0 {
			evidence = append(evidence, "tagged "+t)
		}
	}
	if s := strings.TrimSpace(p.Title + " " + p.Org); s != "" && len(model.Shared(model.Stems(s), want)) > 0 {
		evidence = append(evidence, "works as "+strings.TrimSpace(p.Title+", "+p.Org))
	}
	if len(evidence) == 0 {
		return "unknown: nothing in their offers, tags or work says they can " + k.Description
	}
	return "likely: " + strings.Join(evidence, "; ")
}

// guardContext fills in what the guard weighs beyond this person's asks: the
// asks across everyone today and this week, the favours they did you that you
// have not returned, and how long the tie has been silent against its rhythm.
func (a *App) guardContext(ctx context.Context, tx *store.Tx, in *model.GuardInput, id string, tie model.Tie, gives []rapport.Favour, p model.Params) error {
	now := a.now()
	week, err := tx.AsksBetween(ctx, now.Add(-7*model.Day), now.Add(time.Millisecond))
	if err != nil {
		return err
	}
	dayStart := now.Add(-24 * time.Hour)
	for _, x := range week {
		in.AsksWeek++
		if x.At.After(dayStart) {
			in.AsksToday++
		}
	}
	got, _, err := tx.Favours(ctx, id, rapport.ByThem, now.Add(-p.FavourMemory), now.Add(time.Millisecond))
	if err != nil {
		return err
	}
	var lastGive time.Time
	if len(gives) > 0 {
		lastGive = gives[len(gives)-1].At
	}
	for i := len(got) - 1; i >= 0; i-- { // the latest first
		if got[i].At.After(lastGive) {
			in.FavoursUnreturned = append(in.FavoursUnreturned, model.PastFavour{At: got[i].At, Action: got[i].Kind})
		}
	}
	if tie.Touches == 0 {
		return nil
	}
	sc, err := a.scores(ctx, tx, p)
	if err != nil {
		return err
	}
	cadence := p.CadenceOf(sc.Of(id).Layer)
	own, err := tx.Cadences(ctx)
	if err != nil {
		return err
	}
	if d, ok := own[id]; ok {
		cadence = time.Duration(d) * model.Day
	}
	in.CadenceDays = int(cadence / model.Day)
	in.SilentDays = int(now.Sub(tie.Seen) / model.Day)
	return nil
}

// Answer records the outcome of an ask. A yes means they did it: it is also
// logged as an interaction of that action by them, so the tie grows.
// Answering again replaces the earlier outcome and the favour it logged. All
// of it is one transaction.
func (a *App) Answer(ctx context.Context, ref, outcome string, at *time.Time) (*rapport.Ask, error) {
	outcome, err := rapport.ParseOutcome(strings.ToLower(strings.TrimSpace(outcome)))
	if err != nil {
		return nil, err
	}
	now := a.now()
	when := now
	if at != nil {
		if when, err = checkAt(*at, now); err != nil {
			return nil, err
		}
	}
	var ask rapport.Ask
	err = a.update(ctx, func(tx *store.Tx) error {
		var err error
		if ask, err = tx.Ask(ctx, ref); err != nil {
			return err
		}
		if when.Before(ask.At) {
			return rapport.FieldErrorf(rapport.EINVALID, "at", "%s is before the ask (%s)", when.Format(time.RFC3339), ask.At.Format(time.RFC3339))
		}
		if err := a.dropFavour(ctx, tx, ask); err != nil {
			return err
		}
		if err := tx.AnswerAsk(ctx, ask.ID, outcome, when); err != nil {
			return err
		}
		if outcome == rapport.OutcomeYes {
			in := LogInput{Ref: ask.Person.ID, Kind: ask.Action, By: rapport.ByThem}
			it := &rapport.Interaction{ID: touchID(favourKey(ask.ID), when), At: when, By: rapport.ByThem, Note: answeredNote, Favour: true}
			if err := a.logTx(ctx, tx, it, in); err != nil {
				return err
			}
			if err := tx.PutImportKey(ctx, favourKey(ask.ID), "", it.ID); err != nil {
				return err
			}
		}
		ask, err = tx.Ask(ctx, ask.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	one := []rapport.Ask{ask}
	return &one[0], a.nameAskers(ctx, one)
}

// favourKey names the favour a yes to an ask logged.
func favourKey(askID string) string { return "answer:" + askID }

// dropFavour removes the favour an earlier yes to ask logged, if any, and
// rebuilds the tie it counted in. Favours logged before they were keyed are
// found by what they are: the ask's action, by them, at the answer, with the
// answer's note.
func (a *App) dropFavour(ctx context.Context, tx *store.Tx, ask rapport.Ask) error {
	if ask.Outcome != rapport.OutcomeYes {
		return nil
	}
	_, id, err := tx.ImportKey(ctx, favourKey(ask.ID))
	if err != nil {
		return err
	}
	if id == "" && ask.AnsweredAt != nil {
		hist, err := tx.History(ctx, ask.Person.ID)
		if err != nil {
			return err
		}
		for _, h := range hist {
			if h.Note == answeredNote && h.Kind == ask.Action && h.By == rapport.ByThem && h.At.Equal(*ask.AnsweredAt) {
				id = h.ID
			}
		}
	}
	if id == "" {
		return nil
	}
	if err := tx.DeleteInteraction(ctx, id); err != nil {
		return err
	}
	return a.retie(ctx, tx, ask.Person.ID)
}

// retie rebuilds one person's stored ties from their whole history, after
// an interaction of theirs was taken back or their records merged: the tie,
// and on a team's server each member's, from that member's history alone.
func (a *App) retie(ctx context.Context, tx *store.Tx, personID string) error {
	p, kinds, err := a.modelOf(ctx, tx)
	if err != nil {
		return err
	}
	hist, err := tx.History(ctx, personID)
	if err != nil {
		return err
	}
	ties := map[string]*model.Tie{"": {}}
	if a.space != nil {
		// Every member who has a tie with them, or a touch: one who has
		// none left loses theirs.
		err := tx.EachMemberTie(ctx, personID, func(t store.MemberTie) error {
			ties[t.MemberID] = &model.Tie{}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, h := range hist {
		t := model.TouchOf(kinds[h.Kind], h.At, h.By, h.Minutes, h.Participants)
		ties[""].Add(t, p)
		if a.space != nil && h.MemberID != "" {
			if ties[h.MemberID] == nil {
				ties[h.MemberID] = &model.Tie{}
			}
			ties[h.MemberID].Add(t, p)
		}
	}
	for m, tie := range ties {
		if err := tx.Lens(m).PutTieState(ctx, personID, tieBytes(*tie)); err != nil {
			return err
		}
	}
	return nil
}

// LedgerEntry is one give, favour received or ask with a person.
type LedgerEntry struct {
	At      time.Time `json:"at"`
	Type    string    `json:"type"` // give, got, ask
	Action  string    `json:"action"`
	Value   float64   `json:"value"` // the action's weight
	Outcome string    `json:"outcome,omitempty"`
	Note    string    `json:"note,omitempty"`
}

// Ledger is the give-and-ask history with one person.
type Ledger struct {
	Person     rapport.PersonRef `json:"person"`
	Entries    []LedgerEntry     `json:"entries"`
	Gives      int               `json:"gives"`
	Gots       int               `json:"gots"`
	Asks       int               `json:"asks"`
	GivenValue float64           `json:"given_value"`
	AskedValue float64           `json:"asked_value"`
	Balance    float64           `json:"balance"` // given value minus asked value
}

// Ledger returns the gives, favours received and asks with one person, oldest first.
func (a *App) Ledger(ctx context.Context, ref string) (*Ledger, error) {
	tx := a.view(ctx)
	r, err := tx.Resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	kinds, err := a.kindMap(ctx, tx)
	if err != nil {
		return nil, err
	}
	now := a.now()
	hidden, err := a.contentHidden(ctx, tx)
	if err != nil {
		return nil, err
	}
	l := &Ledger{Person: r, Entries: []LedgerEntry{}}
	for _, side := range []rapport.By{rapport.ByMe, rapport.ByThem} {
		favours, _, err := tx.Favours(ctx, r.ID, side, time.Time{}, now.Add(time.Millisecond))
		if err != nil {
			return nil, err
		}
		for _, f := range favours {
			e := LedgerEntry{At: f.At, Type: "give", Action: f.Kind, Value: kinds[f.Kind].Weight, Note: f.Note}
			if hidden(f.MemberID) {
				e.Note = ""
			}
			if side == rapport.ByThem {
				e.Type = "got"
				l.Gots++
			} else {
				l.Gives++
				l.GivenValue += e.Value
			}
			l.Entries = append(l.Entries, e)
		}
	}
	asks, err := tx.AsksOf(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	for _, x := range asks {
		if x.At.After(now) {
			continue
		}
		v := kinds[x.Action].Weight
		note := x.Note
		if a.teammates(ctx, x.MemberID) {
			note = "" // a teammate's ask: when and what for, never why
		}
		l.Entries = append(l.Entries, LedgerEntry{At: x.At, Type: "ask", Action: x.Action, Value: v, Outcome: outcomeText(x.Outcome), Note: note})
		l.Asks++
		l.AskedValue += v
	}
	sortEntries(l.Entries)
	l.GivenValue, l.AskedValue = round1(l.GivenValue), round1(l.AskedValue)
	l.Balance = round1(l.GivenValue - l.AskedValue)
	return l, nil
}

func outcomeText(o string) string {
	if o == rapport.OutcomePending {
		return "pending"
	}
	return o
}

// answeredNote marks the interaction logged for a yes, whose evidence the ask
// already carries.
const answeredNote = "said yes to your ask"

// OpenAsks lists a person's asks still waiting for an answer, newest first.
func (a *App) OpenAsks(ctx context.Context, ref string) ([]rapport.Ask, error) {
	tx := a.view(ctx)
	p, err := tx.Resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	all, err := tx.AsksOf(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	out := []rapport.Ask{}
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Outcome == "" {
			out = append(out, all[i])
		}
	}
	return out, a.nameAskers(ctx, out)
}

// nameAskers names the members who made asks, from the directory (a
// workspace's schema holds no one's name), and keeps a teammate's reason
// theirs.
func (a *App) nameAskers(ctx context.Context, asks []rapport.Ask) error {
	if a.space == nil {
		return nil
	}
	team, _, err := a.roster(ctx)
	if err != nil {
		return err
	}
	for i := range asks {
		if asks[i].MemberID != "" {
			asks[i].AskedBy = team[asks[i].MemberID].Name
		}
		if a.teammates(ctx, asks[i].MemberID) {
			asks[i].Note = "" // when and what for, never why
		}
	}
	return nil
}
