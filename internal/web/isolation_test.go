package web

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
	"github.com/rapport-app/rapport/internal/store/pgtest"
)

// Workspaces on one server are kept apart: a member of one calls every
// route of the web app (as the server registers them) and of the API (as
// the OpenAPI document lists them) with the ids of another workspace's
// person, interaction, ask, goal, follow-up and device. Every route that
// names one by its path answers 404; no answer carries anything of the other
// workspace; and the other workspace's data is unchanged, byte for byte.
func TestWorkspacesIsolatedOnEveryRoute(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	f := newFixture(t, 0)
	ctx := context.Background()
	pat := must[*app.Invitation](t)(f.app.TeamInit(ctx, "Alpha Fund", "Pat Alpha <pat@alpha.example>")).Member
	must[*app.Invitation](t)(f.app.TeamInit(ctx, "Beta Agency", "Bea Beta <bea@beta.example>"))
	beaTok := must[string](t)(f.app.TeamToken(ctx, "Beta Agency", "bea@beta.example"))

	// Alpha's data, each kind a route can name.
	alpha := must[*app.App](t)(f.app.Workspace(ctx, pat.Workspace.ID))
	defer alpha.Close()
	asPat := app.WithMember(ctx, &pat)
	const secret = "Zoltan Alphasecret"
	person := must[*app.PersonDetail](t)(alpha.AddPerson(asPat, secret, app.PersonEdit{}))
	other := must[*app.PersonDetail](t)(alpha.AddPerson(asPat, "Zelda Alphasecret", app.PersonEdit{}))
	touch := must[*rapport.Interaction](t)(alpha.Log(asPat, app.LogInput{Ref: person.ID, Kind: "meal", Note: "alpha's private lunch"}))
	ask := must[*app.AskResult](t)(alpha.Ask(asPat, app.AskInput{Ref: person.ID, Action: "call", Force: true}))
	goal := must[*rapport.Goal](t)(alpha.AddGoal(asPat, "alpha's goal", nil, nil))
	fu := must[*rapport.Followup](t)(alpha.AddFollowup(asPat, person.ID, "alpha's follow-up", &now))
	device, _ := must2[*app.AppToken, string](t)(alpha.CreateAppToken(asPat, "alpha's phone"))
	dump := func() []byte {
		d, err := alpha.DB.Snapshot(ctx) // the operator's view: everything
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.MarshalIndent(d, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	before := dump()

	s := f.teamServer()
	// The routes a workspace serves: its server's, once Bea has arrived.
	call := func(method, target, ctype string, body []byte) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "http://127.0.0.1"+target, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+beaTok)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		return w
	}
	if w := call("GET", "/api/v1/me", "", nil); !strings.Contains(w.Body.String(), "bea@beta.example") {
		t.Fatalf("me: %d %s", w.Code, w.Body)
	}
	var routes []string
	for _, sp := range s.spaces.by {
		routes = sp.patterns
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	raw := must[[]byte](t)(os.ReadFile("openapi.json"))
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for p, ops := range doc.Paths {
		for m := range ops {
			if m := strings.ToUpper(m); slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}, m) {
				if pat := m + " /api/v1" + p; !slices.Contains(routes, pat) {
					t.Errorf("%s is in the OpenAPI document but not served", pat)
				}
			}
		}
	}
	if len(routes) < 80 {
		t.Fatalf("only %d routes recorded", len(routes))
	}
	ids := map[string]string{
		"/people/{id}": person.ID, "/interactions/{id}": touch.ID, "/asks/{id}": *ask.ID,
		"/goals/{id}": goal.ID, "/followups/{id}": fu.ID, "/settings/devices/{id}": device.ID,
	}
	// Bodies that would be accepted but for the id they carry.
	apiBody := map[string]string{
		"POST /api/v1/interactions":          `{"with":["` + person.ID + `"],"kind":"meal"}`,
		"POST /api/v1/asks":                  `{"person":"` + person.ID + `","action":"call","force":true}`,
		"POST /api/v1/assignment":            `{"goal":"` + goal.ID + `","days":30}`,
		"PATCH /api/v1/people/{id}":          `{"name":"Taken Over"}`,
		"PATCH /api/v1/interactions/{id}":    `{"note":"taken over"}`,
		"POST /api/v1/people/{id}/followups": `{"text":"taken over","due":"2026-12-01"}`,
		"POST /api/v1/asks/{id}/answer":      `{"outcome":"yes"}`,
		"POST /api/v1/people":                `{"name":"Beta's own"}`,
		"POST /api/v1/goals":                 `{"text":"Beta's goal"}`,
	}
	form := url.Values{}
	for _, k := range []string{"person", "ref", "with", "from", "to", "via", "id", "ids", "keep", "drop", "goal", "introducer", "a", "b"} {
		form.Set(k, person.ID)
	}
	form.Add("ids", other.ID)
	form.Set("kind", "meal")
	form.Set("action", "call")
	form.Set("text", "taken over")
	form.Set("name", "Taken Over")
	form.Set("due", "2026-12-01")
	form.Set("outcome", "yes")
	form.Set("force", "1")
	checked := 0
	for _, pattern := range routes {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok || path == "/static/" || strings.HasPrefix(path, "/dav") || path == "/.well-known/carddav" {
			continue // no data; the address book is tested below
		}
		target, named := path, false
		for p, id := range ids {
			if strings.Contains(target, p) {
				target, named = strings.Replace(target, p, strings.Replace(p, "{id}", id, 1), 1), true
			}
		}
		target = strings.NewReplacer("{slot}", "1", "{format}", "json", "{source}", "vcard", "{secret}", "x", "{$}", "").Replace(target)
		ctype, body := "", []byte(nil)
		switch {
		case strings.HasPrefix(path, "/api/") && method != "GET":
			ctype, body = "application/json", []byte(cmp.Or(apiBody[pattern], "{}"))
		case method == "POST":
			ctype, body = "application/x-www-form-urlencoded", []byte(form.Encode())
		}
		if pattern == "POST /api/v1/import/{source}" || pattern == "POST /import" {
			ctype, body = "text/vcard", []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:"+secret+"\r\nUID:urn:uuid:"+person.ID+"\r\nEND:VCARD\r\n")
		}
		w := call(method, target, ctype, body)
		checked++
		if named && w.Code != http.StatusNotFound {
			t.Errorf("%s %s: %d, want 404 (%.200s)", method, target, w.Code, w.Body)
		}
		for _, leak := range []string{"Alphasecret", "alpha's", "pat@alpha.example", "Alpha Fund"} {
			if strings.Contains(w.Body.String(), leak) && !strings.Contains(string(body), leak) {
				t.Errorf("%s %s shows %q of the other workspace", method, target, leak)
			}
		}
	}
	// The address book, with Bea's token: Beta's cards only.
	req := httptest.NewRequest("PROPFIND", "http://127.0.0.1"+davBook, strings.NewReader(`<propfind xmlns="DAV:"><allprop/></propfind>`))
	req.SetBasicAuth("bea", beaTok)
	req.Header.Set("Depth", "1")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != http.StatusMultiStatus || strings.Contains(w.Body.String(), person.ID) {
		t.Errorf("the address book: %d, Alpha's card there: %v", w.Code, strings.Contains(w.Body.String(), person.ID))
	}
	if w := call("GET", davBook+person.ID+".vcf", "", nil); w.Code != http.StatusUnauthorized {
		t.Errorf("a bearer token on the address book: %d", w.Code)
	}
	req = httptest.NewRequest("GET", "http://127.0.0.1"+davBook+person.ID+".vcf", nil)
	req.SetBasicAuth("bea", beaTok)
	w = httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != http.StatusNotFound {
		t.Errorf("Alpha's card with Bea's token: %d", w.Code)
	}
	if after := dump(); !bytes.Equal(before, after) {
		t.Errorf("the other workspace changed:\n%s", firstDiff(before, after))
	}
	t.Logf("%d routes called", checked)
}

func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return la[i] + "\n→ " + lb[i]
		}
	}
	return "(lengths differ)"
}

func must2[A, B any](t *testing.T) func(A, B, error) (A, B) {
	return func(a A, b B, err error) (A, B) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
