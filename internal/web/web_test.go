package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"html"
	"image"
	"image/png"
	"io"
	"log/slog"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
	"github.com/rapport-app/rapport/internal/demo"
	"github.com/rapport-app/rapport/internal/store"
	"github.com/rapport-app/rapport/internal/store/pgtest"
)

var now = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

type fixture struct {
	t   testing.TB
	app *app.App
	srv *Server
	db  string
}

// newFixture serves a small demo network as of now.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func newFixture(t testing.TB, people int) *fixture {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "web.db")
	if pgtest.Enabled() {
		path = pgtest.URL(t)
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := app.New(db, func() time.Time { return now })
	if people > 0 {
		if _, err := a.Demo(ctx, demo.Options{People: people, Years: 2, Seed: 5}, nil); err != nil {
			t.Fatal(err)
		}
	}
	s, err := New(ctx, a, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Loopback: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &fixture{t: t, app: a, srv: s, db: path}
}

func (f *fixture) do(method, target string, body io.Reader, header ...string) *httptest.ResponseRecorder {
	f.t.Helper()
	r := httptest.NewRequest(method, target, body)
	r.Host = "127.0.0.1:7474"
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			r.Host = header[i+1]
			continue
		}
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return w
}

func (f *fixture) get(target string) *httptest.ResponseRecorder { return f.do("GET", target, nil) }

func (f *fixture) postForm(target string, v url.Values, header ...string) *httptest.ResponseRecorder {
	return f.do("POST", target, strings.NewReader(v.Encode()), append([]string{"Content-Type", "application/x-www-form-urlencoded"}, header...)...)
}

func (f *fixture) postJSON(target, body string, header ...string) *httptest.ResponseRecorder {
	return f.do("POST", target, strings.NewReader(body), append([]string{"Content-Type", "application/json"}, header...)...)
}

func (f *fixture) count() int {
	ix, err := f.app.PeopleIndex(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return ix.Len()
}

func decodeJSON[T any](t testing.TB, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("%v in %s", err, w.Body.String())
	}
	return v
}

func TestEveryPageRenders(t *testing.T) {
	f := newFixture(t, 80)
	someone := f.firstPerson()
	if _, err := f.app.NewAssignment(context.Background(), "", 30, true); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/": "The plan", "/people": "Add a person", "/people?q=a&sort=name": "People", "/people/" + someone.ID: "Log a touch",
		"/ladder": "contacts", "/ask": "Check", "/ask?person=" + someone.ID: someone.ID, "/goals": "Goals", "/assignment": "5 + 5",
		"/report": "What you did", "/report?since=2026-01-01&until=2026-06-01": "What it moved", "/dupes": "Possible duplicates", "/network?topic=go&intro=" + someone.ID: "A way in", "/import": "Import an export", "/settings": "Minutes a day",
	} {
		w := f.get(path)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), want) {
			t.Errorf("GET %s: %d, want 200 with %q", path, w.Code, want)
		}
		if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("GET %s: content type %q", path, ct)
		}
		if raw := rawGoValue(w.Body.String()); raw != "" {
			t.Errorf("GET %s shows a raw Go value: %q", path, raw)
		}
		if w.Header().Get("Content-Security-Policy") == "" || w.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("GET %s: security headers missing", path)
		}
	}
	for path, code := range map[string]int{"/nowhere": 404, "/people/no-such-person": 404, "/report?since=soon": 400, "/people?layer=nope": 400, "/export/pdf": 404} {
		if w := f.get(path); w.Code != code {
			t.Errorf("GET %s: %d, want %d", path, w.Code, code)
		}
	}
	if w := f.get("/static/app.css"); w.Code != 200 || !strings.Contains(w.Body.String(), "--accent") {
		t.Errorf("static css: %d", w.Code)
	}
}

