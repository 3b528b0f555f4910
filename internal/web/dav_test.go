package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rapport-app/rapport/internal/app"
)

// davClient signs in to a test server's address book with an app password.
type davClient struct {
	t      *testing.T
	url    string
	secret string
}

func (c *davClient) do(method, path, body string, hdr ...string) (*http.Response, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.url+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.SetBasicAuth("anyone", c.secret)
	if method == "PROPFIND" || method == "REPORT" {
		req.Header.Set("Content-Type", "application/xml; charset=utf-8")
	}
	if method == http.MethodPut {
		req.Header.Set("Content-Type", "text/vcard; charset=utf-8")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func newDav(t *testing.T, f *fixture) (*davClient, *httptest.Server) {
	t.Helper()
	_, secret, err := f.app.CreateAppToken(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(f.srv)
	t.Cleanup(ts.Close)
	return &davClient{t: t, url: ts.URL, secret: secret}, ts
}

const syncReport = `<d:sync-collection xmlns:d="DAV:"><d:sync-token>%s</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`

var syncTokenRE = regexp.MustCompile(`<d:sync-token>([^<]*)</d:sync-token>`)

func hrefs(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<d:href>(/dav/me/contacts/people/[^<]+)</d:href>`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// Only an app password opens the address book, on loopback too: not none,
// not a wrong one, not a revoked one, not the web's own credentials.
func TestAddressBookSignsInWithAppPasswordsOnly(t *testing.T) {
	f := newFixture(t, 3)
	c, _ := newDav(t, f)
	for _, secret := range []string{"", "wrong", strings.Repeat("x", 43)} {
		bad := &davClient{t: t, url: c.url, secret: secret}
		if resp, _ := bad.do("PROPFIND", davBook, ""); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "Basic") {
			t.Errorf("password %q: %d %v", secret, resp.StatusCode, resp.Header)
		}
	}
	if resp, _ := c.do("PROPFIND", davBook, "", "Depth", "0"); resp.StatusCode != http.StatusMultiStatus {
		t.Fatalf("the app password: %d", resp.StatusCode)
	}
	if _, err := f.app.RevokeAppToken(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	if resp, _ := c.do("PROPFIND", davBook, "", "Depth", "0"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a revoked app password: %d", resp.StatusCode)
	}
	// Ten failures in a minute from one address, and it waits.
	bad := &davClient{t: t, url: c.url, secret: "guess"}
	codes := map[int]int{}
	for range 12 {
		resp, _ := bad.do("PROPFIND", davBook, "")
		codes[resp.StatusCode]++
	}
	if codes[http.StatusTooManyRequests] == 0 {
		t.Errorf("twelve wrong passwords: %v", codes)
	}
}

// The book answers a sync token with what changed since (edits, additions,
// deletions as 404s), an unchanged book with nothing, an unknown token with
// valid-sync-token; its ctag moves with it; a stale If-Match is refused; a
// card deleted on a device keeps the person, out of the book, until kept.
func TestAddressBookSyncsChangesOnly(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	for _, n := range []string{"Ada Lovelace", "Grace Hopper"} {
		if _, err := f.app.AddPerson(ctx, n, app.PersonEdit{AddEmails: []string{strings.ToLower(strings.Fields(n)[0]) + "@example.com"}}); err != nil {
			t.Fatal(err)
		}
	}
	c, _ := newDav(t, f)
	report := func(token string) (string, []string) {
		resp, body := c.do("REPORT", davBook, fmt.Sprintf(syncReport, token))
		if resp.StatusCode != http.StatusMultiStatus {
			t.Fatalf("sync-collection %q: %d %s", token, resp.StatusCode, body)
		}
		return syncTokenRE.FindStringSubmatch(body)[1], hrefs(body)
	}
	first, all := report("")
	if len(all) != 2 {
		t.Fatalf("first sync: %v", all)
	}
	if again, none := report(first); again != first || len(none) != 0 {
		t.Errorf("unchanged: token %s → %s, %v", first, again, none)
	}
	_, ctag := c.do("PROPFIND", davBook, `<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><cs:getctag/></d:prop></d:propfind>`, "Depth", "0")
	if !strings.Contains(ctag, "<cs:getctag>"+first+"</cs:getctag>") {
		t.Errorf("ctag %s, want the sync token %s", ctag, first)
	}

	// An edit in Rapport (any way in) shows as that card alone.
	if _, err := f.app.EditPerson(ctx, "ada", app.PersonEdit{AddTags: []string{"math"}}); err != nil {
		t.Fatal(err)
	}
	second, changed := report(first)
	if len(changed) != 1 || second == first {
		t.Fatalf("after an edit: %v (%s → %s)", changed, first, second)
	}
	resp, card := c.do(http.MethodGet, changed[0], "")
	etag := resp.Header.Get("ETag")
	if !strings.Contains(card, "CATEGORIES:math") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/vcard; charset=utf-8") || etag == "" {
		t.Errorf("the edited card: %s %v", card, resp.Header)
	}
	if resp, card := c.do(http.MethodGet, changed[0], "", "Accept", "text/vcard; version=3.0"); !strings.Contains(card, "VERSION:3.0") || resp.StatusCode != 200 {
		t.Errorf("asked for 3.0: %s", card)
	}

	// A device's edit with a stale ETag is refused; with the right one
	// (quoted or not) it lands and keeps what the card does not carry.
	edited := strings.Replace(card, "END:VCARD", "TITLE:Countess\r\nEND:VCARD", 1)
	if resp, _ := c.do(http.MethodPut, changed[0], edited, "If-Match", `"0000"`); resp.StatusCode != http.StatusPreconditionFailed {
		t.Errorf("a stale If-Match: %d", resp.StatusCode)
	}
	if resp, body := c.do(http.MethodPut, changed[0], edited, "If-Match", strings.Trim(etag, `"`)); resp.StatusCode/100 != 2 {
		t.Fatalf("an unquoted If-Match: %d %s", resp.StatusCode, body)
	}
	if d, err := f.app.Show(ctx, "ada"); err != nil || d.Title != "Countess" || len(d.Tags) != 1 {
		t.Errorf("after the device's edit: %+v %v", d, err)
	}

	// A deletion on a device: the person stays, out of the book, until kept.
	third, _ := report(second)
	if resp, _ := c.do(http.MethodDelete, changed[0], ""); resp.StatusCode/100 != 2 {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	fourth, gone := report(third)
	if len(gone) != 1 || gone[0] != changed[0] {
		t.Errorf("after a delete: %v", gone)
	}
	if d, err := f.app.Show(ctx, "ada"); err != nil || d.Title != "Countess" {
		t.Errorf("the person went with the card: %v", err)
	}
	if rm, _ := f.app.DeviceRemovals(ctx); len(rm) != 1 || rm[0].Device != "test" {
		t.Errorf("removals: %+v", rm)
	}
	if _, err := f.app.KeepOnDevices(ctx, "ada"); err != nil {
		t.Fatal(err)
	}
	if _, back := report(fourth); len(back) != 1 || back[0] != changed[0] {
		t.Errorf("kept: %v", back)
	}
	if resp, body := c.do("REPORT", davBook, fmt.Sprintf(syncReport, "urn:rapport:sync:999")); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "valid-sync-token") {
		t.Errorf("an unknown token: %d %s", resp.StatusCode, body)
	}
}

// need finds a program the interop tests drive: a missing one skips them,
// except in CI, where it is installed and they must run.
func need(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not found, and CI must run the address book's interop tests: install Debian's %s package", name, name)
		}
		t.Skipf("%s not found (install Debian's %s package to run this test)", name, name)
	}
	return p
}

