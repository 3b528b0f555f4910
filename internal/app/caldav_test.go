package app

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// radicale serves CalDAV on a free loopback port from a temporary folder,
// accepting any user; it stops with the test.
func radicale(t *testing.T) string {
	t.Helper()
	radicaleBin := need(t, "radicale", "radicale")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	conf := filepath.Join(dir, "config")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf("[server]\nhosts = %s\n[auth]\ntype = none\n[storage]\nfilesystem_folder = %s/collections\n[logging]\nlevel = warning\n", addr, dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(radicaleBin, "--config", conf)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("radicale did not listen on %s", addr)
		}
	}
	return "http://" + addr
}

func davDo(t *testing.T, method, url, contentType, body string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("pat", "x")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %d", method, url, resp.StatusCode)
	}
}

// vevent is one meeting of pat's with the attendees.
func vevent(uid, summary string, at time.Time, attendees ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:%s\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:%s\r\nORGANIZER;CN=Pat:mailto:pat@example.com\r\n",
		uid, at.Format("20060102T150405Z"), at.Format("20060102T150405Z"), at.Add(time.Hour).Format("20060102T150405Z"), summary)
	for _, a := range append([]string{"Pat <pat@example.com>"}, attendees...) {
		name, mail, _ := strings.Cut(strings.TrimSuffix(a, ">"), " <")
		fmt.Fprintf(&b, "ATTENDEE;CN=%s;PARTSTAT=ACCEPTED:mailto:%s\r\n", name, mail)
	}
	b.WriteString("END:VEVENT\r\n")
	return b.String()
}

func vcalendar(events ...string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Rapport test//EN\r\n" + strings.Join(events, "") + "END:VCALENDAR\r\n"
}

// CalDAV capture of a calendar served by Radicale is the ICS import of the
// same events; an event added after the first sync is all the next one
// fetches, and an unchanged calendar fetches nothing.
func TestCalDAVSyncEqualsTheICSImport(t *testing.T) {
	ctx := context.Background()
	base := radicale(t)
	davDo(t, "MKCALENDAR", base+"/pat/work/", "", "")
	events := []string{
		vevent("e1@example.com", "Plan the launch", now.AddDate(0, 0, -10), "Ada Lovelace <ada@example.com>", "Grace Hopper <grace@example.com>"),
		vevent("e2@example.com", "Lunch", now.AddDate(0, 0, -5), "Grace Hopper <grace@example.com>"),
		vevent("e3@example.com", "Next quarter", now.AddDate(0, 0, 20), "Ada Lovelace <ada@example.com>"),
	}
	for i, e := range events {
		davDo(t, http.MethodPut, fmt.Sprintf("%s/pat/work/e%d.ics", base, i+1), "text/calendar; charset=utf-8", vcalendar(e))
	}
	file := filepath.Join(t.TempDir(), "work.ics")
	if err := os.WriteFile(file, []byte(vcalendar(events...)), 0o644); err != nil {
		t.Fatal(err)
	}
	imported := newApp(t, now)
	must[*ImportSummary](t)(imported.ImportFiles(ctx, ImportRequest{Source: "ics", Paths: []string{file}, Me: []string{"pat@example.com"}}))
	synced := newApp(t, now)
	url := strings.Replace(base, "http://", "http://pat@", 1) + "/pat/"
	in := DAVSync{URL: url, Me: []string{"pat@example.com"}, Password: "x"}
	sum := must[*SyncSummary](t)(synced.SyncCalDAV(ctx, in))
	if len(sum.Folders) != 1 || sum.Folders[0].Read != 3 || sum.InteractionsCreated == 0 {
		t.Errorf("first sync: %+v", sum)
	}
	want, got := history(t, imported), history(t, synced)
	if strings.Join(want, "\n") != strings.Join(got, "\n") {
		t.Errorf("the CalDAV capture differs from the ICS import:\n got %q\nwant %q", got, want)
	}
	if strings.Contains(strings.Join(got, "\n"), "Next quarter") {
		t.Error("an event after now was captured")
	}

	davDo(t, http.MethodPut, base+"/pat/work/e4.ics", "text/calendar; charset=utf-8", vcalendar(vevent("e4@example.com", "Coffee", now.AddDate(0, 0, -1), "Alan Turing <alan@example.com>")))
	sum = must[*SyncSummary](t)(synced.SyncCalDAV(ctx, in))
	if sum.Folders[0].Read != 1 || sum.InteractionsCreated != 1 {
		t.Errorf("after one new event: %+v", sum)
	}
	if sum = must[*SyncSummary](t)(synced.SyncCalDAV(ctx, in)); sum.Folders[0].Read != 0 || sum.InteractionsCreated != 0 {
		t.Errorf("nothing new: %+v", sum)
	}
	srcs := must[[]SyncSource](t)(synced.SyncSources(ctx))
	if len(srcs) != 1 || srcs[0].Kind != "caldav" || srcs[0].LastError != "" {
		t.Errorf("sources: %+v", srcs)
	}
}

