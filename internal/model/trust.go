package model

import (
	"math"
	"sort"

	"github.com/rapport-app/rapport"
)

// TrustLine is one statement of trust (rapport.TrustLine): propagation reads
// the lines the store keeps.
type TrustLine = rapport.TrustLine

// TrustParams tune propagation.
type TrustParams struct {
	Depth       int     // how many steps from you (3: your five, theirs, and theirs)
	Attenuation float64 // what one step keeps of the trust it carries (0.7)
	Paths       int     // how many best paths to keep per person
}

// DefaultTrust is the propagation of docs/model.md.
func DefaultTrust() TrustParams { return TrustParams{Depth: 3, Attenuation: 0.7, Paths: 3} }

// rankValue is what a statement of a given rank is worth: 1 for the first
// name, 0.6 for the fifth.
func rankValue(rank int) float64 {
	return 1 - 0.1*float64(min(max(rank, 1), 5)-1)
}

// TrustResult is one person reached, with their score, depth and best paths
// (each path the ids from your first trustee to them).
type TrustResult struct {
	ID    string
	Score float64
	Depth int
	Paths [][]string
}

// Propagate computes whom to learn from on a topic, after MoleTrust (Massa &
// Avesani): a breadth-first walk to a fixed horizon that only follows edges
// from distance d to d+1, so cycles cannot feed back; a person's trust at d+1
// comes from their trusted predecessors at d. Where MoleTrust averages the
// predecessors, Rapport combines them by noisy-or,
//
//	score(n) = 1 − Π over predecessors p (1 − a · score(p) · value(rank p→n)),
//
// so agreeing paths add up (bounded by 1) while every step multiplies by
// a·value ≤ a < 1: a longer path never beats the same path shortened. You
// start at score 1. Self-trust and lines to you are ignored. Results are
// ordered by score, then depth, then id.
func Propagate(lines []TrustLine, p TrustParams) []TrustResult {
	out := map[string][]TrustLine{}
	for _, l := range lines {
		if l.Truster == l.Trustee || l.Trustee == "" {
			continue
		}
		out[l.Truster] = append(out[l.Truster], l)
	}
	for k := range out {
		sort.Slice(out[k], func(i, j int) bool {
			if out[k][i].Rank != out[k][j].Rank {
				return out[k][i].Rank < out[k][j].Rank
			}
			return out[k][i].Trustee < out[k][j].Trustee
		})
	}
	type node struct {
		score float64
		depth int
		paths []weighted
	}
	nodes := map[string]*node{"": {score: 1, paths: []weighted{{w: 1}}}}
	frontier := []string{""}
	for d := 1; d <= p.Depth && len(frontier) > 0; d++ {
		next := map[string]*node{}
		for _, from := range frontier {
			src := nodes[from]
			for _, l := range out[from] {
				if _, seen := nodes[l.Trustee]; seen {
					continue // already reached nearer: no edges backwards or across
				}
				step := p.Attenuation * rankValue(l.Rank)
				n := next[l.Trustee]
				if n == nil {
					n = &node{depth: d}
					next[l.Trustee] = n
				}
				n.score = 1 - (1-n.score)*(1-src.score*step)
				for _, w := range src.paths {
					path := append(append([]string{}, w.path...), l.Trustee)
					n.paths = append(n.paths, weighted{path: path, w: w.w * step})
				}
			}
		}
		frontier = frontier[:0]
		for id, n := range next {
			sort.SliceStable(n.paths, func(i, j int) bool {
				if n.paths[i].w != n.paths[j].w {
					return n.paths[i].w > n.paths[j].w
				}
				return lessPath(n.paths[i].path, n.paths[j].path)
			})
			if len(n.paths) > p.Paths {
				n.paths = n.paths[:p.Paths]
			}
			nodes[id] = n
			frontier = append(frontier, id)
		}
		sort.Strings(frontier)
	}
	var res []TrustResult
	for id, n := range nodes {
		if id == "" {
			continue
		}
		r := TrustResult{ID: id, Score: math.Round(n.score*1000) / 1000, Depth: n.depth}
		for _, w := range n.paths {
			r.Paths = append(r.Paths, w.path)
		}
		res = append(res, r)
	}
	sort.Slice(res, func(i, j int) bool {
		if res[i].Score != res[j].Score {
			return res[i].Score > res[j].Score
		}
		if res[i].Depth != res[j].Depth {
			return res[i].Depth < res[j].Depth
		}
		return res[i].ID < res[j].ID
	})
	return res
}

type weighted struct {
	path []string
	w    float64
}

func lessPath(a, b []string) bool {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}
