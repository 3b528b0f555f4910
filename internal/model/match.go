package model

import (
	"sort"
	"strings"
	"unicode"
)

var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an and are as at be by for from get got have help i in into is it its me
		my of on or our out over some that the their them they this to up us we with you your want wants need
		find make more new good`) {
		stopwords[w] = true
	}
}

// Stems returns the content words of a text, lower-cased and stripped of
// common English suffixes, so that "hiring" meets "hire" and "investors"
// meets "invest". It is deliberately small: enough to match wants, offers,
// tags and goals written by the same person, not a search engine.
func Stems(s string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if stopwords[w] || len(w) < 2 {
			continue
		}
		st := stem(w)
		if !seen[st] {
			seen[st] = true
			out = append(out, st)
		}
	}
	sort.Strings(out)
	return out
}

func stem(w string) string {
	for _, suf := range []string{"ings", "ing", "ers", "ors", "ies", "er", "or", "es", "ed", "s", "e"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 {
			w = strings.TrimSuffix(w, suf)
			if suf == "ies" {
				w += "y"
			}
			break
		}
	}
	return w
}

// Shared returns the stems two texts have in common.
func Shared(a, b []string) []string {
	set := map[string]bool{}
	for _, x := range a {
		set[x] = true
	}
	var out []string
	for _, x := range b {
		if set[x] {
			out = append(out, x)
		}
	}
	return out
}
