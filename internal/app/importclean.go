package app

import (
	"fmt"
	"unicode/utf8"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/importer"
)

// cleanImport applies the input rule (rapport.Clean) and the limits to what a
// parser read, before anything is matched or stored. A file is not refused
// for one odd value: text is repaired, a value over its limit is cut and a
// list over its limit keeps its first values, each reported, with where it
// came from, in the summary's errors. Handles (emails, phones, profile URLs)
// are cleaned without a word: they are normalised anyway, and the format
// characters some phones write around numbers mean nothing.
func cleanImport(res *importer.Result) []string {
	var errs []string
	note := func(where, what string) { errs = append(errs, where+": "+what) }
	for i := range res.People {
		cleanPerson(&res.People[i], note)
	}
	for i := range res.Touches {
		t := &res.Touches[i]
		t.Note = cleanField(t.Where, "note", t.Note, rapport.MaxNote, true, note)
		t.Channel = cleanField(t.Where, "channel", t.Channel, rapport.MaxText, false, note)
		if len(t.People) > rapport.MaxList {
			note(t.Where, fmt.Sprintf("%d people in one interaction; the first %d kept", len(t.People), rapport.MaxList))
			t.People = t.People[:rapport.MaxList]
		}
		for j := range t.People {
			cleanPerson(&t.People[j], note)
		}
	}
	return errs
}

func cleanPerson(p *importer.Person, note func(where, what string)) {
	p.Name = cleanField(p.Where, "name", p.Name, rapport.MaxText, false, note)
	p.Org = cleanField(p.Where, "org", p.Org, rapport.MaxText, false, note)
	p.Title = cleanField(p.Where, "title", p.Title, rapport.MaxText, false, note)
	p.Met = cleanField(p.Where, "met", p.Met, rapport.MaxText, false, note)
	p.Emails = cleanList(p.Where, "emails", p.Emails, rapport.MaxText, false, note)
	p.Phones = cleanList(p.Where, "phones", p.Phones, rapport.MaxText, false, note)
	p.URLs = cleanList(p.Where, "urls", p.URLs, rapport.MaxText, false, note)
	p.Tags = cleanList(p.Where, "tags", p.Tags, rapport.MaxText, true, note)
	if len(p.Notes) > rapport.MaxList {
		note(p.Where, fmt.Sprintf("%d notes; the first %d kept", len(p.Notes), rapport.MaxList))
		p.Notes = p.Notes[:rapport.MaxList]
	}
	for i, n := range p.Notes {
		p.Notes[i] = cleanField(p.Where, "note", n, rapport.MaxNote, true, note)
	}
	p.Key, _ = rapport.Clean(p.Key, false)
}

func cleanList(where, field string, vs []string, limit int, warn bool, note func(where, what string)) []string {
	if len(vs) > rapport.MaxList {
		note(where, fmt.Sprintf("%d %s; the first %d kept", len(vs), field, rapport.MaxList))
		vs = vs[:rapport.MaxList]
	}
	for i, v := range vs {
		if warn {
			vs[i] = cleanField(where, field, v, limit, false, note)
			continue
		}
		vs[i], _ = rapport.Clean(v, false)
		vs[i] = cut(vs[i], limit)
	}
	return vs
}

// cleanField cleans one value, cuts it to limit bytes, and says so.
func cleanField(where, field, v string, limit int, multiline bool, note func(where, what string)) string {
	c, changed := rapport.Clean(v, multiline)
	if changed && unsafeText(v) {
		note(where, field+": control characters or invalid UTF-8 removed")
	}
	if len(c) > limit {
		note(where, fmt.Sprintf("%s: %d bytes, cut to the %d allowed", field, len(c), limit))
		c = cut(c, limit)
	}
	return c
}

// unsafeText reports whether Clean removes more from v than line breaks and
// tabs: something worth a word in the summary.
func unsafeText(v string) bool {
	for i := 0; i < len(v); {
		r, n := utf8.DecodeRuneInString(v[i:])
		if r == utf8.RuneError && n == 1 || r != '\r' && rapport.Unsafe(r) {
			return true
		}
		i += n
	}
	return false
}

// cut shortens s to at most n bytes, at a character boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
