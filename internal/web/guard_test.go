package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
)

// A page on another site whose name resolves to 127.0.0.1 reaches the
// loopback server with its own name as Host (and as Origin, so the
// cross-origin check passes): it must read and change nothing.
func TestLoopbackAnswersOnlyToItsOwnNames(t *testing.T) {
	f := newFixture(t, 20)
	n := f.count()
	evil := []string{"Host", "rebind.attacker.example:7474"}
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/backup", ""}, {"GET", "/export/json", ""}, {"GET", "/api/v1/people", ""}, {"GET", "/", ""},
		{"POST", "/api/v1/people", `{"name":"Mallory"}`}, {"GET", "/static/app.css", ""},
	} {
		w := f.do(c.method, c.path, strings.NewReader(c.body), append(evil, "Content-Type", "application/json",
			"Origin", "http://rebind.attacker.example:7474", "Sec-Fetch-Site", "same-origin")...)
		if w.Code != http.StatusMisdirectedRequest || strings.Contains(w.Body.String(), "SQLite") || strings.Contains(w.Body.String(), `"people"`) {
			t.Errorf("%s %s with a foreign Host: %d %.80q", c.method, c.path, w.Code, w.Body.String())
		}
	}
	if f.count() != n {
		t.Fatalf("a rebound request added people: %d, then %d", n, f.count())
	}
	for _, host := range []string{"localhost:7474", "127.0.0.1:7474", "[::1]:7474", "LOCALHOST:80", "127.0.0.1", "localhost"} {
		if w := f.do("GET", "/api/v1/people", nil, "Host", host); w.Code != http.StatusOK {
			t.Errorf("Host %s: %d", host, w.Code)
		}
	}
	for _, host := range []string{"127.0.0.1.nip.io:7474", "localhost.attacker.example", "[::2]:7474", "0.0.0.0:7474", ""} {
		if w := f.do("GET", "/api/v1/people", nil, "Host", host); w.Code != http.StatusMisdirectedRequest {
			t.Errorf("Host %q: %d", host, w.Code)
		}
	}
}

func TestOffLoopbackNeedsAuthentication(t *testing.T) {
	f := newFixture(t, 0)
	if _, err := New(context.Background(), f.app, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{}); err == nil {
		t.Fatal("a server off loopback without authentication was made")
	}
}

// tokenFixture is a server reachable from the network, with a token.
func tokenFixture(t *testing.T, clock func() time.Time) (*fixture, string) {
	t.Helper()
	f := newFixture(t, 10)
	tok, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), f.app, slog.New(slog.NewTextHandler(io.Discard, nil)),
		Options{Auth: NewTokenAuth(HashToken(tok), clock)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f.srv = s
	return f, tok
}

