// The scoring core: everyone's strength and layer at now, one tie's history,
// the model's parameters, the layer kept, and the matcher of goals and offers.

package app

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// Score is one person's figures as of now.
type Score struct {
	ID       string
	Tie      model.Tie
	Strength float64
	Layer    string
}

// Scores are everyone's figures: those with a history strongest first (equal
// strengths by id), and an index by id. Anyone else has strength 0 and is Known.
type Scores struct {
	List []Score
	byID map[string]int
}

// Of returns the score of one person.
func (s *Scores) Of(id string) Score {
	if i, ok := s.byID[id]; ok {
		return s.List[i]
	}
	return Score{ID: id, Layer: model.Known}
}

// scored reads the model's parameters and, with them, everyone's scores.
func (a *App) scored(ctx context.Context, tx *store.Tx) (model.Params, *Scores, error) {
	p, err := a.params(ctx, tx)
	if err != nil {
		return p, nil, err
	}
	sc, err := a.scores(ctx, tx, p)
	return p, sc, err
}

// scoresMemo holds the network's scores for the reads of one request.
type scoresMemo struct {
	mu     sync.Mutex
	sc     *Scores
	cached bool                           // sc is a server's cached ranking, which a write may have outdated
	hist   map[string][]store.HistoryItem // the histories read, by person: a page reads one twice (its timeline, why)
}

// historyOf is a person's history, read once per request in a context made
// for reads (WithScores, WithScoresOf): a page of someone with 1,800
// interactions read them twice. Callers do not change what it returns.
func (a *App) historyOf(ctx context.Context, tx *store.Tx, personID string) ([]store.HistoryItem, error) {
	m, _ := ctx.Value(scoresMemoKey{}).(*scoresMemo)
	if m == nil {
		return tx.History(ctx, personID)
	}
	m.mu.Lock()
	h, ok := m.hist[personID]
	m.mu.Unlock()
	if ok {
		return h, nil
	}
	h, err := tx.History(ctx, personID)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	if m.hist == nil {
		m.hist = map[string][]store.HistoryItem{}
	}
	m.hist[personID] = h
	m.mu.Unlock()
	return h, nil
}

type scoresMemoKey struct{}

// WithScores returns a context whose reads rank the network once and reuse
// it: a page that shows one person's strength, layer and explanation would
// otherwise rank all of them three times (the person page: 190 ms to 75 ms
// on 20,000 people).
func WithScores(ctx context.Context) context.Context {
	return context.WithValue(ctx, scoresMemoKey{}, &scoresMemo{})
}

// WithScoresOf is WithScores with the scores already at hand (a server's
// cached ranking of the one acting, from Ranking).
func WithScoresOf(ctx context.Context, sc *Scores) context.Context {
	return context.WithValue(ctx, scoresMemoKey{}, &scoresMemo{sc: sc, cached: true})
}

// Ranking is everyone's scores now, as the one acting sees them: what a
// server may cache and hand back with WithScoresOf.
func (a *App) Ranking(ctx context.Context) (*Scores, error) {
	_, sc, err := a.scored(ctx, a.view(ctx))
	return sc, err
}

