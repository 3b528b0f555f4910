package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rapport-app/rapport/internal/app"
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

// Any body a device sends the address book (PROPFIND, REPORT, a card to
// PUT): never a panic, never a server error; a refused write changes
// nothing.
func FuzzDavBodies(f *testing.F) {
	type req struct{ method, path, ctype string }
	reqs := []req{
		{"PROPFIND", davBook, "application/xml"}, {"PROPFIND", davPrincipal, "application/xml"},
		{"REPORT", davBook, "application/xml"}, {"PUT", davBook + "new.vcf", "text/vcard"},
	}
	for _, s := range []string{
		`<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:sync-token/></d:prop></d:propfind>`,
		`<d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>`,
		`<d:sync-collection xmlns:d="DAV:"><d:sync-token>urn:rapport:sync:1</d:sync-token><d:prop><d:getetag/></d:prop></d:sync-collection>`,
		`<d:sync-collection xmlns:d="DAV:"><d:sync-token>urn:rapport:sync:-9</d:sync-token></d:sync-collection>`,
		`<c:addressbook-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav"><d:prop><c:address-data/></d:prop><d:href>/dav/me/contacts/people/x.vcf</d:href></c:addressbook-multiget>`,
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nEMAIL:grace@example.com\r\nEND:VCARD\r\n",
		"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:\r\nEND:VCARD\r\n", "BEGIN:VCARD\r\nEND:VCARD\r\n", "<", "", "\x00\xff",
	} {
		for i := range reqs {
			f.Add(uint8(i), s)
		}
	}
	fx := newFixture(f, 0)
	if _, err := fx.app.AddPerson(context.Background(), "Ada Lovelace", app.PersonEdit{AddEmails: []string{"ada@example.com"}}); err != nil {
		f.Fatal(err)
	}
	_, secret, err := fx.app.CreateAppToken(context.Background(), "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		fx.t = t
		r := reqs[int(which)%len(reqs)]
		before := fx.dump(t)
		req := httptest.NewRequest(r.method, "http://127.0.0.1"+r.path, strings.NewReader(body))
		req.Header.Set("Content-Type", r.ctype)
		req.Header.Set("Depth", "1")
		req.SetBasicAuth("device", secret)
		w := httptest.NewRecorder()
		fx.srv.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", r.method, r.path, body, w.Code, w.Body)
		}
		if w.Code >= 400 && fx.dump(t) != before {
			t.Fatalf("%s %s %q: %d, and the data changed", r.method, r.path, body, w.Code)
		}
	})
}