// rawGoValue returns the text around a Go value printed as is in a page's
// visible text ({...}, map[...], 0x..., <nil>), or "".
func rawGoValue(page string) string {
	text := regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>|<[^>]*>`).ReplaceAllString(page, " ")
	text = html.UnescapeString(text)
	if m := regexp.MustCompile(`.{0,30}(\{[^}]*\}|map\[|\b0x[0-9a-f]+|<nil>).{0,30}`).FindString(text); m != "" {
		return m
	}
	return ""
}

func (f *fixture) firstPerson() app.PersonSummary {
	f.t.Helper()
	list := decodeJSON[[]app.PersonSummary](f.t, f.get("/api/v1/people?limit=1"))
	if len(list) != 1 {
		f.t.Fatal("no people")
	}
	return list[0]
}

func TestAddPersonByFormAndJSONEscapesAndValidates(t *testing.T) {
	f := newFixture(t, 0)
	w := f.postForm("/people", url.Values{"name": {`Ada <script>alert(1)</script> Lovelace`}, "emails": {"ada@example.com"}, "tags": {"math, poetry"}})
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/people/") {
		t.Fatalf("form post: %d %s", w.Code, w.Header().Get("Location"))
	}
	page := f.get(strings.SplitN(w.Header().Get("Location"), "?", 2)[0]).Body.String()
	if strings.Contains(page, "<script>alert(1)") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("a name is not escaped on the person page")
	}
	w = f.postJSON("/api/v1/people", `{"name": "Grace Hopper", "org": "Navy", "emails": ["grace@navy.example"], "cadence_days": 30}`)
	if w.Code != http.StatusCreated {
		t.Fatalf("json post: %d %s", w.Code, w.Body)
	}
	d := decodeJSON[map[string]any](t, w)
	if d["name"] != "Grace Hopper" || d["org"] != "Navy" || d["cadence_days"] != float64(30) || d["id"] == "" {
		t.Errorf("created %v", d)
	}
	before := f.count()
	for body, want := range map[string]string{
		`{"name": ""}`:                   "name",
		`{"name": "X", "nickname": "y"}`: "unknown field",
		`{"name": "X"`:                   "invalid JSON",
		``:                               "expected a JSON object",
		`{"name": "Y", "emails": ["not-a-mail"]}`: "email",
		`{"name": "Z"} {"name": "W"}`:             "more than one",
	} {
		w := f.postJSON("/api/v1/people", body)
		e := decodeJSON[map[string]map[string]any](t, w)["error"]
		if w.Code != http.StatusBadRequest || !strings.Contains(strings.ToLower(e["message"].(string)), strings.ToLower(want)) {
			t.Errorf("POST %q: %d %v, want 400 mentioning %q", body, w.Code, e, want)
		}
	}
	if w := f.do("POST", "/api/v1/people", strings.NewReader(`name=x`), "Content-Type", "text/plain"); w.Code != http.StatusBadRequest {
		t.Errorf("a non-JSON body: %d", w.Code)
	}
	if w := f.postForm("/people", url.Values{"name": {""}}); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "Nothing was changed") {
		t.Errorf("an empty name by form: %d", w.Code)
	}
	big := `{"name": "` + strings.Repeat("x", maxBody) + `"}`
	if w := f.postJSON("/api/v1/people", big); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("an oversized body: %d", w.Code)
	}
	if after := f.count(); after != before {
		t.Errorf("bad requests changed the data: %d people, then %d", before, after)
	}
}

func TestCrossSitePostsAreRefusedAndChangeNothing(t *testing.T) {
	f := newFixture(t, 0)
	before := f.count()
	for _, h := range [][]string{
		{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"},
		{"Origin", "https://evil.example"},
	} {
		if w := f.postForm("/people", url.Values{"name": {"Mallory"}}, h...); w.Code != http.StatusForbidden {
			t.Errorf("cross-site form post %v: %d", h, w.Code)
		}
		if w := f.postJSON("/api/v1/people", `{"name": "Mallory"}`, h...); w.Code != http.StatusForbidden {
			t.Errorf("cross-site API post %v: %d", h, w.Code)
		}
		if w := f.postForm("/settings", url.Values{"day": {"999"}}, h...); w.Code != http.StatusForbidden {
			t.Errorf("cross-site settings post %v: %d", h, w.Code)
		}
	}
	if f.count() != before {
		t.Fatal("a refused request created someone")
	}
	b, _ := f.app.Budget(context.Background())
	if b.DayMinutes == 999 {
		t.Fatal("a refused request changed the budget")
	}
	// The same post from the app's own pages goes through.
	if w := f.postForm("/people", url.Values{"name": {"Alice"}}, "Sec-Fetch-Site", "same-origin", "Origin", "http://example.com"); w.Code != http.StatusSeeOther {
		t.Errorf("same-origin post: %d %s", w.Code, w.Body)
	}
}

func TestDoneFromThePlanLogsAndUpdatesThePlan(t *testing.T) {
	f := newFixture(t, 120)
	ctx := context.Background()
	plan := decodeJSON[app.PlanView](t, f.get("/api/v1/today"))
	if len(plan.Items) == 0 {
		t.Fatal("the demo network has an empty plan")
	}
	item := plan.Items[0]
	if item.LogKind == "" {
		t.Fatalf("plan item without a kind to log: %+v", item)
	}
	before, err := f.app.Show(ctx, item.Person.ID)
	if err != nil {
		t.Fatal(err)
	}
	page := f.get("/").Body.String()
	if !strings.Contains(page, `value="`+item.Person.ID+`"`) {
		t.Fatal("the Today page has no done button for the first item")
	}
	w := f.postForm("/plan/done", url.Values{"person": {item.Person.ID}, "kind": {item.LogKind}, "action": {item.Action}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("done: %d %s", w.Code, w.Body)
	}
	after, _ := f.app.Show(ctx, item.Person.ID)
	if after.Interactions != before.Interactions+1 || after.Timeline[0].Kind != item.LogKind || after.Timeline[0].Note != item.Action {
		t.Errorf("done logged %d→%d interactions, latest %+v", before.Interactions, after.Interactions, after.Timeline[0])
	}
	again := decodeJSON[app.PlanView](t, f.get("/api/v1/today"))
	for _, it := range again.Items {
		if it.Person.ID == item.Person.ID && it.Action == item.Action {
			t.Errorf("the plan still holds the item just done: %+v", it)
		}
	}
	if w := f.postForm("/plan/done", url.Values{"person": {item.Person.ID}}); w.Code != http.StatusBadRequest {
		t.Errorf("done without a kind: %d", w.Code)
	}
}

func TestLogFollowupAndEditOnAPersonPage(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	d, err := f.app.AddPerson(ctx, "Ada Lovelace", app.PersonEdit{})
	if err != nil {
		t.Fatal(err)
	}
	base := "/people/" + d.ID
	if w := f.postForm(base+"/log", url.Values{"kind": {"meal"}, "by": {"me"}, "minutes": {"45"}, "note": {"talked engines"}, "at": {"2026-11-20"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("log: %d %s", w.Code, w.Body)
	}
	if w := f.postForm(base+"/log", url.Values{"kind": {"teleport"}}); w.Code != http.StatusNotFound {
		t.Errorf("an unknown kind: %d", w.Code)
	}
	if w := f.postForm(base+"/log", url.Values{"kind": {"meal"}, "minutes": {"-4"}}); w.Code != http.StatusBadRequest {
		t.Errorf("negative minutes: %d", w.Code)
	}
	if w := f.postForm(base+"/followups", url.Values{"text": {"send the notes"}, "due": {"2026-11-25"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("follow-up: %d %s", w.Code, w.Body)
	}
	if w := f.postForm(base, url.Values{"org": {"Analytical Engines"}, "add_wants": {"a publisher"}, "add_tags": {"math"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", w.Code, w.Body)
	}
	page := f.get(base).Body.String()
	for _, want := range []string{"talked engines", "send the notes", "Analytical Engines", "a publisher", "math", "meal"} {
		if !strings.Contains(page, want) {
			t.Errorf("the person page lacks %q", want)
		}
	}
	got, _ := f.app.Show(ctx, d.ID)
	if got.Interactions != 1 || got.Org != "Analytical Engines" {
		t.Errorf("stored %+v", got)
	}
	fus, _ := f.app.Followups(ctx, false)
	if len(fus) != 1 {
		t.Fatalf("follow-ups %v", fus)
	}
	if w := f.postForm("/followups/"+fus[0].ID+"/done", url.Values{"back": {"https://evil.example/"}}); w.Code != http.StatusSeeOther || w.Header().Get("Location")[0] != '/' || strings.HasPrefix(w.Header().Get("Location"), "//") {
		t.Errorf("follow-up done redirects off-site: %d %s", w.Code, w.Header().Get("Location"))
	}
	if fus, _ := f.app.Followups(ctx, false); len(fus) != 0 {
		t.Error("the follow-up is still open")
	}
	// The API logs too, with the CLI's field names.
	w := f.postJSON("/api/v1/interactions", `{"with": ["Ada"], "kind": "call", "minutes": 20, "by": "them"}`)
	in := decodeJSON[map[string]any](t, w)
	if w.Code != http.StatusCreated || in["kind"] != "call" || in["by"] != "them" || in["minutes"] != float64(20) {
		t.Errorf("API log: %d %v", w.Code, in)
	}
	if w := f.postJSON("/api/v1/interactions", `{"with": ["Nobody Here"], "kind": "call"}`); w.Code != http.StatusNotFound {
		t.Errorf("log with an unknown person: %d", w.Code)
	}
	if w := f.postJSON("/api/v1/interactions", `{"kind": "call"}`); w.Code != http.StatusBadRequest {
		t.Errorf("log with nobody: %d", w.Code)
	}
}

func TestAskShowsTheGuardBeforeRecording(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	d, _ := f.app.AddPerson(ctx, "New Acquaintance", app.PersonEdit{AddWants: []string{"a designer"}})
	w := f.postJSON("/api/v1/asks", `{"person": "New Acquaintance", "action": "introduce", "check": true}`)
	res := decodeJSON[app.AskResult](t, w)
	if w.Code != http.StatusOK || res.Verdict == "go" || len(res.Reasons) == 0 || len(res.SuggestedGives) == 0 || res.Recorded {
		t.Fatalf("check: %d %+v", w.Code, res)
	}
	w = f.postJSON("/api/v1/asks", `{"person": "New Acquaintance", "action": "introduce"}`)
	if w.Code != http.StatusConflict || decodeJSON[app.AskResult](t, w).Recorded {
		t.Fatalf("a refused ask: %d %s", w.Code, w.Body)
	}
	l, _ := f.app.Ledger(ctx, d.ID)
	if l.Asks != 0 {
		t.Fatal("a refused ask was recorded")
	}
	page := f.postForm("/ask", url.Values{"person": {d.ID}, "action": {"introduce"}, "do": {"check"}})
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "Gives that would help most") || !strings.Contains(page.Body.String(), res.Reasons[0][:20]) {
		t.Errorf("ask page: %d", page.Code)
	}
	if w := f.postForm("/ask", url.Values{"person": {d.ID}, "action": {"introduce"}, "do": {"force"}}); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Recorded") {
		t.Errorf("forced ask: %d", w.Code)
	}
	if l, _ := f.app.Ledger(ctx, d.ID); l.Asks != 1 {
		t.Errorf("forced ask not recorded: %d asks", l.Asks)
	}
	if w := f.postJSON("/api/v1/asks", `{"person": "New Acquaintance", "action": "levitate"}`); w.Code != http.StatusNotFound {
		t.Errorf("an unknown action: %d", w.Code)
	}
}

func TestGoalsAssignmentSettings(t *testing.T) {
	f := newFixture(t, 60)
	if w := f.postForm("/goals", url.Values{"text": {"find a co-founder"}, "tags": {"engineer"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("goal: %d %s", w.Code, w.Body)
	}
	if w := f.postForm("/goals", url.Values{"text": {""}}); w.Code != http.StatusBadRequest {
		t.Errorf("an empty goal: %d", w.Code)
	}
	goals := decodeJSON[[]map[string]any](t, f.get("/api/v1/goals"))
	var id string
	for _, g := range goals {
		if g["text"] == "find a co-founder" {
			id = g["id"].(string)
		}
	}
	if id == "" || !strings.Contains(f.get("/goals").Body.String(), "find a co-founder") {
		t.Fatal("the goal is not listed")
	}
	if w := f.postForm("/assignment", url.Values{"goal": {id}}); w.Code != http.StatusSeeOther {
		t.Fatalf("assignment: %d %s", w.Code, w.Body)
	}
	if a := decodeJSON[map[string]any](t, f.get("/api/v1/assignment")); len(a["slots"].([]any)) == 0 {
		t.Errorf("assignment %v", a)
	}
	if w := f.postForm("/goals/"+id+"/done", nil); w.Code != http.StatusSeeOther {
		t.Errorf("goal done: %d", w.Code)
	}
	if w := f.postForm("/settings", url.Values{"day": {"35"}, "week": {"200"}, "cfg.layer.inner.cadence": {"10"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("settings: %d %s", w.Code, w.Body)
	}
	if b, _ := f.app.Budget(context.Background()); b.DayMinutes != 35 || b.WeekMinutes != 200 {
		t.Errorf("budget %+v", b)
	}
	if !strings.Contains(f.get("/settings").Body.String(), `value="10"`) {
		t.Error("the cadence was not saved")
	}
	if w := f.postForm("/settings", url.Values{"day": {"lots"}}); w.Code != http.StatusBadRequest {
		t.Errorf("a bad budget: %d", w.Code)
	}
	if w := f.postForm("/settings/ladder", url.Values{"action": {"introduce"}, "threshold": {"42"}}); w.Code != http.StatusSeeOther {
		t.Errorf("rung: %d %s", w.Code, w.Body)
	}
	l := decodeJSON[app.Ladder](t, f.get("/api/v1/ladder"))
	found := false
	for _, r := range l.Rungs {
		found = found || r.Action == "introduce" && r.Threshold == 42
	}
	if !found {
		t.Errorf("the rung edit is not on the ladder: %+v", l.Rungs)
	}
	if w := f.postForm("/settings/ladder", url.Values{"action": {"introduce"}, "threshold": {"x"}}); w.Code != http.StatusBadRequest {
		t.Errorf("a bad threshold: %d", w.Code)
	}
}

func TestImportUploadExportAndBackup(t *testing.T) {
	f := newFixture(t, 0)
	data, err := os.ReadFile("../importer/vcard/testdata/apple.vcf")
	if err != nil {
		t.Fatal(err)
	}
	upload := func(dry bool) *httptest.ResponseRecorder {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("source", "vcard")
		if dry {
			mw.WriteField("dry_run", "1")
		}
		fw, _ := mw.CreateFormFile("file", "apple.vcf")
		fw.Write(data)
		mw.Close()
		return f.do("POST", "/import", &b, "Content-Type", mw.FormDataContentType())
	}
	w := upload(true)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Would import") || f.count() != 0 {
		t.Fatalf("dry upload: %d, %d people", w.Code, f.count())
	}
	w = upload(false)
	n := f.count()
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Imported from vcard") || n == 0 {
		t.Fatalf("upload: %d, %d people", w.Code, n)
	}
	// The API takes the file as the body; the same file again adds nobody.
	w = f.do("POST", "/api/v1/import/vcard", bytes.NewReader(data))
	sum := decodeJSON[app.ImportSummary](t, w)
	if w.Code != http.StatusOK || sum.PeopleCreated != 0 || f.count() != n {
		t.Errorf("re-import: %d %+v", w.Code, sum)
	}
	w = f.do("POST", "/api/v1/import/vcard", strings.NewReader("BEGIN:VCARD\nVERSION:3.0\nFN:Broken\n"))
	if w.Code != http.StatusBadRequest || f.count() != n {
		t.Errorf("a broken file: %d %s", w.Code, w.Body)
	}
	if w := f.do("POST", "/api/v1/import/myspace", strings.NewReader("x")); w.Code != http.StatusBadRequest {
		t.Errorf("an unknown source: %d", w.Code)
	}
	if w := f.do("POST", "/import", strings.NewReader("x"), "Content-Type", "multipart/form-data; boundary=zz"); w.Code != http.StatusBadRequest {
		t.Errorf("a malformed upload: %d", w.Code)
	}
	for format, want := range map[string]string{"vcard": "BEGIN:VCARD", "csv": "name", "json": `"people"`, "ics": "BEGIN:VCALENDAR"} {
		w := f.get("/export/" + format)
		if w.Code != 200 || !strings.Contains(w.Body.String(), want) {
			t.Errorf("export %s: %d", format, w.Code)
		}
	}
	w = f.get("/backup")
	if w.Code != 200 || !strings.HasPrefix(w.Body.String(), "SQLite format 3") {
		t.Errorf("backup: %d", w.Code)
	}
}

func TestAPIReadsAndErrors(t *testing.T) {
	f := newFixture(t, 80)
	p := f.firstPerson()
	for path, code := range map[string]int{
		"/api/v1/people?q=a&layer=close&sort=last": 200, "/api/v1/people/" + p.ID: 200, "/api/v1/people/" + p.ID + "/why": 200,
		"/api/v1/people/" + p.ID + "/ledger": 200, "/api/v1/today": 200, "/api/v1/week": 200, "/api/v1/ladder": 200,
		"/api/v1/overdue": 200, "/api/v1/followups": 200, "/api/v1/goals": 200, "/api/v1/report": 200, "/api/v1/config": 200,
		"/api/v1/people?layer=bogus": 400, "/api/v1/people?limit=x": 400, "/api/v1/people/nobody-at-all": 404,
		"/api/v1/report?since=2027-01-01": 400, "/api/v1/nothing": 404,
	} {
		w := f.get(path)
		if w.Code != code || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			t.Errorf("GET %s: %d %s, want %d JSON", path, w.Code, w.Header().Get("Content-Type"), code)
		}
		if code >= 400 {
			e := decodeJSON[map[string]map[string]any](t, w)["error"]
			if e["message"] == "" || e["code"] == "" {
				t.Errorf("GET %s: error without a message: %s", path, w.Body)
			}
		}
	}
	// Search finds by name fragment, case-insensitively, like the CLI.
	frag := strings.ToUpper(strings.Fields(p.Name)[0][:3])
	found := decodeJSON[[]app.PersonSummary](t, f.get("/api/v1/people?q="+url.QueryEscape(frag)))
	if len(found) == 0 || !strings.Contains(strings.ToUpper(found[0].Name+found[0].Org+found[0].Title), frag) && found[0].ID != p.ID {
		t.Errorf("search %q: %v", frag, found)
	}
}

// Every API route the server answers is in the OpenAPI document, and the
// document describes no route the server lacks.
func TestOpenAPIDocumentMatchesRoutes(t *testing.T) {
	f := newFixture(t, 0)
	w := f.get("/api/v1/openapi.json")
	doc := decodeJSON[struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}](t, w)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	src, _ := os.ReadFile("api.go")
	routes := regexp.MustCompile(`"(GET|POST|PATCH|PUT|DELETE) /api/v1(/[^"]*)"`).FindAllStringSubmatch(string(src), -1)
	seen := map[string]bool{}
	for _, r := range routes {
		method, path := strings.ToLower(r[1]), r[2]
		seen[method+" "+path] = true
		if _, ok := doc.Paths[path][method]; !ok {
			t.Errorf("%s %s is served but not documented", r[1], path)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !seen[method+" "+path] {
				t.Errorf("%s %s is documented but not served", method, path)
			}
		}
	}
}

