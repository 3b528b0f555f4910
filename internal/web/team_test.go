package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
	"github.com/rapport-app/rapport/internal/store/pgtest"
)

// A workspace's server lets in its members only: a personal token for the
// API, a sign-in link (once) for the browser; loopback is no way in.
func TestTeamServerSignsMembersIn(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	f := newFixture(t, 0)
	ctx := context.Background()
	inv, err := f.app.TeamInit(ctx, "Acme Partners", "pat@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := f.app.TeamToken(ctx, "Acme Partners", "pat@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	s := f.teamServer()
	get := func(path string, hdr ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1"+path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		return w
	}
	if w := get("/api/v1/people"); w.Code != http.StatusUnauthorized {
		t.Errorf("no credentials, on loopback: %d", w.Code)
	}
	if w := get("/api/v1/people", "Authorization", "Bearer "+tok); w.Code != http.StatusOK {
		t.Errorf("a member's token: %d %s", w.Code, w.Body)
	}
	req := httptest.NewRequest("PROPFIND", "http://127.0.0.1"+davBook, nil)
	req.SetBasicAuth("pat", tok)
	req.Header.Set("Depth", "0")
	dav := httptest.NewRecorder()
	s.ServeHTTP(dav, req)
	if dav.Code != http.StatusMultiStatus {
		t.Errorf("the address book with a member's token: %d", dav.Code)
	}
	if w := get("/api/v1/me", "Authorization", "Bearer "+tok); !strings.Contains(w.Body.String(), `"email": "pat@acme.example"`) || !strings.Contains(w.Body.String(), `"role": "owner"`) {
		t.Errorf("me: %d %s", w.Code, w.Body)
	}
	if w := get("/api/v1/people", "Authorization", "Bearer "+strings.TrimPrefix(inv.Link, "/signin/")); w.Code != http.StatusUnauthorized {
		t.Errorf("a sign-in link as a token: %d", w.Code)
	}
	w := get(inv.Link)
	cookie := w.Header().Get("Set-Cookie")
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(cookie, sessionCookie+"=") {
		t.Fatalf("the sign-in link: %d %q", w.Code, cookie)
	}
	if w := get("/", "Cookie", strings.Split(cookie, ";")[0]); w.Code != http.StatusOK {
		t.Errorf("the session: %d", w.Code)
	}
	if w := get("/", "Cookie", sessionCookie+"=forged"); w.Code != http.StatusUnauthorized {
		t.Errorf("a forged session: %d", w.Code)
	}
	if w := get(inv.Link); w.Code != http.StatusUnauthorized || w.Header().Get("Set-Cookie") != "" {
		t.Errorf("the link a second time: %d", w.Code)
	}
	// An app password Pat makes for his phone (as /settings offers) opens
	// his address book, not the API, and stops when he revokes it; it is
	// listed among his devices, not a teammate's.
	acme, err := f.app.Workspace(ctx, inv.Member.Workspace.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer acme.Close()
	asPat := app.WithMember(ctx, &inv.Member)
	_, phone, err := acme.CreateAppToken(asPat, "phone")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := acme.CreateAppToken(asPat, "phone"); rapport.ErrorCode(err) != rapport.ECONFLICT {
		t.Errorf("a second phone of the same name: %v", err)
	}
	book := func(secret string) int {
		req := httptest.NewRequest("PROPFIND", "http://127.0.0.1"+davBook, nil)
		req.SetBasicAuth("anyone", secret)
		req.Header.Set("Depth", "0")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		return w.Code
	}
	if code := book(phone); code != http.StatusMultiStatus {
		t.Errorf("the address book with pat's phone's app password: %d", code)
	}
	if w := get("/api/v1/people", "Authorization", "Bearer "+phone); w.Code != http.StatusUnauthorized {
		t.Errorf("an app password as an API token: %d", w.Code)
	}
	ann, err := f.app.TeamInvite(ctx, "Acme Partners", "ann@acme.example", "member")
	if err != nil {
		t.Fatal(err)
	}
	if l, err := acme.AppTokens(app.WithMember(ctx, &ann.Member)); err != nil || len(l) != 0 {
		t.Errorf("ann's devices: %+v %v", l, err)
	}
	if _, err := acme.RevokeAppToken(app.WithMember(ctx, &ann.Member), "phone"); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("ann revoked pat's phone: %v", err)
	}
	l, err := acme.AppTokens(asPat)
	if err != nil || len(l) != 1 || l[0].Name != "phone" || l[0].Used == nil {
		t.Fatalf("pat's devices: %+v %v", l, err)
	}
	if _, err := acme.RevokeAppToken(asPat, l[0].ID); err != nil {
		t.Fatal(err)
	}
	if code := book(phone); code != http.StatusUnauthorized {
		t.Errorf("the address book with a revoked app password: %d", code)
	}
}

// Off a team's server no one is a member: /api/v1/me says so.
func TestMeIsNullForOnePerson(t *testing.T) {
	f := newFixture(t, 0)
	if w := f.get("/api/v1/me"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"member": null`) {
		t.Errorf("me: %d %s", w.Code, w.Body)
	}
}

// An owner invites from the settings page and sees the link once; a member
// cannot invite.
func TestTeamInvitesFromTheBrowser(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	f := newFixture(t, 0)
	ctx := context.Background()
	owner, err := f.app.TeamInit(ctx, "Acme Partners", "Pat <pat@acme.example>")
	if err != nil {
		t.Fatal(err)
	}
	s := f.teamServer()
	do := func(method, path, cookie, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "http://127.0.0.1"+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		return w
	}
	signIn := func(link string) string {
		w := do(http.MethodGet, link, "", "")
		return strings.Split(w.Header().Get("Set-Cookie"), ";")[0]
	}
	pat := signIn(owner.Link)
	if page := do(http.MethodGet, "/settings", pat, "").Body.String(); !strings.Contains(page, "owner of this workspace") || !strings.Contains(page, `action="/settings/members"`) {
		t.Fatalf("the owner's settings page has no members section")
	}
	w := do(http.MethodPost, "/settings/members", pat, "email=ann%40acme.example&role=member")
	link := regexp.MustCompile(`<code class="secret">http://127\.0\.0\.1(/signin/[A-Za-z0-9_-]{43})</code>`).FindStringSubmatch(w.Body.String())
	if w.Code != http.StatusOK || link == nil || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("invite: %d %s", w.Code, w.Body)
	}
	ann := signIn(link[1])
	if page := do(http.MethodGet, "/settings", ann, "").Body.String(); strings.Contains(page, `action="/settings/members"`) || !strings.Contains(page, "ann@acme.example, member") {
		t.Errorf("a member's settings page offers to invite, or does not name them")
	}
	if w := do(http.MethodPost, "/settings/members", ann, "email=bob%40acme.example&role=admin"); w.Code < 400 {
		t.Errorf("a member invited: %d", w.Code)
	}
	if ms, _ := f.app.Members(ctx, owner.Member.Workspace.ID); len(ms) != 2 {
		t.Errorf("members: %+v", ms)
	}
	// Ann sets a password, then signs in with it (and not with a wrong one).
	if w := do(http.MethodPost, "/settings/password", ann, "password=short"); w.Code < 400 {
		t.Errorf("a short password: %d", w.Code)
	}
	if w := do(http.MethodPost, "/settings/password", ann, "password=a+long+enough+phrase"); w.Code != http.StatusSeeOther {
		t.Fatalf("set a password: %d %s", w.Code, w.Body)
	}
	if w := do(http.MethodPost, "/login", "", "email=ann%40acme.example&password=a+long+enough+phras"); w.Code != http.StatusUnauthorized {
		t.Errorf("a wrong password: %d", w.Code)
	}
	w = do(http.MethodPost, "/login", "", "email=ANN%40acme.example&password=a+long+enough+phrase&next=%2Fpeople")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/people" || !strings.HasPrefix(w.Header().Get("Set-Cookie"), sessionCookie+"=") {
		t.Errorf("sign in with the password: %d %v", w.Code, w.Header())
	}
	// A touch Ann logs from the person page counts for her: the page ranks
	// who on the team knows them.
	acme, err := f.app.Workspace(ctx, owner.Member.Workspace.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer acme.Close()
	d, err := acme.AddPerson(ctx, "Xavier Xu", app.PersonEdit{})
	if err != nil {
		t.Fatal(err)
	}
	if w := do(http.MethodPost, "/people/"+d.ID+"/log", ann, "kind=meal&at=2026-11-20"); w.Code != http.StatusSeeOther {
		t.Fatalf("log: %d %s", w.Code, w.Body)
	}
	page := do(http.MethodGet, "/people/"+d.ID, pat, "").Body.String()
	if !strings.Contains(page, "Who on your team knows them") || !strings.Contains(page, "ann@acme.example") {
		t.Errorf("the person page does not say who on the team knows them")
	}
	// Each sees their own tie: Ann met Xavier, Pat never did, in the
	// person's JSON and in the (cached) list of people alike.
	strength := func(cookie, path string) string {
		body := do(http.MethodGet, path, cookie, "").Body.String()
		m := regexp.MustCompile(`"strength": ([0-9.]+)`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no strength in %s", path, body)
		}
		return m[1]
	}
	for _, path := range []string{"/api/v1/people/" + d.ID, "/api/v1/people?q=xavier"} {
		if a, p := strength(ann, path), strength(pat, path); a == "0" || p != "0" {
			t.Errorf("%s: ann's strength %s, pat's %s (want ann's > 0, pat's 0)", path, a, p)
		}
	}
	// What Ann's interactions say is hers until she shares it from her
	// settings: Pat sees that she called, then what about.
	if w := do(http.MethodPost, "/people/"+d.ID+"/log", ann, "kind=call&at=2026-11-21&note=the+Series+A+terms"); w.Code != http.StatusSeeOther {
		t.Fatalf("log: %d %s", w.Code, w.Body)
	}
	if page := do(http.MethodGet, "/people/"+d.ID, pat, "").Body.String(); strings.Contains(page, "Series A") || !strings.Contains(page, `<strong>call</strong> <span class="sub">ann's</span>`) {
		t.Errorf("pat's view of ann's call, before she shares: %v", strings.Contains(page, "Series A"))
	}
	if page := do(http.MethodGet, "/settings", ann, "").Body.String(); !strings.Contains(page, `action="/settings/share"`) || strings.Contains(page, `value="on" checked`) {
		t.Errorf("ann's settings page offers no sharing, or has it on")
	}
	if w := do(http.MethodPost, "/settings/share", ann, "content=on"); w.Code != http.StatusSeeOther {
		t.Fatalf("share: %d %s", w.Code, w.Body)
	}
	if page := do(http.MethodGet, "/people/"+d.ID, pat, "").Body.String(); !strings.Contains(page, "the Series A terms") {
		t.Errorf("pat does not see what ann's call said once she shares it")
	}
	if page := do(http.MethodGet, "/settings", ann, "").Body.String(); !strings.Contains(page, `value="on" checked`) {
		t.Errorf("ann's settings page does not show her sharing")
	}
}

// teamServer is a team's server on the fixture's database (its members
// sign in; closed after the test).
func (f *fixture) teamServer() *Server {
	f.t.Helper()
	ctx := context.Background()
	auth, err := NewTeamAuth(ctx, f.app, func() time.Time { return now })
	if err != nil {
		f.t.Fatal(err)
	}
	s, err := New(ctx, f.app, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Loopback: true, Auth: auth})
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { s.Close() })
	return s
}
