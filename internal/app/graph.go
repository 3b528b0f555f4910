package app

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// MaxTrust is how many people one truster names on a topic (I11).
const MaxTrust = 5

// Knowing from shared history: two interactions together make a "knows", each
// worth 20 points of its strength (five make 100).
const (
	knowsMinShared = 2
	knowsPerShared = 20.0
)

// topicOf normalises a topic and follows its alias.
func topicOf(ctx context.Context, tx *store.Tx, topic string) (string, error) {
	topic, _ = rapport.Clean(topic, false)
	t := strings.Join(strings.Fields(strings.ToLower(topic)), " ")
	if t == "" {
		return "", rapport.Errorf(rapport.EINVALID, "empty topic")
	}
	if err := rapport.CheckText("topic", t, rapport.MaxText); err != nil {
		return "", err
	}
	return tx.Canonical(ctx, t)
}

// truster resolves --by: "" (or "me") for you, else a person.
func truster(ctx context.Context, tx *store.Tx, by string) (rapport.PersonRef, error) {
	if by == "" || strings.EqualFold(by, "me") || strings.EqualFold(by, "you") {
		return rapport.PersonRef{Name: "you"}, nil
	}
	return tx.Resolve(ctx, by)
}

// trustArgs resolves a trust command's topic, truster and trustee.
func trustArgs(ctx context.Context, tx *store.Tx, topic, ref, by string) (string, rapport.PersonRef, rapport.PersonRef, error) {
	var who, r rapport.PersonRef
	t, err := topicOf(ctx, tx, topic)
	if err == nil {
		who, err = truster(ctx, tx, by)
	}
	if err == nil {
		r, err = tx.Resolve(ctx, ref)
	}
	return t, who, r, err
}

// TrustView lists a truster's lines on one topic.
type TrustView struct {
	Topic   string            `json:"topic"`
	By      rapport.PersonRef `json:"by"`
	Trusted []TrustedPerson   `json:"trusted"`
}

// TrustedPerson is one line.
type TrustedPerson struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Rank int    `json:"rank"`
}

// Trust records that by (you by default) trusts ref most on topic, at a rank
// (default: the next free one). A sixth name is refused, naming the five.
func (a *App) Trust(ctx context.Context, topic, ref string, rank int, by string) (*TrustView, error) {
	var v *TrustView
	err := a.update(ctx, func(tx *store.Tx) error {
		t, who, r, err := trustArgs(ctx, tx, topic, ref, by)
		if err != nil {
			return err
		}
		if r.ID == who.ID {
			return rapport.Errorf(rapport.EINVALID, "%s cannot trust themselves", r.Name)
		}
		lines, err := tx.TrustOf(ctx, t, who.ID)
		if err != nil {
			return err
		}
		exists := false
		used := map[int]bool{}
		for _, l := range lines {
			exists = exists || l.Trustee == r.ID
			used[l.Rank] = true
		}
		if !exists && len(lines) >= MaxTrust {
			cur, err := a.trustView(ctx, tx, t, who)
			if err != nil {
				return err
			}
			var names []string
			for _, p := range cur.Trusted {
				names = append(names, fmt.Sprintf("%d. %s", p.Rank, p.Name))
			}
			return rapport.Errorf(rapport.ECONFLICT, "%s already trust five people on %q: %s; remove one with `rapport untrust`",
				who.Name, t, strings.Join(names, ", "))
		}
		if rank == 0 {
			for rank = 1; used[rank] && rank < MaxTrust; rank++ {
			}
		}
		if rank < 1 || rank > MaxTrust {
			return rapport.FieldErrorf(rapport.EINVALID, "rank", "%d: expected 1 (most) to 5", rank)
		}
		if err := tx.PutTrust(ctx, t, model.TrustLine{Truster: who.ID, Trustee: r.ID, Rank: rank}); err != nil {
			return err
		}
		v, err = a.trustView(ctx, tx, t, who)
		return err
	})
	return v, err
}