// A view is served stale while it is rebuilt after a change from elsewhere
// (another process), and the rebuilt one follows soon.
func TestViewsFollowChangesFromOtherProcesses(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	if n := len(decodeJSON[[]app.PersonSummary](t, f.get("/api/v1/people"))); n != 0 {
		t.Fatalf("%d people", n)
	}
	other, err := store.Open(ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := app.New(other, func() time.Time { return now }).AddPerson(ctx, "Written Elsewhere", app.PersonEdit{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		list := decodeJSON[[]app.PersonSummary](t, f.get("/api/v1/people"))
		if len(list) == 1 && list[0].Name == "Written Elsewhere" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the people list never showed a person added by another process")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestAPIWrites(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	d, _ := f.app.AddPerson(ctx, "Ada Lovelace", app.PersonEdit{})
	patch := func(body string) *httptest.ResponseRecorder {
		return f.do("PATCH", "/api/v1/people/"+d.ID, strings.NewReader(body), "Content-Type", "application/json")
	}
	if w := patch(`{"org": "Engines", "add_tags": ["math"], "cadence_days": 14}`); w.Code != 200 {
		t.Fatalf("patch: %d %s", w.Code, w.Body)
	}
	if got, _ := f.app.Show(ctx, d.ID); got.Org != "Engines" || len(got.Tags) != 1 || got.CadenceDays != 14 {
		t.Errorf("patched %+v", got)
	}
	if w := patch(`{"add_emails": ["nope"]}`); w.Code != 400 {
		t.Errorf("a bad email: %d", w.Code)
	}
	w := f.postJSON("/api/v1/people/"+d.ID+"/followups", `{"text": "send notes", "due": "2026-11-30"}`)
	fu := decodeJSON[map[string]any](t, w)
	if w.Code != 201 || fu["text"] != "send notes" {
		t.Fatalf("follow-up: %d %v", w.Code, fu)
	}
	if w := f.postJSON("/api/v1/followups/"+fu["id"].(string)+"/done", ``); w.Code != 200 {
		t.Errorf("follow-up done: %d %s", w.Code, w.Body)
	}
	if w := f.do("PUT", "/api/v1/budget", strings.NewReader(`{"day_minutes": 25}`), "Content-Type", "application/json"); w.Code != 200 {
		t.Errorf("budget: %d %s", w.Code, w.Body)
	}
	if b := decodeJSON[app.Budget](t, f.get("/api/v1/budget")); b.DayMinutes != 25 {
		t.Errorf("budget %+v", b)
	}
	if w := f.do("PUT", "/api/v1/budget", strings.NewReader(`{"day_minutes": -5}`), "Content-Type", "application/json"); w.Code != 400 {
		t.Errorf("a negative budget: %d", w.Code)
	}
	w = f.postJSON("/api/v1/asks", `{"person": "Ada", "action": "call", "force": true}`)
	ask := decodeJSON[app.AskResult](t, w)
	if w.Code != 201 || ask.ID == nil {
		t.Fatalf("ask: %d %s", w.Code, w.Body)
	}
	if w := f.postJSON("/api/v1/asks/"+*ask.ID+"/answer", `{"outcome": "maybe"}`); w.Code != 400 {
		t.Errorf("a bad outcome: %d", w.Code)
	}
	if w := f.postJSON("/api/v1/asks/"+*ask.ID+"/answer", `{"outcome": "yes"}`); w.Code != 200 {
		t.Errorf("answer: %d %s", w.Code, w.Body)
	}
	if l, _ := f.app.Ledger(ctx, d.ID); l.Gots != 1 {
		t.Errorf("a yes is not logged as a favour: %+v", l)
	}
}

// /people says how many it shows of how many match, pages through them, and
// offers every layer; the API tells the whole count in X-Total-Count.
func TestPeoplePagesAndCounts(t *testing.T) {
	f := newFixture(t, 80)
	w := f.get("/people?limit=30&offset=30&sort=name")
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(body, "Showing 31–60 of 80") || !strings.Contains(body, "Next 100") || !strings.Contains(body, "Previous 100") {
		t.Errorf("page 2 of people: %d %s", w.Code, rawText(body))
	}
	for _, l := range []string{"network", "acquaintance", "known"} {
		if !strings.Contains(body, "<option >"+l+"</option>") && !strings.Contains(body, "<option>"+l+"</option>") {
			t.Errorf("the layer filter lacks %s", l)
		}
	}
	api := f.get("/api/v1/people?limit=5&count=true")
	if api.Header().Get("X-Total-Count") != "80" || len(decodeJSON[[]app.PersonSummary](t, api)) != 5 {
		t.Errorf("API page: total %q", api.Header().Get("X-Total-Count"))
	}
	if w := f.get("/people?offset=-1"); w.Code != 400 {
		t.Errorf("a negative offset: %d", w.Code)
	}
}

func rawText(page string) string {
	return regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(page, " ")
}

// The person page shows the person: how to reach them (as links, and only
// safe ones), how you met, their notes; the ledger newest first; and the
// whole timeline on request.
func TestPersonPageShowsThePerson(t *testing.T) {
	f := newFixture(t, 5)
	ctx := context.Background()
	d, err := f.app.AddPerson(ctx, "Linked Person", app.PersonEdit{AddEmails: []string{"lp@example.com"}, AddPhones: []string{"+44 20 7946 0018"},
		AddURLs: []string{"linkedin.com/in/lp"}, Met: ptr("the Lisbon meetup"), AddNotes: []string{"prefers mornings"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		if _, err := f.app.Log(ctx, app.LogInput{Ref: d.ID, Kind: "message", By: "me", At: at(f.app, now.AddDate(0, 0, -i-1).Format("2006-01-02"))}); err != nil {
			t.Fatal(err)
		}
	}
	body := f.get("/people/" + d.ID).Body.String()
	for _, want := range []string{`href="mailto:lp@example.com"`, `href="tel:&#43;44%2020%207946%200018"`, `href="https://linkedin.com/in/lp"`,
		"How you met: the Lisbon meetup", "prefers mornings", "Show the whole timeline", "Strength runs from 0", "would likely"} {
		if !strings.Contains(body, want) {
			t.Errorf("person page lacks %s", want)
		}
	}
	for _, bad := range []string{"javascript:alert(1)", "data:text/html,x", "ftp://x"} {
		if l, ok := linkOf(bad); ok {
			t.Errorf("%q became a link: %v", bad, l)
		}
	}
	if n := strings.Count(body, "<strong>message</strong>"); n != 50 || !strings.Contains(body, `Timeline <span class="count">60</span>`) {
		t.Errorf("the page shows %d of 60 (want the newest 50, and a count of 60)", n)
	}
	all := f.get("/people/" + d.ID + "?timeline=all").Body.String()
	if n := strings.Count(all, "<strong>message</strong>"); n != 60 || strings.Contains(all, "Show the whole timeline") {
		t.Errorf("the whole timeline shows %d of 60", n)
	}
	// The API's person carries the whole timeline.
	if n := strings.Count(f.get("/api/v1/people/"+d.ID).Body.String(), `"kind": "message"`); n != 60 {
		t.Errorf("the API's timeline has %d of 60", n)
	}
}

func ptr[T any](v T) *T { return &v }

// An error names the field as the page labels it, never a CLI flag; the API
// names it as its own field; relative dates are welcome on the forms.
func TestErrorsNameFieldsInTheirOwnWords(t *testing.T) {
	f := newFixture(t, 3)
	p := f.firstPerson()
	w := f.postForm("/people/"+p.ID+"/followups", url.Values{"text": {"send the deck"}, "due": {""}})
	if body := rawText(w.Body.String()); w.Code != 400 || !strings.Contains(body, "Due is required") || strings.Contains(body, "--due") {
		t.Errorf("a follow-up without a date: %d %s", w.Code, body)
	}
	for _, due := range []string{"tomorrow", "in 3 days", "next week", "friday"} {
		if w := f.postForm("/people/"+p.ID+"/followups", url.Values{"text": {"call back " + due}, "due": {due}}); w.Code != http.StatusSeeOther {
			t.Errorf("due %q: %d %s", due, w.Code, rawText(w.Body.String()))
		}
	}
	api := f.postJSON("/api/v1/people/"+p.ID+"/followups", `{"text": "x", "due": ""}`)
	if e := decodeJSON[map[string]map[string]any](t, api)["error"]; api.Code != 400 || e["field"] != "due" || !strings.HasPrefix(e["message"].(string), "due is required") {
		t.Errorf("API error without a date: %d %v", api.Code, e)
	}
}

// A mistaken log comes back out from the page (Remove, Undo) and the API
// (DELETE, PATCH, undo); a person goes only when confirmed.
func TestTakingThingsBackOnTheWeb(t *testing.T) {
	f := newFixture(t, 3)
	ctx := context.Background()
	d, err := f.app.AddPerson(ctx, "Mistaken Entry", app.PersonEdit{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := f.app.Log(ctx, app.LogInput{Ref: d.ID, Kind: "call", By: "me", At: at(f.app, "2026-11-20")})
	if err != nil {
		t.Fatal(err)
	}
	if body := f.get("/people/" + d.ID).Body.String(); !strings.Contains(body, `action="/interactions/`+in.ID+`/delete"`) {
		t.Fatal("the timeline offers no Remove")
	}
	if w := f.postForm("/interactions/"+in.ID+"/delete", url.Values{"back": {"/people/" + d.ID}}); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/people/"+d.ID) {
		t.Errorf("remove: %d %s", w.Code, w.Header().Get("Location"))
	}
	if n := decodeJSON[app.PersonDetail](t, f.get("/api/v1/people/"+d.ID)).Interactions; n != 0 {
		t.Errorf("%d interactions after removing the only one", n)
	}
	if _, err := f.app.Log(ctx, app.LogInput{Ref: d.ID, Kind: "message", By: "me", At: at(f.app, "2026-11-20")}); err != nil {
		t.Fatal(err)
	}
	if w := f.postForm("/undo", url.Values{"back": {"/"}}); w.Code != http.StatusSeeOther {
		t.Errorf("undo: %d", w.Code)
	}
	if n := decodeJSON[app.PersonDetail](t, f.get("/api/v1/people/"+d.ID)).Interactions; n != 0 {
		t.Errorf("%d interactions after undoing the only one", n)
	}
	in, _ = f.app.Log(ctx, app.LogInput{Ref: d.ID, Kind: "call", By: "me", At: at(f.app, "2026-11-20")})
	patch := f.do("PATCH", "/api/v1/interactions/"+in.ID, strings.NewReader(`{"minutes": "45", "at": "2026-11-19"}`), "Content-Type", "application/json")
	if got := decodeJSON[rapport.Interaction](t, patch); patch.Code != 200 || got.Minutes != 45 {
		t.Errorf("PATCH: %d %+v", patch.Code, got)
	}
	if w := f.do("DELETE", "/api/v1/people/"+d.ID, nil); w.Code != http.StatusConflict {
		t.Errorf("DELETE a person with a history, unconfirmed: %d", w.Code)
	}
	if w := f.postForm("/people/"+d.ID+"/delete", url.Values{}); w.Code == http.StatusSeeOther {
		t.Error("the form deleted a person with a history without the box ticked")
	}
	if w := f.do("DELETE", "/api/v1/people/"+d.ID+"?confirm=true", nil); w.Code != 200 {
		t.Errorf("DELETE confirmed: %d %s", w.Code, w.Body.String())
	}
	if w := f.get("/people/" + d.ID); w.Code != 404 {
		t.Errorf("the deleted person's page: %d", w.Code)
	}
}

// The ladder draws true proportions (4 of 500 is under 1%, and says so),
// and an empty database gets a way in, not fifteen empty bars.
func TestLadderInProportionAndEmpty(t *testing.T) {
	svg := string(ladderChart(&app.Ladder{Contacts: 500, Rungs: []app.Rung{{Action: "lend-1000", Threshold: 85, People: 4}, {Action: "reply", Threshold: 2, People: 250}}}))
	widths := regexp.MustCompile(`<rect [^>]*width="([0-9.]+)"`).FindAllStringSubmatch(svg, -1)
	if len(widths) != 3 {
		t.Fatalf("bars: %v", widths)
	}
	all, _ := strconv.ParseFloat(widths[0][1], 64)
	half, _ := strconv.ParseFloat(widths[1][1], 64) // rows: contacts, then the rungs from the last one given
	few, _ := strconv.ParseFloat(widths[2][1], 64)
	if math.Abs(half/all-0.5) > 0.01 || few > all*0.02 {
		t.Errorf("bar widths %v: want 250 of 500 at half and 4 of 500 a sliver", widths)
	}
	if !strings.Contains(svg, "0.8%") || !strings.Contains(svg, "50%") {
		t.Errorf("the shares are not said: %s", svg)
	}
	f := newFixture(t, 0)
	if body := f.get("/ladder").Body.String(); !strings.Contains(body, "No one here yet") || strings.Contains(body, "ladder-chart") {
		t.Error("the empty ladder draws bars")
	}
}

// Asks are answered and offers set without a terminal.
func TestAnswerAsksAndSetOffersOnTheWeb(t *testing.T) {
	f := newFixture(t, 3)
	ctx := context.Background()
	p := f.firstPerson()
	res, err := f.app.Ask(ctx, app.AskInput{Ref: p.ID, Action: "reply", Force: true})
	if err != nil || res.ID == nil {
		t.Fatalf("ask: %+v %v", res, err)
	}
	page := f.get("/people/" + p.ID).Body.String()
	if !strings.Contains(page, `action="/asks/`+*res.ID+`/answer"`) {
		t.Fatal("the person page offers no way to answer the open ask")
	}
	if w := f.postForm("/asks/"+*res.ID+"/answer", url.Values{"outcome": {"yes"}}); w.Code != http.StatusSeeOther {
		t.Errorf("answer: %d %s", w.Code, rawText(w.Body.String()))
	}
	if open, _ := f.app.OpenAsks(ctx, p.ID); len(open) != 0 {
		t.Errorf("still open after the answer: %+v", open)
	}
	if w := f.postForm("/settings/offers", url.Values{"add": {"Go code review\nan intro to my hiring network"}}); w.Code != http.StatusSeeOther {
		t.Errorf("offers: %d", w.Code)
	}
	if w := f.postForm("/settings/offers", url.Values{"rm": {"Go code review"}}); w.Code != http.StatusSeeOther {
		t.Errorf("remove an offer: %d", w.Code)
	}
	me, _ := f.app.EditMe(ctx, nil, nil)
	if !slices.Contains(me.Offers, "an intro to my hiring network") || slices.Contains(me.Offers, "Go code review") {
		t.Errorf("offers after the forms: %v", me.Offers)
	}
	if !strings.Contains(f.get("/settings").Body.String(), "an intro to my hiring network") {
		t.Error("settings does not show your offers")
	}
}

// A first day starts somewhere; a plan item can be done with a note and
// minutes of your own, or put off ("Not now": out of plans for a week).
func TestFirstRunAndPlanItemChoices(t *testing.T) {
	if body := newFixture(t, 0).get("/").Body.String(); !strings.Contains(body, "Start here") || !strings.Contains(body, `href="/import"`) {
		t.Error("an empty Today has no way in")
	}
	f := newFixture(t, 40)
	if strings.Contains(f.get("/").Body.String(), "Start here") {
		t.Error("Start here shows with people in the database")
	}
	plan, err := f.app.Plan(context.Background(), true, 0)
	if err != nil || len(plan.Items) < 2 {
		t.Fatalf("plan: %v %v", plan, err)
	}
	it := plan.Items[0]
	w := f.postForm("/plan/done", url.Values{"person": {it.Person.ID}, "kind": {it.LogKind}, "action": {it.Action}, "minutes": {"25"}, "note": {"she starts in May"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("done: %d %s", w.Code, rawText(w.Body.String()))
	}
	d := decodeJSON[app.PersonDetail](t, f.get("/api/v1/people/"+it.Person.ID))
	if len(d.Timeline) == 0 || d.Timeline[0].Minutes != 25 || !strings.Contains(d.Timeline[0].Note, "she starts in May") {
		t.Errorf("done with minutes and a note: %+v", d.Timeline[0])
	}
	other := plan.Items[1].Person
	if w := f.postForm("/people/"+other.ID+"/snooze", url.Values{"back": {"/"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("not now: %d", w.Code)
	}
	after, _ := f.app.Plan(context.Background(), true, 0)
	for _, x := range after.Items {
		if x.Person.ID == other.ID {
			t.Errorf("%s is still planned after Not now", other.Name)
		}
	}
}

// Settings speak words, not keys, and a changed one goes back to its default.
func TestSettingsInWordsWithReset(t *testing.T) {
	f := newFixture(t, 0)
	if w := f.postForm("/settings", url.Values{"cfg.half_life": {"60"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", w.Code, rawText(w.Body.String()))
	}
	body := f.get("/settings").Body.String()
	if !strings.Contains(body, "days for a tie&#39;s depth to halve without contact") || !strings.Contains(body, `name="reset.half_life"`) {
		t.Error("settings show no words or no way back to the default")
	}
	if w := f.postForm("/settings", url.Values{"reset.half_life": {"1"}, "cfg.half_life": {"60"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("reset: %d", w.Code)
	}
	cfg, _ := f.app.Config(context.Background())
	for _, s := range cfg {
		if s.Key == "half_life" && s.Value != s.Default {
			t.Errorf("half_life after reset: %s, default %s", s.Value, s.Default)
		}
	}
}

func TestInitials(t *testing.T) {
	for name, want := range map[string]string{"Ada Lovelace": "AL", "José García": "JG", "Cher": "C", "  ": "?", "Jean-Luc de la Fontaine": "JF", "'t Hooft": "TH", "李 小龙": "李小"} {
		if got := initials(name); got != want {
			t.Errorf("initials(%q) = %q, want %q", name, got, want)
		}
	}
}

// Likely duplicates are listed on the web and merged when you say which to keep.
func TestDupesOnTheWeb(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	ada, _ := f.app.AddPerson(ctx, "Ada Lovelace", app.PersonEdit{AddEmails: []string{"ada@example.com"}})
	adaL, _ := f.app.AddPerson(ctx, "Ada L.", app.PersonEdit{AddTags: []string{"math"}})
	body := f.get("/dupes").Body.String()
	if !strings.Contains(body, "Ada L.") || !strings.Contains(body, `name="keep" value="`+ada.ID+`"`) {
		t.Fatalf("dupes page: %s", rawText(body))
	}
	if w := f.postForm("/dupes/merge", url.Values{"keep": {ada.ID}, "drop": {adaL.ID}}); w.Code != http.StatusSeeOther {
		t.Fatalf("merge: %d %s", w.Code, rawText(w.Body.String()))
	}
	d := decodeJSON[app.PersonDetail](t, f.get("/api/v1/people/"+ada.ID))
	if !slices.Contains(d.Tags, "math") || f.get("/people/"+adaL.ID).Code != 404 {
		t.Errorf("after merging: tags %v", d.Tags)
	}
	if !strings.Contains(f.get("/dupes").Body.String(), "No likely duplicates") {
		t.Error("the pair is still listed")
	}
}

// Trust lines, who knows whom, learning and ways in are all on the web.
func TestNetworkOnTheWeb(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	for _, n := range []string{"Ada Lovelace", "Grace Hopper", "Linus Torvalds"} {
		if _, err := f.app.AddPerson(ctx, n, app.PersonEdit{}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 12 {
		if _, err := f.app.Log(ctx, app.LogInput{Ref: "ada", Kind: "meal", By: "both", At: at(f.app, now.AddDate(0, 0, -7*i-1).Format("2006-01-02"))}); err != nil {
			t.Fatal(err)
		}
	}
	for _, form := range []url.Values{
		{"topic": {"go"}, "person": {"ada"}, "rank": {"1"}},
		{"topic": {"go"}, "person": {"grace"}, "rank": {"1"}, "by": {"ada"}},
	} {
		if w := f.postForm("/network/trust", form); w.Code != http.StatusSeeOther {
			t.Fatalf("trust %v: %d %s", form, w.Code, rawText(w.Body.String()))
		}
	}
	if w := f.postForm("/network/knows", url.Values{"a": {"ada"}, "b": {"linus"}, "strength": {"70"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("knows: %d %s", w.Code, rawText(w.Body.String()))
	}
	body := rawText(f.get("/network?topic=go&intro=linus").Body.String())
	for _, want := range []string{"Grace Hopper", "you → Ada Lovelace → Grace Hopper", "Linus Torvalds", "Add a goal"} {
		if !strings.Contains(strings.Join(strings.Fields(body), " "), want) {
			t.Errorf("the network page lacks %q", want)
		}
	}
	if raw := rawGoValue(f.get("/network?topic=go&intro=linus").Body.String()); raw != "" {
		t.Errorf("raw Go value: %q", raw)
	}
}

// The month's 5 + 5 is shaped on the page: another person in a slot, and
// what you will offer them.
func TestShapeTheAssignmentOnTheWeb(t *testing.T) {
	f := newFixture(t, 60)
	ctx := context.Background()
	v, err := f.app.NewAssignment(ctx, "", 30, true)
	if err != nil || len(v.Slots) == 0 {
		t.Fatalf("assignment: %v %v", v, err)
	}
	taken := map[string]bool{}
	for _, s := range v.Slots {
		taken[s.Person.ID] = true
	}
	var other app.PersonSummary
	for _, p := range decodeJSON[[]app.PersonSummary](t, f.get("/api/v1/people?limit=100")) {
		if !taken[p.ID] {
			other = p
			break
		}
	}
	if w := f.postForm("/assignment/slots/1/swap", url.Values{"person": {other.ID}}); w.Code != http.StatusSeeOther {
		t.Fatalf("swap: %d %s", w.Code, rawText(w.Body.String()))
	}
	if w := f.postForm("/assignment/slots/1/offer", url.Values{"offer": {"review her pitch deck"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("offer: %d %s", w.Code, rawText(w.Body.String()))
	}
	got, _ := f.app.Assignment(ctx)
	if got.Slots[0].Person.ID != other.ID || got.Slots[0].Offer != "review her pitch deck" {
		t.Errorf("slot 1 after the forms: %+v", got.Slots[0])
	}
	if w := f.postForm("/assignment/slots/99/offer", url.Values{"offer": {"x"}}); w.Code != 400 {
		t.Errorf("slot 99: %d", w.Code)
	}
	if body := f.get("/assignment").Body.String(); strings.Contains(body, "rapport assignment") {
		t.Error("the page speaks CLI")
	}
}

// A flash survives a target with a query or a fragment of its own.
func TestFlashKeepsTheTargetsQueryAndFragment(t *testing.T) {
	f := newFixture(t, 0)
	for _, target := range []string{"/network?topic=go", "/settings#offers-h", "/people?q=a&sort=name#add"} {
		u, err := url.Parse(f.srv.flash.url(target, "Saved."))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := url.Parse(target)
		sent := *u
		sent.Fragment = "" // browsers do not send it
		r := httptest.NewRequest("GET", sent.String(), nil)
		if got := f.srv.flash.read(r); got != "Saved." || u.Fragment != want.Fragment || u.Path != want.Path {
			t.Errorf("%s → %s: flash %q", target, u, got)
		}
		for k, v := range want.Query() {
			if u.Query().Get(k) != v[0] {
				t.Errorf("%s → %s: %s lost", target, u, k)
			}
		}
	}
}

// A second assignment while one runs is refused in each front end's words:
// the API names the field, the page's own form starts over by itself.
func TestAssignmentConflictNamesTheField(t *testing.T) {
	f := newFixture(t, 20)
	if w := f.postJSON("/api/v1/assignment", `{"goal":"none"}`); w.Code != 201 && w.Code != 200 {
		t.Fatalf("first assignment: %d %s", w.Code, w.Body.String())
	}
	w := f.postJSON("/api/v1/assignment", `{"goal":"none"}`)
	if e := decodeJSON[map[string]map[string]any](t, w)["error"]; w.Code != 409 || e["field"] != "replace" || strings.Contains(w.Body.String(), "--replace") {
		t.Errorf("second assignment: %d %s", w.Code, w.Body.String())
	}
	if w := f.postJSON("/api/v1/assignment", `{"goal":"none","replace":true}`); w.Code >= 300 {
		t.Errorf("starting over: %d %s", w.Code, w.Body.String())
	}
	if w := f.postForm("/assignment", url.Values{"goal": {"none"}, "replace": {"1"}}); w.Code != 303 {
		t.Errorf("the page's form: %d %s", w.Code, w.Body.String())
	}
}

// A vCard's photo, kept when the import asks for it, is served as the
// picture it is, shown on the person page, and can be removed.
func TestPhotoServedAndRemoved(t *testing.T) {
	f := newFixture(t, 0)
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	var pic bytes.Buffer
	if err := png.Encode(&pic, img); err != nil {
		t.Fatal(err)
	}
	card := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Pia Photo\r\nEMAIL:pia@example.com\r\nPHOTO;ENCODING=b;TYPE=PNG:" + base64.StdEncoding.EncodeToString(pic.Bytes()) + "\r\nEND:VCARD\r\n"
	w := f.do("POST", "/api/v1/import/vcard?photos=1", strings.NewReader(card))
	if sum := decodeJSON[app.ImportSummary](t, w); w.Code != 200 || sum.PhotosAdded != 1 {
		t.Fatalf("import with photos: %d %s", w.Code, w.Body.String())
	}
	d := decodeJSON[app.PersonDetail](t, f.get("/api/v1/people/pia"))
	if !d.Photo {
		t.Fatal("the person has no photo")
	}
	for _, path := range []string{"/people/" + d.ID + "/photo", "/api/v1/people/" + d.ID + "/photo"} {
		w := f.get(path)
		if w.Code != 200 || w.Header().Get("Content-Type") != "image/png" || !bytes.Equal(w.Body.Bytes(), pic.Bytes()) || w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: %d %s, %d bytes", path, w.Code, w.Header().Get("Content-Type"), w.Body.Len())
		}
	}
	if body := f.get("/people/" + d.ID).Body.String(); !strings.Contains(body, `src="/people/`+d.ID+`/photo"`) {
		t.Error("the person page does not show the photo")
	}
	if w := f.postForm("/people/"+d.ID+"/photo/delete", url.Values{}); w.Code != 303 {
		t.Fatalf("remove: %d %s", w.Code, w.Body.String())
	}
	if w := f.get("/people/" + d.ID + "/photo"); w.Code != 404 {
		t.Errorf("after removing: %d", w.Code)
	}
	if body := f.get("/people/" + d.ID).Body.String(); strings.Contains(body, "/photo\"") || !strings.Contains(body, `class="avatar"`) {
		t.Error("the person page still shows a photo, or no initials")
	}
	// Without asking, nothing is kept.
	w = f.do("POST", "/api/v1/import/vcard", strings.NewReader(strings.ReplaceAll(card, "pia@", "pia2@")))
	if sum := decodeJSON[app.ImportSummary](t, w); sum.PhotosAdded != 0 {
		t.Errorf("kept a photo without asking: %+v", sum)
	}
	if w := f.do("DELETE", "/api/v1/people/"+d.ID+"/photo", nil); w.Code != 200 {
		t.Errorf("API delete with no photo: %d", w.Code)
	}
}

// at reads s as the pages read a moment a user typed ("" for nil).
func at(a *app.App, s string) *time.Time {
	if s == "" {
		return nil
	}
	t, err := rapport.ParseTime(s, a.Local())
	if err != nil {
		panic(err)
	}
	return &t
}