// readScores is scores for a read: from the context's memo when it has one.
func (a *App) readScores(ctx context.Context, tx *store.Tx, p model.Params) (*Scores, error) {
	m, _ := ctx.Value(scoresMemoKey{}).(*scoresMemo)
	if m == nil {
		return a.scores(ctx, tx, p)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sc == nil {
		sc, err := a.scores(ctx, tx, p)
		if err != nil {
			return nil, err
		}
		m.sc = sc
	}
	return m.sc, nil
}

// scoreOf is one person's score for a read. Against a server's cached
// ranking (WithScoresOf), which a write of one's own may have outdated, the
// person's tie is read afresh and their layer found by where it falls among
// everyone else's: their page shows the interaction just logged.
func (a *App) scoreOf(ctx context.Context, tx *store.Tx, p model.Params, id string) (Score, error) {
	sc, err := a.readScores(ctx, tx, p)
	if err != nil {
		return Score{}, err
	}
	old := sc.Of(id)
	if m, _ := ctx.Value(scoresMemoKey{}).(*scoresMemo); m == nil || !m.cached {
		return old, nil
	}
	tie, err := a.loadTie(ctx, tx, id)
	if err != nil {
		return Score{}, err
	}
	now := a.now()
	if tie.Touches > 0 && tie.Seen.After(now) {
		kinds, err := a.kindMap(ctx, tx)
		if err != nil {
			return Score{}, err
		}
		if tie, err = a.tieAt(ctx, tx, id, kinds, p); err != nil {
			return Score{}, err
		}
	}
	s := Score{ID: id, Tie: tie, Strength: round1(tie.Strength(now, p))}
	if s.Strength == old.Strength {
		s.Layer = old.Layer
		return s, nil
	}
	s.Layer = sc.layerAmong(s, p.Layers)
	return s, nil
}

// layerAmong is the layer s takes among everyone else in sc: AssignLayers
// walked down to where s falls.
func (sc *Scores) layerAmong(s Score, rules []model.LayerRule) string {
	li, count := 0, 0
	place := func(strength float64) string {
		for li < len(rules) && (count >= rules[li].Capacity || strength < rules[li].Min) {
			li++
		}
		if li == len(rules) || strength <= 0 {
			return model.Known
		}
		count++
		return rules[li].Name
	}
	for _, o := range sc.List {
		if o.ID == s.ID {
			continue
		}
		if s.Strength > o.Strength || s.Strength == o.Strength && s.ID < o.ID {
			break
		}
		place(o.Strength)
	}
	return place(s.Strength)
}

// scores computes everyone's strength and layer at now from the stored tie
// states: one scan, no history. A tie whose history runs past now (when now is
// set in the past) is recomputed from its history instead.
func (a *App) scores(ctx context.Context, tx *store.Tx, p model.Params) (*Scores, error) {
	ties, err := a.allTies(ctx, tx)
	if err != nil {
		return nil, err
	}
	now := a.now()
	var kinds map[string]rapport.Kind
	list := make([]Score, len(ties))
	for i, r := range ties {
		tie := r.Tie
		if tie.Touches > 0 && tie.Seen.After(now) {
			if kinds == nil {
				if kinds, err = a.kindMap(ctx, tx); err != nil {
					return nil, err
				}
			}
			if tie, err = a.tieAt(ctx, tx, r.ID, kinds, p); err != nil {
				return nil, err
			}
		}
		list[i] = Score{ID: r.ID, Tie: tie, Strength: round1(tie.Strength(now, p))}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].Strength != list[j].Strength {
			return list[i].Strength > list[j].Strength
		}
		return list[i].ID < list[j].ID
	})
	strengths := make([]float64, len(list))
	for i, s := range list {
		strengths[i] = s.Strength
	}
	out := &Scores{List: list, byID: make(map[string]int, len(list))}
	for i, l := range model.AssignLayers(strengths, p.Layers) {
		out.List[i].Layer = l
		out.byID[list[i].ID] = i
	}
	return out, nil
}

// tieAt rebuilds one tie from its history, counting only what happened by now.
func (a *App) tieAt(ctx context.Context, tx *store.Tx, personID string, kinds map[string]rapport.Kind, p model.Params) (model.Tie, error) {
	touches, _, err := a.touches(ctx, tx, personID, kinds)
	if err != nil {
		return model.Tie{}, err
	}
	return model.TieOf(touches, a.now(), p), nil
}

func (a *App) touches(ctx context.Context, tx *store.Tx, personID string, kinds map[string]rapport.Kind) ([]model.Touch, []store.HistoryItem, error) {
	hist, err := a.historyOf(ctx, tx, personID)
	if err != nil {
		return nil, nil, err
	}
	if m := a.lensMember(ctx); m != "" {
		// A member's tie is made of their own history alone.
		hist = slices.DeleteFunc(slices.Clone(hist), func(h store.HistoryItem) bool { return h.MemberID != m })
	}
	touches := make([]model.Touch, len(hist))
	for i, h := range hist {
		touches[i] = model.TouchOf(kinds[h.Kind], h.At, h.By, h.Minutes, h.Participants)
	}
	return touches, hist, nil
}

// modelOf reads what every strength computation needs: the model's
// parameters and the catalogue of kinds.
func (a *App) modelOf(ctx context.Context, tx *store.Tx) (model.Params, map[string]rapport.Kind, error) {
	p, err := a.params(ctx, tx)
	if err != nil {
		return p, nil, err
	}
	kinds, err := a.kindMap(ctx, tx)
	return p, kinds, err
}

