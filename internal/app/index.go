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
type PeopleIndex struct {
	list   []indexed // by strength, then id
	layers []string
}

type indexed struct {
	PersonSummary
	hay  string // what a search looks in (searchHay)
	name string // lower-cased, for sorting by name
	seen int64
}

// PeopleIndex reads everyone once.
func (a *App) PeopleIndex(ctx context.Context) (*PeopleIndex, error) {
	base, err := a.PeopleBase(ctx)
	if err != nil {
		return nil, err
	}
	return a.PeopleIndexOver(ctx, base)
}

// PeopleBase is everyone as they are, the same for every reader: their
// details and what a search looks in. On a team's server one is shared by
// the members' indexes (PeopleIndexOver), each with its own figures.
type PeopleBase struct {
	rows []store.PersonRow
	hay  []string
}

// PeopleBase reads everyone's details (searches may be served by a read
// replica).
func (a *App) PeopleBase(ctx context.Context) (*PeopleBase, error) {
	rows, err := a.readView(ctx).People(ctx)
	if err != nil {
		return nil, err
	}
	b := &PeopleBase{rows: rows, hay: make([]string, len(rows))}
	for i, r := range rows {
		b.hay[i] = searchHay(r)
	}
	return b, nil
}

// PeopleIndexOver is the index of base with the figures of whoever ctx acts
// as.
func (a *App) PeopleIndexOver(ctx context.Context, base *PeopleBase) (*PeopleIndex, error) {
	p, sc, err := a.scored(ctx, a.view(ctx))
	if err != nil {
		return nil, err
	}
	ix := &PeopleIndex{layers: model.LayerNames(p.Layers), list: make([]indexed, 0, len(base.rows))}
	me := a.lensMember(ctx)
	for i, r := range base.rows {
		s := sc.Of(r.ID)
		if r.PrivateTo != "" && r.PrivateTo != me && s.Tie.Touches == 0 && a.space != nil {
			continue // a teammate keeps them private, and you do not know them
		}
		it := indexed{PersonSummary: summary(r, s), name: strings.ToLower(r.Name), seen: -1 << 63, hay: base.hay[i]}
		if s.Tie.Touches > 0 {
			it.seen = s.Tie.Seen.UnixMilli()
		}
		ix.list = append(ix.list, it)
	}
	sort.Slice(ix.list, func(i, j int) bool {
		a, b := ix.list[i], ix.list[j]
		if a.Strength != b.Strength {
			return a.Strength > b.Strength
		}
		return a.ID < b.ID
	})
	return ix, nil
}

// Len is how many people the index holds.
func (ix *PeopleIndex) Len() int { return len(ix.list) }

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
	var hits []*indexed
	matched := 0
	ordered := f.Sort == "" || f.Sort == "strength" // the index's own order
	for i := range ix.list {
		it := &ix.list[i]
		if (f.Layer == "" || it.Layer == f.Layer) && (tag == "" || slices.Contains(it.Tags, tag)) && searchMatch(it.hay, terms) {
			matched++
			if !ordered || matched > offset && (f.Limit <= 0 || len(hits) < f.Limit) {
				hits = append(hits, it)
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
		sort.SliceStable(hits, func(i, j int) bool {
			if hits[i].name != hits[j].name {
				return hits[i].name < hits[j].name
			}
			return hits[i].ID < hits[j].ID
		})
	case "last":
		sort.Slice(hits, func(i, j int) bool {
			if hits[i].seen != hits[j].seen {
				return hits[i].seen > hits[j].seen
			}
			return hits[i].ID < hits[j].ID
		})
	}
	hits = hits[offset:]
	if f.Limit > 0 && len(hits) > f.Limit {
		hits = hits[:f.Limit]
	}
	out := make([]PersonSummary, len(hits))
	for i, h := range hits {
		out[i] = h.PersonSummary
	}
	return out, matched, nil
}
