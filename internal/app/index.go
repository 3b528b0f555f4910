package app

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// PeopleIndex is everyone with their figures, held in memory to answer many
// searches (the web's search as you type) without reading the database each
// time. Find answers as People does; build a new index when the data changes.
// It keeps only an order over the shared PeopleBase and the figures of whoever
// it ranks for: on a team's server twenty members' indexes of 200,000 people
// hold one copy of the people.
type PeopleIndex struct {
	base   *PeopleBase
	sc     *Scores
	order  []entry // by strength, then id
	layers []string
}

// entry is one person in an index: their row in the base and their score
// (an index into the Scores' list, or -1: no history, strength 0, Known).
type entry struct{ row, score int32 }

// PeopleIndex reads everyone once.
func (a *App) PeopleIndex(ctx context.Context) (*PeopleIndex, error) {
	base, err := a.PeopleBase(ctx)
	if err != nil {
		return nil, err
	}
	return a.PeopleIndexOver(ctx, base)
}

// PeopleBase is everyone as they are, the same for every reader: their
// details and what a search looks in, by id. On a team's server one is
// shared by the members' indexes (PeopleIndexOver), each with its own figures.
type PeopleBase struct {
	rows []store.PersonRow
	hay  []string
	name []string // lower-cased, for sorting by name
}

// PeopleBase reads everyone's details (searches may be served by a read
// replica).
func (a *App) PeopleBase(ctx context.Context) (*PeopleBase, error) {
	rows, err := a.readView(ctx).People(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(rows, func(x, y store.PersonRow) int { return strings.Compare(x.ID, y.ID) })
	b := &PeopleBase{rows: rows, hay: make([]string, len(rows)), name: make([]string, len(rows))}
	for i, r := range rows {
		b.hay[i], b.name[i] = searchHay(r), strings.ToLower(r.Name)
	}
	return b, nil
}

// PeopleIndexOver is the index of base with the figures of whoever ctx acts
// as. Ranked people come in the ranking's own order, then everyone at
// strength 0 in the base's (by id): no sort of the whole list.
func (a *App) PeopleIndexOver(ctx context.Context, base *PeopleBase) (*PeopleIndex, error) {
	p, sc, err := a.scored(ctx, a.view(ctx))
	if err != nil {
		return nil, err
	}
	ix := &PeopleIndex{base: base, sc: sc, layers: model.LayerNames(p.Layers), order: make([]entry, 0, len(base.rows))}
	me := a.lensMember(ctx)
	hidden := func(r store.PersonRow, s Score) bool {
		return r.PrivateTo != "" && r.PrivateTo != me && s.Tie.Touches == 0 && a.space != nil // a teammate keeps them private, and you do not know them
	}
	for i, s := range sc.List {
		if s.Strength <= 0 {
			break
		}
		row, ok := slices.BinarySearchFunc(base.rows, s.ID, func(r store.PersonRow, id string) int { return strings.Compare(r.ID, id) })
		if ok && !hidden(base.rows[row], s) { // not in base: someone new since it was read
			ix.order = append(ix.order, entry{int32(row), int32(i)})
		}
	}
	for row, r := range base.rows {
		k, ok := sc.byID[r.ID]
		if !ok {
			k = -1
		} else if sc.List[k].Strength > 0 {
			continue // ranked above
		}
		if !hidden(r, ix.score(int32(k))) {
			ix.order = append(ix.order, entry{int32(row), int32(k)})
		}
	}
	return ix, nil
}

// score is the score at k of the index's ranking (-1: none).
func (ix *PeopleIndex) score(k int32) Score {
	if k < 0 {
		return Score{Layer: model.Known}
	}
	return ix.sc.List[k]
}

// Len is how many people the index holds.
func (ix *PeopleIndex) Len() int { return len(ix.order) }

// Layers names the layers a filter may ask for, closest first.
func (ix *PeopleIndex) Layers() []string { return ix.layers }

// Find lists the people matching f, as People would.
func (ix *PeopleIndex) Find(f PeopleFilter) ([]PersonSummary, error) {
	out, _, err := ix.Page(f, 0, false)
	return out, err
}

// Page is Find from the offset-th match on (f.Limit of them at most), and,
// when count is set, how many people match in all (else -1: counting reads
// everyone, where a page in strength order can stop at its last row).
func (ix *PeopleIndex) Page(f PeopleFilter, offset int, count bool) ([]PersonSummary, int, error) {
	tag, err := f.check(ix.layers)
	if err != nil {
		return nil, 0, err
	}
	terms := searchTerms(f.Search)
	if strings.ContainsRune(f.Search, 0) {
		return []PersonSummary{}, 0, nil
	}
	var hits []entry
	matched := 0
	ordered := f.Sort == "" || f.Sort == "strength" // the index's own order
	rows := ix.base.rows
	for _, e := range ix.order {
		if (f.Layer == "" || ix.score(e.score).Layer == f.Layer) && (tag == "" || slices.Contains(rows[e.row].Tags, tag)) && searchMatch(ix.base.hay[e.row], terms) {
			matched++
			if !ordered || matched > offset && (f.Limit <= 0 || len(hits) < f.Limit) {
				hits = append(hits, e)
			} else if ordered && !count && f.Limit > 0 && len(hits) == f.Limit {
				matched = -1
				break // the page is full, in order, and no count is wanted
			}
		}
	}
	if !ordered {
		offset = min(offset, len(hits))
	} else {
		offset = 0 // already skipped
	}
	switch f.Sort {
	case "name":
		names := ix.base.name
		sort.SliceStable(hits, func(i, j int) bool {
			if a, b := names[hits[i].row], names[hits[j].row]; a != b {
				return a < b
			}
			return rows[hits[i].row].ID < rows[hits[j].row].ID
		})
	case "last":
		seen := func(e entry) int64 {
			if t := ix.score(e.score).Tie; t.Touches > 0 {
				return t.Seen.UnixMilli()
			}
			return -1 << 63
		}
		sort.Slice(hits, func(i, j int) bool {
			if a, b := seen(hits[i]), seen(hits[j]); a != b {
				return a > b
			}
			return rows[hits[i].row].ID < rows[hits[j].row].ID
		})
	}
	hits = hits[offset:]
	if f.Limit > 0 && len(hits) > f.Limit {
		hits = hits[:f.Limit]
	}
	out := make([]PersonSummary, len(hits))
	for i, e := range hits {
		out[i] = summary(rows[e.row], ix.score(e.score))
	}
	return out, matched, nil
}
