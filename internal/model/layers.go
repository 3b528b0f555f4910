package model

import "sort"

// AssignLayers returns the Dunbar layer of each strength, index for index.
// People are taken strongest first (equal strengths keep their given order,
// so the caller fixes ties deterministically); each goes to the innermost
// layer whose minimum they meet and whose capacity, counted with the layers
// inside it, is not yet full. Everyone else is Known.
func AssignLayers(strengths []float64, rules []LayerRule) []string {
	idx := make([]int, len(strengths))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return strengths[idx[a]] > strengths[idx[b]] })
	out := make([]string, len(strengths))
	li, count := 0, 0
	for _, i := range idx {
		s := strengths[i]
		for li < len(rules) && (count >= rules[li].Capacity || s < rules[li].Min) {
			li++
		}
		if li == len(rules) || s <= 0 {
			out[i] = Known
			continue
		}
		out[i] = rules[li].Name
		count++
	}
	return out
}

// LayerNames lists the layer names from the inside out, ending with Known.
func LayerNames(rules []LayerRule) []string {
	names := make([]string, 0, len(rules)+1)
	for _, r := range rules {
		names = append(names, r.Name)
	}
	return append(names, Known)
}