// vdirsyncer, a real CardDAV client, finds the book from the server's root
// and syncs it both ways with a folder of vCards; khard reads the folder.
// Creates, edits and deletes on each side arrive on the other, and a second
// sync moves nothing.
func TestVdirsyncerSyncsBothWays(t *testing.T) {
	vdirsyncer, khard := need(t, "vdirsyncer"), need(t, "khard")
	f := newFixture(t, 0)
	ctx := context.Background()
	for _, n := range []string{"Ada Lovelace", "Grace Hopper", "Alan Turing"} {
		if _, err := f.app.AddPerson(ctx, n, app.PersonEdit{AddEmails: []string{strings.ToLower(strings.Fields(n)[0]) + "@example.com"}}); err != nil {
			t.Fatal(err)
		}
	}
	_, secret, err := f.app.CreateAppToken(ctx, "laptop")
	if err != nil {
		t.Fatal(err)
	}
	var writes atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut || r.Method == http.MethodDelete {
			writes.Add(1)
		}
		f.srv.ServeHTTP(w, r)
	}))
	defer ts.Close()
	dir := t.TempDir()
	local := filepath.Join(dir, "contacts")
	cfg := filepath.Join(dir, "config")
	writeFile(t, cfg, fmt.Sprintf(`[general]
status_path = "%s/status/"

[pair contacts]
a = "rapport"
b = "local"
collections = ["from a"]

[storage rapport]
type = "carddav"
url = "%s/"
username = "me"
password = "%s"

[storage local]
type = "filesystem"
path = "%s/"
fileext = ".vcf"
`, dir, ts.URL, secret, local))
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(vdirsyncer, append([]string{"-c", cfg}, args...)...)
		cmd.Stdin = strings.NewReader("y\ny\n")
		cmd.Env = append(os.Environ(), "HOME="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.Contains(string(out), "error:") {
			t.Fatalf("vdirsyncer %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("discover")
	run("sync")
	book := filepath.Join(local, "people")
	files := func() map[string]string {
		out := map[string]string{}
		ents, _ := os.ReadDir(book)
		for _, e := range ents {
			b, _ := os.ReadFile(filepath.Join(book, e.Name()))
			out[e.Name()] = string(b)
		}
		return out
	}
	named := func(name string) string {
		for f, b := range files() {
			if strings.Contains(b, "FN:"+name) {
				return f
			}
		}
		return ""
	}
	if n := len(files()); n != 3 {
		t.Fatalf("first sync: %d cards in the folder", n)
	}
	kconf := filepath.Join(dir, "khard.conf")
	writeFile(t, kconf, "[addressbooks]\n[[rapport]]\npath = "+book+"/\n[general]\ndebug = no\ndefault_action = list\neditor = true\nmerge_editor = true\n")
	khardList := func() string {
		out, err := exec.Command(khard, "-c", kconf, "list").CombinedOutput()
		if err != nil {
			t.Fatalf("khard: %v\n%s", err, out)
		}
		return string(out)
	}
	if l := khardList(); !strings.Contains(l, "Ada Lovelace") || !strings.Contains(l, "grace@example.com") {
		t.Errorf("khard reads:\n%s", l)
	}

	// On the device's side: an edit, a new card, a deletion.
	ada := filepath.Join(book, named("Ada Lovelace"))
	b, _ := os.ReadFile(ada)
	writeFile(t, ada, strings.Replace(string(b), "END:VCARD", "EMAIL:ada@work.example\r\nTITLE:Countess\r\nEND:VCARD", 1))
	writeFile(t, filepath.Join(book, "kj-1.vcf"), "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Katherine Johnson\r\nN:Johnson;Katherine;;;\r\nTEL:+1 555 0199\r\nUID:kj-1\r\nEND:VCARD\r\n")
	if err := os.Remove(filepath.Join(book, named("Grace Hopper"))); err != nil {
		t.Fatal(err)
	}
	run("sync")
	if d, err := f.app.Show(ctx, "ada"); err != nil || d.Title != "Countess" || len(d.Emails) != 2 {
		t.Errorf("the device's edit: %+v %v", d, err)
	}
	if _, err := f.app.Show(ctx, "katherine"); err != nil {
		t.Errorf("the device's new card: %v", err)
	}
	if rm, _ := f.app.DeviceRemovals(ctx); len(rm) != 1 || rm[0].Person.Name != "Grace Hopper" || rm[0].Device != "laptop" {
		t.Errorf("the device's deletion: %+v", rm)
	}

	// On Rapport's side: an edit, a new person, a deletion.
	if _, err := f.app.EditPerson(ctx, "alan", app.PersonEdit{AddTags: []string{"cryptography"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.AddPerson(ctx, "Mary Jackson", app.PersonEdit{AddEmails: []string{"mary@example.com"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.DeletePerson(ctx, "katherine", true); err != nil {
		t.Fatal(err)
	}
	run("sync")
	if !strings.Contains(files()[named("Alan Turing")], "CATEGORIES:cryptography") || named("Mary Jackson") == "" || named("Katherine Johnson") != "" {
		t.Errorf("Rapport's changes did not all arrive:\n%v", files())
	}
	if l := khardList(); !strings.Contains(l, "Mary Jackson") || strings.Contains(l, "Grace Hopper") {
		t.Errorf("khard reads:\n%s", l)
	}

	// Nothing changed: nothing moves.
	before := writes.Load()
	out := run("sync")
	if strings.Contains(out, "Copying") || strings.Contains(out, "Deleting") || writes.Load() != before {
		t.Errorf("a second sync moved something:\n%s", out)
	}
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

// The settings page makes an app password and shows it once (never in a
// URL, not cached), lists devices without their secrets, revokes them, and
// lists the people a device deleted with a way to keep them.
func TestDevicesInTheBrowser(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	if _, err := f.app.AddPerson(ctx, "Ada Lovelace", app.PersonEdit{AddEmails: []string{"ada@example.com"}}); err != nil {
		t.Fatal(err)
	}
	w := f.postForm("/settings/devices", url.Values{"name": {"phone"}})
	secret := regexp.MustCompile(`<code class="secret">([A-Za-z0-9_-]{43})</code>`).FindStringSubmatch(w.Body.String())
	if w.Code != http.StatusOK || secret == nil || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("made: %d %v\n%s", w.Code, w.Header(), w.Body)
	}
	if tok, ok, err := f.app.CheckAppToken(ctx, secret[1]); err != nil || !ok || tok.Name != "phone" {
		t.Fatalf("the password shown does not sign in: %v %v", ok, err)
	}
	page := f.get("/settings").Body.String()
	if strings.Contains(page, secret[1]) || !strings.Contains(page, ">phone</th>") {
		t.Errorf("the settings page shows the secret again, or not the device")
	}
	// A device deletes Ada's card: she waits on the settings page.
	c, _ := newDav(t, f)
	_, body := c.do("PROPFIND", davBook, "", "Depth", "1")
	if resp, _ := c.do(http.MethodDelete, hrefs(body)[0], ""); resp.StatusCode/100 != 2 {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	page = f.get("/settings").Body.String()
	if !strings.Contains(page, "Deleted on a device") || !strings.Contains(page, "Keep Ada Lovelace on your devices") {
		t.Errorf("the deletion is not on the settings page")
	}
	d, _ := f.app.Show(ctx, "ada")
	if w := f.postForm("/people/"+d.ID+"/keep", url.Values{}); w.Code != http.StatusSeeOther {
		t.Errorf("keep: %d", w.Code)
	}
	if rm, _ := f.app.DeviceRemovals(ctx); len(rm) != 0 {
		t.Errorf("still removed: %+v", rm)
	}
	toks, _ := f.app.AppTokens(ctx)
	for _, tk := range toks {
		if tk.Name == "phone" {
			if w := f.postForm("/settings/devices/"+tk.ID+"/revoke", url.Values{}); w.Code != http.StatusSeeOther {
				t.Errorf("revoke: %d", w.Code)
			}
		}
	}
	if _, ok, _ := f.app.CheckAppToken(ctx, secret[1]); ok {
		t.Error("a revoked password still signs in")
	}
}
