package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// Any request body sent to the API's write routes: never a panic, never a
// server error, always a JSON answer, and an error changes nothing.
func FuzzAPIBodies(f *testing.F) {
	routes := []struct{ method, path string }{
		{"POST", "/api/v1/people"}, {"POST", "/api/v1/interactions"}, {"PATCH", "/api/v1/people/ada"},
		{"POST", "/api/v1/asks"}, {"POST", "/api/v1/goals"}, {"POST", "/api/v1/people/ada/followups"},
		{"PUT", "/api/v1/budget"}, {"POST", "/api/v1/assignment"}, {"POST", "/api/v1/asks/000000000000/answer"},
	}
	for _, s := range []string{
		`{"name": "Grace Hopper", "emails": ["grace@example.com"], "tags": ["navy"]}`,
		`{"with": ["ada"], "kind": "call", "at": "2026-11-20", "minutes": 30, "note": "hi"}`,
		`{"with": ["ada"], "kind": "call", "at": "800000d ago"}`,
		`{"org": "Engines", "add_tags": ["math"], "cadence_days": 14}`,
		`{"person": "ada", "action": "introduce", "check": true}`,
		`{"text": "raise a round", "tags": ["investor"], "due": "2027-06-30"}`,
		`{"text": "send the deck", "due": "2026-11-30"}`,
		`{"day_minutes": 25, "week_minutes": 120}`, `{"day_minutes": -5}`, `{"days": -1}`,
		`{"outcome": "yes", "at": "2099-01-01"}`, `{"name": "\u001b[2J\u202e"}`, `{"cadence_days": 1e400}`,
		`[]`, `null`, `{"name": 5}`, `{"name": "a"}{"name": "b"}`, "", "{",
	} {
		for i := range routes {
			f.Add(uint8(i), s)
		}
	}
	fx := newFixture(f, 0)
	if w := fx.postJSON("/api/v1/people", `{"name": "Ada Lovelace", "emails": ["ada@example.com"]}`); w.Code != http.StatusCreated {
		f.Fatalf("seed: %d", w.Code)
	}
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		fx.t = t // the fixture reports to this input's test
		r := routes[int(route)%len(routes)]
		before := fx.dump(t)
		w := fx.do(r.method, r.path, strings.NewReader(body), "Content-Type", "application/json")
		if w.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", r.method, r.path, body, w.Code, w.Body)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %s %q: %d with a body that is not JSON: %q", r.method, r.path, body, w.Code, w.Body)
		}
		if w.Code >= 400 && fx.dump(t) != before {
			t.Fatalf("%s %s %q: %d, and the data changed", r.method, r.path, body, w.Code)
		}
	})
}

// dump is everything stored, for comparisons.
func (f *fixture) dump(t testing.TB) string {
	t.Helper()
	w := f.get("/export/json")
	if w.Code != http.StatusOK {
		t.Fatalf("export: %d", w.Code)
	}
	return w.Body.String()
}