func TestTokenGuardsEveryRouteButLogin(t *testing.T) {
	clock := time.Now()
	f, tok := tokenFixture(t, func() time.Time { return clock })
	n := f.count()
	lan := []string{"Host", "192.168.1.20:7474"}
	// Without the token: 401 everywhere, writes included, and nothing changes.
	for _, path := range []string{"/", "/people", "/backup", "/export/json", "/settings", "/api/v1/people", "/api/v1/openapi.json", "/nowhere"} {
		w := f.do("GET", path, nil, lan...)
		if w.Code != http.StatusUnauthorized || strings.Contains(w.Body.String(), "SQLite") {
			t.Errorf("GET %s without the token: %d", path, w.Code)
		}
	}
	w := f.do("POST", "/api/v1/people", strings.NewReader(`{"name":"Mallory"}`), append(lan, "Content-Type", "application/json")...)
	if w.Code != http.StatusUnauthorized || w.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("API write without the token: %d %v", w.Code, w.Header())
	}
	w = f.do("POST", "/people", strings.NewReader("name=Mallory"), append(lan, "Content-Type", "application/x-www-form-urlencoded")...)
	if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), `action="/login"`) {
		t.Errorf("form write without the token: %d", w.Code)
	}
	w = f.do("GET", "/api/v1/people", nil, append(lan, "Authorization", "Bearer not-the-token")...)
	if w.Code != http.StatusUnauthorized {
		t.Errorf("a wrong bearer token: %d", w.Code)
	}
	if f.count() != n {
		t.Fatal("a request without the token changed the data")
	}
	// The login page and its assets are open.
	for _, path := range []string{"/login", "/static/app.css"} {
		if w := f.do("GET", path, nil, lan...); w.Code != http.StatusOK {
			t.Errorf("GET %s: %d", path, w.Code)
		}
	}
	// API clients: the bearer token.
	w = f.do("POST", "/api/v1/people", strings.NewReader(`{"name":"Trent"}`), append(lan, "Content-Type", "application/json", "Authorization", "Bearer "+tok)...)
	if w.Code != http.StatusCreated || f.count() != n+1 {
		t.Fatalf("API write with the token: %d %s", w.Code, w.Body)
	}
	// Browsers: a wrong token is refused, the right one sets a strict session cookie.
	login := func(token string, extra ...string) *http.Response {
		w := f.do("POST", "/login", strings.NewReader(url.Values{"token": {token}, "next": {"/people"}}.Encode()),
			append(append(lan, "Content-Type", "application/x-www-form-urlencoded"), extra...)...)
		return w.Result()
	}
	if res := login("guess"); res.StatusCode != http.StatusUnauthorized || len(res.Cookies()) != 0 {
		t.Fatalf("a wrong token at /login: %d %v", res.StatusCode, res.Cookies())
	}
	res := login(tok)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/people" || len(res.Cookies()) != 1 {
		t.Fatalf("login: %d %q %v", res.StatusCode, res.Header.Get("Location"), res.Cookies())
	}
	c := res.Cookies()[0]
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure {
		t.Errorf("session cookie over plain HTTP: %+v", c)
	}
	if strings.Contains(c.Value, tok) {
		t.Error("the session cookie holds the token")
	}
	if res := login(tok, "X-Forwarded-Proto", "https"); !res.Cookies()[0].Secure {
		t.Error("a session cookie over HTTPS is not Secure")
	}
	cookie := []string{"Cookie", c.Name + "=" + c.Value}
	if w := f.do("GET", "/people", nil, append(lan, cookie...)...); w.Code != http.StatusOK {
		t.Errorf("with the session cookie: %d", w.Code)
	}
	forged := []byte(c.Value)
	forged[5] ^= 1
	if w := f.do("GET", "/people", nil, append(lan, "Cookie", c.Name+"="+string(forged))...); w.Code != http.StatusUnauthorized {
		t.Errorf("a tampered session cookie: %d", w.Code)
	}
	clock = clock.Add(sessionFor + time.Minute)
	if w := f.do("GET", "/people", nil, append(lan, cookie...)...); w.Code != http.StatusUnauthorized {
		t.Errorf("an expired session cookie: %d", w.Code)
	}
	// A login must not send the browser elsewhere.
	w = f.do("POST", "/login", strings.NewReader(url.Values{"token": {tok}, "next": {`/\evil.example`}}.Encode()),
		append(lan, "Content-Type", "application/x-www-form-urlencoded")...)
	if loc := w.Header().Get("Location"); loc != "/" {
		t.Errorf("login next=/\\evil.example went to %q", loc)
	}
	// Guessing is slowed: after ten wrong tokens in a minute, even the right
	// one waits.
	for range 10 {
		login("guess")
	}
	if res := login(tok); res.StatusCode != http.StatusTooManyRequests || len(res.Cookies()) != 0 {
		t.Errorf("the eleventh try in a minute: %d", res.StatusCode)
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/people/1?x=y": "/people/1?x=y", "/": "/", "": "/", "//evil.example": "/", `/\evil.example`: "/",
		"https://evil.example/": "/", "javascript:alert(1)": "/", "people": "/", "/%2F%2Fevil": "/%2F%2Fevil",
		"/a\r\nLocation: x": "/", `\\evil.example`: "/",
	} {
		if got := localPath(in, "/"); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFlashOnlyShowsWhatTheServerSaid(t *testing.T) {
	f := newFixture(t, 5)
	if w := f.get("/?flash=" + url.QueryEscape("Your account is locked: call +1 555 0100")); strings.Contains(w.Body.String(), "account is locked") {
		t.Error("an unsigned flash was shown")
	}
	if w := f.get(f.srv.flash.url("/", "Goal added.")); !strings.Contains(w.Body.String(), "Goal added.") {
		t.Error("the server's own flash was not shown")
	}
	signed := f.srv.flash.url("/", "Goal added.")
	if w := f.get(strings.Replace(signed, "Goal", "Evil", 1)); strings.Contains(w.Body.String(), "Evil added") {
		t.Error("a flash with another text under the same signature was shown")
	}
	// A follow-up done with back=/\evil stays on this site.
	id := f.addFollowup()
	w := f.postForm("/followups/"+id+"/done", url.Values{"back": {`/\evil.example`}})
	if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/?") {
		t.Errorf("back=/\\evil: %d %q", w.Code, loc)
	}
}