func (a *App) trustView(ctx context.Context, tx *store.Tx, topic string, who rapport.PersonRef) (*TrustView, error) {
	lines, err := tx.TrustOf(ctx, topic, who.ID)
	if err != nil {
		return nil, err
	}
	v := &TrustView{Topic: topic, By: who, Trusted: []TrustedPerson{}}
	for _, l := range lines {
		v.Trusted = append(v.Trusted, TrustedPerson{ID: l.Trustee, Rank: l.Rank})
	}
	byID, err := namesOf(ctx, tx, ids(v.Trusted))
	if err != nil {
		return nil, err
	}
	for i := range v.Trusted {
		v.Trusted[i].Name = byID[v.Trusted[i].ID]
	}
	return v, nil
}

func ids(ts []TrustedPerson) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

// Untrust removes a line.
func (a *App) Untrust(ctx context.Context, topic, ref, by string) (*TrustView, error) {
	var v *TrustView
	err := a.update(ctx, func(tx *store.Tx) error {
		t, who, r, err := trustArgs(ctx, tx, topic, ref, by)
		if err != nil {
			return err
		}
		ok, err := tx.DeleteTrust(ctx, t, who.ID, r.ID)
		if err != nil {
			return err
		}
		if !ok {
			return rapport.Errorf(rapport.ENOTFOUND, "%s do not trust %s on %q", who.Name, r.Name, t)
		}
		v, err = a.trustView(ctx, tx, t, who)
		return err
	})
	return v, err
}

// Trusts lists the lines of a truster (you by default) on one topic or all.
func (a *App) Trusts(ctx context.Context, topic, by string) ([]TrustView, error) {
	tx := a.view(ctx)
	who, err := truster(ctx, tx, by)
	if err != nil {
		return nil, err
	}
	var topics []string
	if topic != "" {
		t, err := topicOf(ctx, tx, topic)
		if err != nil {
			return nil, err
		}
		topics = []string{t}
	} else {
		all, err := tx.Topics(ctx)
		if err != nil {
			return nil, err
		}
		for t := range all {
			topics = append(topics, t)
		}
		sort.Strings(topics)
	}
	out := []TrustView{}
	for _, t := range topics {
		v, err := a.trustView(ctx, tx, t, who)
		if err != nil {
			return nil, err
		}
		if len(v.Trusted) > 0 || topic != "" {
			out = append(out, *v)
		}
	}
	return out, nil
}

// AliasTopic makes alias stand for canonical.
func (a *App) AliasTopic(ctx context.Context, alias, canonical string) error {
	return a.update(ctx, func(tx *store.Tx) error {
		alias, _ = rapport.Clean(alias, false)
		al := strings.Join(strings.Fields(strings.ToLower(alias)), " ")
		if err := rapport.CheckText("alias", al, rapport.MaxText); err != nil {
			return err
		}
		c, err := topicOf(ctx, tx, canonical)
		if err != nil {
			return err
		}
		if al == "" || al == c {
			return rapport.Errorf(rapport.EINVALID, "alias %q for %q: give two different topics", alias, canonical)
		}
		return tx.SetAlias(ctx, al, c)
	})
}

// LearnResult is one person to learn from.
type LearnResult struct {
	ID    string                `json:"id"`
	Name  string                `json:"name"`
	Score float64               `json:"score"`
	Depth int                   `json:"depth"`
	Paths [][]rapport.PersonRef `json:"paths"`
}

// Learn is whom to learn from on a topic.
type Learn struct {
	Topic   string        `json:"topic"`
	Results []LearnResult `json:"results"`
}