func (a *App) kindMap(ctx context.Context, tx *store.Tx) (map[string]rapport.Kind, error) {
	ks, err := tx.Kinds(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]rapport.Kind, len(ks))
	for _, k := range ks {
		m[k.Name] = k
	}
	return m, nil
}

func round1(v float64) float64 {
	r := float64(int64(v*10+0.5)) / 10
	return r
}

// matcher holds what matching people to goals and to your offers needs.
type matcher struct {
	p       model.Params
	sc      *Scores
	kinds   []rapport.Kind
	wants   map[string][]rapport.Item
	offers  map[string][]rapport.Item
	allTags []string // every tag in use
	myOffer []string
	stems   map[string][]string // memo: the same texts recur across people
	shared  map[string][]string // the stems of everyone's wants and offers, from a shared reading (read only)
	only    map[string]bool     // when set, helpers looks at these people alone
	hidden  map[string]bool     // people a teammate keeps private, whom the one acting does not know
	own     bool                // a member's: helpers and the people to help are drawn from their own ties
	untied  []string            // with own: the people no member knows yet
}

// pool calls yield with the people in all a match may pick: on a team's
// server a member's own ties and the people no member knows yet (a fresh
// import), since someone only a teammate knows is reached through them
// (an intro) rather than from your plan; elsewhere everyone in all.
func pool[V any](m *matcher, all map[string]V, yield func(id string)) {
	if !m.own {
		for id := range all {
			yield(id)
		}
		return
	}
	for _, s := range m.sc.List {
		if _, ok := all[s.ID]; ok && s.Tie.Touches > 0 {
			yield(s.ID)
		}
	}
	for _, id := range m.untied {
		if _, ok := all[id]; ok {
			yield(id)
		}
	}
}

// Wants is everyone's wants and offers, with the tags in use and the stems
// of every text: the same for every reader, so that on a team's server the
// members' plans share one reading of them (ReadWants, WithWants).
type Wants struct {
	wants, offers map[string][]rapport.Item
	tags          []string
	stems         map[string][]string
	untied        []string // on a team's server, the people no member knows
}

// ReadWants reads everyone's wants and offers once.
func (a *App) ReadWants(ctx context.Context) (*Wants, error) {
	tx := a.readView(ctx)
	w := &Wants{stems: map[string][]string{}}
	var err error
	if w.wants, w.offers, err = tx.Items(ctx); err != nil {
		return nil, err
	}
	if w.tags, err = tx.DistinctTags(ctx); err != nil {
		return nil, err
	}
	if a.space != nil {
		if w.untied, err = tx.Untied(ctx); err != nil {
			return nil, err
		}
	}
	for _, m := range []map[string][]rapport.Item{w.wants, w.offers} {
		for _, items := range m {
			for _, it := range items {
				if _, ok := w.stems[it.Text]; !ok {
					w.stems[it.Text] = model.Stems(it.Text)
				}
			}
		}
	}
	return w, nil
}

type wantsKey struct{}

// WithWants is ctx whose plans read w rather than the database.
func WithWants(ctx context.Context, w *Wants) context.Context {
	return context.WithValue(ctx, wantsKey{}, w)
}

// stemsOf is model.Stems, remembered.
func (m *matcher) stemsOf(s string) []string {
	if st, ok := m.shared[s]; ok {
		return st
	}
	if st, ok := m.stems[s]; ok {
		return st
	}
	st := model.Stems(s)
	m.stems[s] = st
	return st
}