// addFollowup adds a follow-up on the strongest person and returns its id.
func (f *fixture) addFollowup() string {
	f.t.Helper()
	ix, err := f.app.PeopleIndex(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	list, _ := ix.Find(app.PeopleFilter{Sort: "strength", Limit: 1})
	fu, err := f.app.AddFollowup(context.Background(), list[0].ID, "send the deck", at(f.app, "2026-11-30"))
	if err != nil {
		f.t.Fatal(err)
	}
	return fu.ID
}

func TestWrongMethodsAndDirectories(t *testing.T) {
	f := newFixture(t, 0)
	w := f.do("DELETE", "/ladder", nil)
	if w.Code != http.StatusMethodNotAllowed || !strings.Contains(w.Header().Get("Allow"), "GET") {
		t.Errorf("DELETE /ladder: %d Allow %q", w.Code, w.Header().Get("Allow"))
	}
	w = f.do("PUT", "/api/v1/people", strings.NewReader("{}"), "Content-Type", "application/json")
	if w.Code != http.StatusMethodNotAllowed || !strings.Contains(w.Header().Get("Allow"), "POST") || !strings.Contains(w.Body.String(), `"error"`) {
		t.Errorf("PUT /api/v1/people: %d Allow %q %s", w.Code, w.Header().Get("Allow"), w.Body)
	}
	if w := f.get("/no/such/page"); w.Code != http.StatusNotFound {
		t.Errorf("an unknown page: %d", w.Code)
	}
	if w := f.do("POST", "/no/such/page", nil); w.Code != http.StatusNotFound {
		t.Errorf("a post to an unknown page: %d", w.Code)
	}
	for _, p := range []string{"/static/", "/static"} {
		if w := f.get(p); w.Code == http.StatusOK || strings.Contains(w.Body.String(), "app.js") {
			t.Errorf("GET %s lists the assets: %d", p, w.Code)
		}
	}
	if w := f.get("/static/app.js"); w.Code != http.StatusOK {
		t.Errorf("an asset: %d", w.Code)
	}
}

// The import form takes files up to the upload limit, not the form limit,
// and its errors name the file, not where the server put it.
func TestImportFormTakesLargeFilesAndHidesPaths(t *testing.T) {
	f := newFixture(t, 0)
	var card bytes.Buffer
	for i := 0; card.Len() < 3<<20; i++ {
		fmt.Fprintf(&card, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person %d\r\nEMAIL:p%d@example.com\r\nNOTE:%s\r\nEND:VCARD\r\n", i, i, strings.Repeat("x", 200))
	}
	upload := func(name string, data []byte) *bytes.Buffer {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("source", "vcard")
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
		mw.Close()
		w := f.do("POST", "/import", &b, "Content-Type", mw.FormDataContentType())
		if name == "big.vcf" && w.Code != http.StatusOK {
			t.Fatalf("a 3 MB upload: %d %s", w.Code, w.Body)
		}
		return w.Body
	}
	upload("big.vcf", card.Bytes())
	if f.count() < 1000 {
		t.Fatalf("a 3 MB upload imported %d people", f.count())
	}
	body := upload("broken.vcf", []byte("BEGIN:VCARD\nVERSION:3.0\nFN:Broken\n"))
	if strings.Contains(body.String(), os.TempDir()) || strings.Contains(body.String(), "rapport-import-") {
		t.Errorf("an import error shows a server path: %s", body)
	}
}

func TestBusyIsServiceUnavailable(t *testing.T) {
	f := newFixture(t, 0)
	busy := rapport.Errorf(rapport.EBUSY, "the database is busy (another rapport is writing): try again")
	if status(busy) != http.StatusServiceUnavailable {
		t.Fatalf("busy maps to %d", status(busy))
	}
	w := httptest.NewRecorder()
	f.srv.fail(w, httptest.NewRequest("POST", "/people", nil), busy)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Errorf("a busy page: %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	w = httptest.NewRecorder()
	apiError(w, status(busy), busy)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), `"busy"`) {
		t.Errorf("a busy API call: %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
}