// An address book pulled over CardDAV from Radicale is the vCard import of
// the same cards; a card changed there is all the next pull reads, and it
// lands on the person it names.
func TestCardDAVPullEqualsTheVCardImport(t *testing.T) {
	ctx := context.Background()
	base := radicale(t)
	davDo(t, "MKCOL", base+"/pat/team/", "application/xml", `<?xml version="1.0"?><d:mkcol xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav"><d:set><d:prop><d:resourcetype><d:collection/><c:addressbook/></d:resourcetype></d:prop></d:set></d:mkcol>`)
	cards := []string{
		"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c1\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\nEMAIL:ada@example.com\r\nORG:Analytical Engines\r\nCATEGORIES:math\r\nEND:VCARD\r\n",
		"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c2\r\nFN:Grace Hopper\r\nN:Hopper;Grace;;;\r\nTEL:+1 555 0100\r\nEND:VCARD\r\n",
	}
	for i, c := range cards {
		davDo(t, http.MethodPut, fmt.Sprintf("%s/pat/team/c%d.vcf", base, i+1), "text/vcard; charset=utf-8", c)
	}
	file := filepath.Join(t.TempDir(), "team.vcf")
	if err := os.WriteFile(file, []byte(strings.Join(cards, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	imported := newApp(t, now)
	must[*ImportSummary](t)(imported.ImportFiles(ctx, ImportRequest{Source: "vcard", Paths: []string{file}}))
	pulled := newApp(t, now)
	in := DAVSync{URL: strings.Replace(base, "http://", "http://pat@", 1) + "/pat/", Password: "x"}
	sum := must[*SyncSummary](t)(pulled.SyncCardDAV(ctx, in))
	if sum.PeopleCreated != 2 || len(sum.Folders) != 1 || sum.Folders[0].Read != 2 {
		t.Errorf("first pull: %+v", sum)
	}
	people := func(a *App) string {
		var out []string
		for _, p := range must[[]PersonSummary](t)(a.People(ctx, PeopleFilter{Sort: "name"})) {
			d := must[*PersonDetail](t)(a.Show(ctx, p.ID))
			out = append(out, fmt.Sprintf("%s %s %v %v %v", d.Name, d.Org, d.Emails, d.Phones, d.Tags))
		}
		return strings.Join(out, "\n")
	}
	if got, want := people(pulled), people(imported); got != want {
		t.Errorf("the pull differs from the import:\n got %s\nwant %s", got, want)
	}
	davDo(t, http.MethodPut, base+"/pat/team/c2.vcf", "text/vcard; charset=utf-8", strings.Replace(cards[1], "END:VCARD", "EMAIL:grace@navy.example\r\nEND:VCARD", 1))
	if sum = must[*SyncSummary](t)(pulled.SyncCardDAV(ctx, in)); sum.Folders[0].Read != 1 || sum.PeopleCreated != 0 {
		t.Errorf("after one change: %+v", sum)
	}
	if d := must[*PersonDetail](t)(pulled.Show(ctx, "grace")); len(d.Emails) != 1 || d.Emails[0] != "grace@navy.example" {
		t.Errorf("the change did not land on Grace: %+v", d.Emails)
	}
	if sum = must[*SyncSummary](t)(pulled.SyncCardDAV(ctx, in)); sum.Folders[0].Read != 0 {
		t.Errorf("nothing changed: %+v", sum)
	}
}