func (a *App) matcher(ctx context.Context, tx *store.Tx) (*matcher, error) {
	p, err := a.params(ctx, tx)
	if err != nil {
		return nil, err
	}
	m := &matcher{p: p, stems: map[string][]string{}}
	if m.sc, err = a.scores(ctx, tx, p); err != nil {
		return nil, err
	}
	if m.kinds, err = tx.Kinds(ctx); err != nil {
		return nil, err
	}
	m.own = a.lensMember(ctx) != ""
	if w, ok := ctx.Value(wantsKey{}).(*Wants); ok {
		m.wants, m.offers, m.allTags, m.shared, m.untied = w.wants, w.offers, w.tags, w.stems, w.untied
	} else {
		if m.wants, m.offers, err = tx.Items(ctx); err != nil {
			return nil, err
		}
		if m.allTags, err = tx.DistinctTags(ctx); err != nil {
			return nil, err
		}
		if m.own {
			if m.untied, err = tx.Untied(ctx); err != nil {
				return nil, err
			}
		}
	}
	if m.myOffer, err = a.myOffers(ctx, tx); err != nil {
		return nil, err
	}
	if m.hidden, err = a.hiddenPeople(ctx, tx, m.sc); err != nil {
		return nil, err
	}
	return m, nil
}

// hiddenPeople are those a teammate keeps private and the one acting has no
// tie with (nil off a team's server).
func (a *App) hiddenPeople(ctx context.Context, tx *store.Tx, sc *Scores) (map[string]bool, error) {
	if a.space == nil {
		return nil, nil
	}
	priv, err := tx.PrivatePeople(ctx)
	if err != nil {
		return nil, err
	}
	me := a.memberID(ctx)
	hidden := map[string]bool{}
	for id, owner := range priv {
		if owner != me && sc.Of(id).Tie.Touches == 0 {
			hidden[id] = true
		}
	}
	return hidden, nil
}

// matcherFor is a matcher that looks at a few people alone, reading only
// what they need: whether they match a goal at all, rather than who helps
// with it most (their scores are their strengths, without layers).
func (a *App) matcherFor(ctx context.Context, tx *store.Tx, ids []string) (*matcher, error) {
	p, err := a.params(ctx, tx)
	if err != nil {
		return nil, err
	}
	m := &matcher{p: p, stems: map[string][]string{}, sc: &Scores{byID: map[string]int{}}, only: map[string]bool{}}
	now := a.now()
	for _, id := range ids {
		if m.only[id] {
			continue
		}
		m.only[id] = true
		tie, err := a.loadTie(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		m.sc.byID[id] = len(m.sc.List)
		m.sc.List = append(m.sc.List, Score{ID: id, Tie: tie, Strength: round1(tie.Strength(now, p)), Layer: model.Known})
	}
	if m.kinds, err = tx.Kinds(ctx); err != nil {
		return nil, err
	}
	if m.wants, m.offers, err = tx.ItemsOf(ctx, ids); err != nil {
		return nil, err
	}
	if m.allTags, err = tx.DistinctTags(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

// highestRung names the highest rung a strength stands on, if any.
func (m *matcher) highestRung(s float64) string {
	best := ""
	for _, k := range m.kinds {
		if k.OnLadder() && s >= *k.Threshold {
			best = k.Name
		}
	}
	return best
}

// layerByMin is the closest layer whose least strength s reaches, capacity
// aside; "" below every layer.
func layerByMin(s float64, p model.Params) string {
	for _, l := range p.Layers {
		if s >= l.Min {
			return l.Name
		}
	}
	return ""
}

// lastDeep is a tie's last deep touch, else its last touch of any kind.
func lastDeep(t model.Tie) time.Time {
	if t.Last.IsZero() {
		return t.Seen
	}
	return t.Last
}

// layerRanks numbers the layers from the closest (0) out.
func layerRanks(p model.Params) map[string]int {
	rank := map[string]int{}
	for i, n := range model.LayerNames(p.Layers) {
		rank[n] = i
	}
	return rank
}

// keptLayer is the layer a tie is kept in, and the strength it had at its
// last contact. The rhythm comes from it, not from the layer the tie decays
// to: a close friend silent for 18 months is more overdue, not less, and
// still takes a place in the close layer. Kept: the closer of where it is
// and where it stood at its last contact (by the layers' least strengths),
// unless you chose one (edit --keep), closer or wider.
func keptLayer(s Score, p model.Params, rank map[string]int, keeps map[string]string) (string, float64) {
	kept, was := s.Layer, s.Strength
	if s.Tie.Touches > 0 {
		was = round1(s.Tie.Strength(lastDeep(s.Tie), p))
		if l := layerByMin(was, p); l != "" && rank[l] < rank[kept] {
			kept = l
		}
	}
	if k, ok := keeps[s.ID]; ok {
		kept = k
	}
	return kept, was
}