// Learn ranks whom you should learn from on a topic: the people you trust,
// and those they trust, to depth steps (docs/model.md, "Trust lines").
func (a *App) Learn(ctx context.Context, topic string, depth, limit int) (*Learn, error) {
	if depth < 1 || depth > 6 {
		return nil, rapport.FieldErrorf(rapport.EINVALID, "depth", "%d: expected 1 to 6", depth)
	}
	tx := a.view(ctx)
	t, err := topicOf(ctx, tx, topic)
	if err != nil {
		return nil, err
	}
	// Read only the lines the walk can reach: yours, then your trustees',
	// and so on, one query per depth (at most 1 + 5 + 25 trusters to depth 3).
	var lines []model.TrustLine
	seen := map[string]bool{"": true}
	frontier := []string{""}
	for d := 1; d <= depth && len(frontier) > 0; d++ {
		ls, err := tx.TrustFrom(ctx, t, frontier)
		if err != nil {
			return nil, err
		}
		lines = append(lines, ls...)
		var next []string
		for _, l := range ls {
			if !seen[l.Trustee] {
				seen[l.Trustee] = true
				next = append(next, l.Trustee)
			}
		}
		frontier = next
	}
	p := model.DefaultTrust()
	p.Depth = depth
	res := model.Propagate(lines, p)
	if limit > 0 && len(res) > limit {
		res = res[:limit]
	}
	need := map[string]bool{}
	for _, r := range res {
		for _, path := range r.Paths {
			for _, id := range path {
				need[id] = true
			}
		}
	}
	names, err := namesOf(ctx, tx, sortedKeys(need))
	if err != nil {
		return nil, err
	}
	out := &Learn{Topic: t, Results: []LearnResult{}}
	for _, r := range res {
		lr := LearnResult{ID: r.ID, Name: names[r.ID], Score: r.Score, Depth: r.Depth, Paths: [][]rapport.PersonRef{}}
		for _, path := range r.Paths {
			var refs []rapport.PersonRef
			for _, id := range path {
				refs = append(refs, rapport.PersonRef{ID: id, Name: names[id]})
			}
			lr.Paths = append(lr.Paths, refs)
		}
		out.Results = append(out.Results, lr)
	}
	return out, nil
}

// Knows records by hand that two people know each other (strength 0-100).
func (a *App) Knows(ctx context.Context, refA, refB string, strength float64) error {
	if !(strength >= 0 && strength <= 100) { // NaN too
		return rapport.FieldErrorf(rapport.EINVALID, "strength", "%v: expected 0 to 100", strength)
	}
	return a.update(ctx, func(tx *store.Tx) error {
		x, err := tx.Resolve(ctx, refA)
		if err != nil {
			return err
		}
		y, err := tx.Resolve(ctx, refB)
		if err != nil {
			return err
		}
		if x.ID == y.ID {
			return rapport.Errorf(rapport.EINVALID, "%s and %s are the same person", refA, refB)
		}
		return tx.PutKnows(ctx, x.ID, y.ID, strength)
	})
}

// Hop is one person along an introduction path, with the strength of the
// edge that reaches them.
type Hop struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	Strength float64 `json:"strength"`
}

// IntroPath is one way in.
type IntroPath struct {
	Via            []Hop        `json:"via"`
	Score          float64      `json:"score"`
	AboveThreshold bool         `json:"above_threshold"`
	SuggestedGives []model.Give `json:"suggested_gives,omitempty"`
}

// Intro is the ways to reach someone: through your people, and on a
// team's server through your teammates' (Team).
type Intro struct {
	Target rapport.PersonRef `json:"target"`
	Paths  []IntroPath       `json:"paths"`
	Team   []TeamIntroPath   `json:"team,omitempty"`
}

// TeamIntroPath is a way in through a teammate: they know the target
// themselves, or know someone who knows them. Via lists the people after
// the teammate, each with the tie that leads to them (the teammate's own,
// then the "knows" strength). Asking a colleague is free; AboveThreshold
// says whether the teammate's tie with the first of them carries an
// introduction.
type TeamIntroPath struct {
	Member         TeamMemberRef `json:"member"`
	Via            []Hop         `json:"via"`
	Score          float64       `json:"score"`
	AboveThreshold bool          `json:"above_threshold"`
}

