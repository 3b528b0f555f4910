package app

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/rapport-app/rapport/internal/model"
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
	tx := a.readView(ctx) // searches may be served by a read replica
	p, sc, err := a.scored(ctx, tx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.People(ctx)
	if err != nil {
		return nil, err
	}
	ix := &PeopleIndex{layers: model.LayerNames(p.Layers), list: make([]indexed, 0, len(rows))}
	for _, r := range rows {
		s := sc.Of(r.ID)
		it := indexed{PersonSummary: summary(r, s), name: strings.ToLower(r.Name), seen: -1 << 63}
		if s.Tie.Touches > 0 {
			it.seen = s.Tie.Seen.UnixMilli()
		}
		it.hay = searchHay(r)
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