// Intro finds the best ways in to someone you are weakly tied to, or not at
// all: through which of your people, ranked by your tie to the introducer
// times the introducer's tie to them (each over 100). via lists the
// introducer (with your tie to them) and then the target (with the
// introducer's). Whether you stand above the introduce rung with the
// introducer is said; if not, the gives that would close the gap are
// suggested, as the ask guard would.
func (a *App) Intro(ctx context.Context, ref string, limit int) (*Intro, error) {
	tx := a.view(ctx)
	target, err := tx.Resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	p, kinds, err := a.modelOf(ctx, tx)
	if err != nil {
		return nil, err
	}
	known, err := tx.KnownBy(ctx, target.ID, knowsMinShared, knowsPerShared)
	if err != nil {
		return nil, err
	}
	threshold := 45.0
	if k, ok := kinds["introduce"]; ok && k.Threshold != nil {
		threshold = *k.Threshold
	}
	// Only the target's acquaintances matter: read their ties one by one
	// rather than ranking everyone.
	now := a.now()
	ties := map[string]model.Tie{}
	out := &Intro{Target: target, Paths: []IntroPath{}}
	for id, k := range known {
		tie, err := a.tieNow(ctx, tx, id, kinds, p)
		if err != nil {
			return nil, err
		}
		ties[id] = tie
		mine := Score{ID: id, Tie: tie, Strength: round1(tie.Strength(now, p))}
		if mine.Strength <= 0 {
			continue // not one of your people
		}
		out.Paths = append(out.Paths, IntroPath{
			Via:            []Hop{{ID: id, Strength: mine.Strength}, {ID: target.ID, Name: target.Name, Strength: round1(k.Strength)}},
			Score:          round1(mine.Strength * k.Strength / 100),
			AboveThreshold: mine.Strength >= threshold,
		})
	}
	sort.Slice(out.Paths, func(i, j int) bool {
		if out.Paths[i].Score != out.Paths[j].Score {
			return out.Paths[i].Score > out.Paths[j].Score
		}
		return out.Paths[i].Via[0].ID < out.Paths[j].Via[0].ID
	})
	if limit > 0 && len(out.Paths) > limit {
		out.Paths = out.Paths[:limit]
	}
	ks := make([]rapport.Kind, 0, len(kinds))
	for _, k := range kinds {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i].Name < ks[j].Name })
	for i := range out.Paths {
		if !out.Paths[i].AboveThreshold {
			out.Paths[i].SuggestedGives = model.SuggestGives(ties[out.Paths[i].Via[0].ID], ks, now, p, 2)
		}
	}
	names, err := namesOf(ctx, tx, introducers(out.Paths))
	if err != nil {
		return nil, err
	}
	for i := range out.Paths {
		out.Paths[i].Via[0].Name = names[out.Paths[i].Via[0].ID]
	}
	if a.space != nil {
		if out.Team, err = a.teamIntro(ctx, tx, target, known, threshold, limit, p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// teamIntro finds the ways in to target through the teammates' own ties:
// a teammate who knows them (scored by that tie), or who knows someone who
// knows them (that tie times the "knows" strength, over 100), strongest
// first. Your own ties are in Intro's Paths.
func (a *App) teamIntro(ctx context.Context, tx *store.Tx, target rapport.PersonRef, known map[string]store.Acquaintance, threshold float64, limit int, p model.Params) ([]TeamIntroPath, error) {
	team, _, err := a.roster(ctx)
	if err != nil {
		return nil, err
	}
	me, now := a.memberID(ctx), a.now()
	priv, err := tx.PrivatePeople(ctx)
	if err != nil {
		return nil, err
	}
	out := []TeamIntroPath{}
	walk := func(first string, rest []Hop, knows float64) error {
		return tx.EachMemberTie(ctx, first, func(t store.MemberTie) error {
			m, ok := team[t.MemberID]
			if !ok || t.MemberID == me || priv[first] == t.MemberID {
				return nil // yours are in Paths; a member removed since is no way in, nor one's private people
			}
			tie, err := decodeTie(t.State)
			if err != nil {
				return err
			}
			s := round1(tie.Strength(now, p))
			if s <= 0 {
				return nil
			}
			out = append(out, TeamIntroPath{Member: TeamMemberRef{Name: m.Name, Email: m.Email},
				Via:   append([]Hop{{ID: first, Strength: s}}, rest...),
				Score: round1(s * knows / 100), AboveThreshold: s >= threshold})
			return nil
		})
	}
	if err := walk(target.ID, nil, 100); err != nil {
		return nil, err
	}
	for id, k := range known {
		if err := walk(id, []Hop{{ID: target.ID, Name: target.Name, Strength: round1(k.Strength)}}, k.Strength); err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Member.Email+out[i].Via[0].ID < out[j].Member.Email+out[j].Via[0].ID
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	ids := make([]string, len(out))
	for i, t := range out {
		ids[i] = t.Via[0].ID
	}
	names, err := namesOf(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Via[0].Name = names[out[i].Via[0].ID]
	}
	return out, nil
}

func introducers(ps []IntroPath) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Via[0].ID
	}
	return out
}

// Lead is someone in your second degree who could help with a goal.
type Lead struct {
	Person rapport.PersonRef `json:"person"`
	Via    Hop               `json:"via"` // the strong tie who knows them (your tie's strength)
	Knows  float64           `json:"knows"`
	Score  float64           `json:"score"`
	Why    []string          `json:"why"`
}

// Leads lists people known by your strong ties (at or above the introduce
// rung) whom you barely know (strength under 10), whose tags or offers match
// a goal: new leads to reach by introduction, not by a cold ask (I10).
func (a *App) Leads(ctx context.Context, goalRef string, limit int) ([]Lead, error) {
	tx := a.view(ctx)
	goal, err := a.pickGoal(ctx, tx, goalRef)
	if err != nil {
		return nil, err
	}
	if goal == nil {
		return nil, rapport.Errorf(rapport.EINVALID, "no open goal: add one with `rapport goal add`")
	}
	m, err := a.matcher(ctx, tx)
	if err != nil {
		return nil, err
	}
	threshold := 45.0
	for _, k := range m.kinds {
		if k.Name == "introduce" && k.Threshold != nil {
			threshold = *k.Threshold
		}
	}
	best := map[string]Lead{}
	for i, s := range m.sc.List {
		if s.Strength < threshold || i >= 50 {
			break
		}
		known, err := tx.KnownBy(ctx, s.ID, knowsMinShared, knowsPerShared)
		if err != nil {
			return nil, err
		}
		for id, k := range known {
			if m.sc.Of(id).Strength >= 10 {
				continue // already yours
			}
			score := s.Strength * k.Strength / 100
			if cur, ok := best[id]; !ok || score > cur.Score {
				best[id] = Lead{Person: rapport.PersonRef{ID: id}, Via: Hop{ID: s.ID, Strength: s.Strength}, Knows: round1(k.Strength), Score: score}
			}
		}
	}
	hs, err := a.helpers(ctx, tx, m, *goal, nil, 0)
	if err != nil {
		return nil, err
	}
	out := []Lead{}
	for _, h := range hs {
		l, ok := best[h.Person.ID]
		if !ok {
			continue
		}
		l.Person = h.Person
		l.Score = round1(h.Score * l.Score / 100)
		l.Why = h.Why
		out = append(out, l)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	names, err := namesOf(ctx, tx, viaIDs(out))
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Via.Name = names[out[i].Via.ID]
	}
	return out, nil
}

func viaIDs(ls []Lead) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Via.ID
	}
	return out
}
