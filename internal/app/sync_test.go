package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
)

// need finds a program the interop tests run: a missing one skips them,
// except in CI, where it is installed and they must run.
func need(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		// Daemons live in /usr/sbin, which a user's PATH may leave out.
		if _, serr := os.Stat("/usr/sbin/" + name); serr == nil {
			return "/usr/sbin/" + name
		}
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not found, and CI must run the sync tests: install Debian's %s package", name, pkg)
		}
		t.Skipf("%s not found (install Debian's %s package to run this test)", name, pkg)
	}
	return p
}

// message writes one mail file into a Maildir folder.
func message(t *testing.T, dir, name, from, to, subject, id string, at time.Time, extra ...string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	h := []string{"From: " + from, "To: " + to, "Subject: " + subject, "Message-ID: <" + id + ">", "Date: " + at.Format(time.RFC1123Z)}
	h = append(h, extra...)
	body := strings.Join(h, "\r\n") + "\r\n\r\nHello.\r\n"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o666); err != nil {
		t.Fatal(err)
	}
}

// mailFixture is a mailbox of pat@example.com: what they sent, what came in.
func mailFixture(t *testing.T, root string) {
	d := func(days int) time.Time { return now.AddDate(0, 0, -days) }
	sent, inbox := filepath.Join(root, ".Sent", "cur"), filepath.Join(root, "cur")
	for _, dir := range []string{filepath.Join(root, "new"), filepath.Join(root, "tmp"), filepath.Join(root, ".Sent", "new"), filepath.Join(root, ".Sent", "tmp")} {
		if err := os.MkdirAll(dir, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	message(t, sent, "1.m:2,S", "Pat <pat@example.com>", "Ada Lovelace <ada@example.com>", "Lunch?", "s1@example.com", d(30))
	message(t, sent, "2.m:2,S", "Pat <pat@example.com>", "Grace Hopper <grace@example.com>, Alan <alan@example.com>", "The plan", "s2@example.com", d(20))
	message(t, sent, "3.m:2,S", "Pat <pat@example.com>", "Go Nuts <golang-nuts@lists.example>", "A question", "s3@example.com", d(10))
	message(t, inbox, "1.m:2,S", "Ada Lovelace <ada@example.com>", "pat@example.com", "Re: Lunch?", "i1@example.com", d(29))
	message(t, inbox, "2.m:2,S", "Bob Stranger <bob@example.com>", "pat@example.com", "Buy this", "i2@example.com", d(15))
	message(t, inbox, "3.m:2,S", "News <news@shop.example>", "pat@example.com", "Sale", "i3@example.com", d(12), "List-Unsubscribe: <mailto:u@shop.example>", "Precedence: bulk")
	message(t, inbox, "4.m:2,S", "Pat <pat@example.com>", "Go Nuts <golang-nuts@lists.example>", "A question", "s3@example.com", d(10), "List-Id: <golang-nuts.lists.example>")
	message(t, inbox, "5.m:2,S", "Grace Hopper <grace@example.com>", "pat@example.com, alan@example.com", "Re: The plan", "i5@example.com", d(19))
}

// dovecot serves a copy of the Maildir at fixture as user pat (password
// "secret") over IMAP on a free loopback port, with the .Sent folder marked
// \Sent, and returns its URL and where the copy is; it stops with the test.
func dovecot(t *testing.T, fixture string) (string, string) {
	t.Helper()
	dovecotBin := need(t, "dovecot", "dovecot-imapd")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir, err := os.MkdirTemp("", "rapport-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	mail := filepath.Join(dir, "Maildir")
	copyTree(t, fixture, mail)
	// The mail is read by an unprivileged user (nobody): Dovecot refuses root.
	if err := filepath.WalkDir(mail, func(p string, _ os.DirEntry, err error) error {
		if err == nil {
			err = os.Chmod(p, 0o777)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	uid, gid := os.Getuid(), os.Getgid()
	if uid == 0 {
		uid, gid = 65534, 65534
	}
	conf := filepath.Join(dir, "dovecot.conf")
	cfg := fmt.Sprintf(`protocols = imap
listen = 127.0.0.1
base_dir = %[1]s/run
state_dir = %[1]s/run
log_path = %[1]s/log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:%[2]s
first_valid_uid = 1
namespace inbox {
  inbox = yes
  mailbox Sent {
    special_use = \Sent
  }
}
passdb {
  driver = static
  args = password=secret
}
userdb {
  driver = static
  args = uid=%[4]d gid=%[5]d home=%[1]s/home
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = %[3]d
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`, dir, mail, port, uid, gid)
	if err := os.WriteFile(conf, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	// In the foreground (-F), so that it is this test's child and goes with it.
	cmd := exec.Command(dovecotBin, "-F", "-c", conf)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dovecot: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Since(start) > 10*time.Second {
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			t.Fatalf("dovecot did not listen on %s:\n%s", addr, log)
		}
	}
	return "imap://pat@" + addr, mail
}

// copyTree copies a folder (the Maildir as it was before a server added
// files of its own to it).
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o777)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o666)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// history is what a database holds of its people and their mail, in words.
func history(t *testing.T, a *App) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for _, p := range must[[]PersonSummary](t)(a.People(ctx, PeopleFilter{})) {
		d := must[*PersonDetail](t)(a.Show(ctx, p.ID))
		for _, it := range d.Timeline {
			out = append(out, fmt.Sprintf("%s %v %s %s by %s: %s", d.Name, d.Emails, it.At.UTC().Format(time.RFC3339), it.Kind, it.By, it.Note))
		}
		if len(d.Timeline) == 0 {
			out = append(out, d.Name+" (no mail)")
		}
	}
	sort.Strings(out)
	return out
}

// IMAP capture of a Maildir served by Dovecot is the Maildir import of the
// same folder; a message delivered after the first sync is all the next one
// reads, and a sync with nothing new adds nothing.
func TestIMAPSyncEqualsTheMaildirImport(t *testing.T) {
	ctx := context.Background()
	pristine := filepath.Join(t.TempDir(), "Maildir")
	mailFixture(t, pristine)
	url, src := dovecot(t, pristine)

	imported := newApp(t, now)
	must[*ImportSummary](t)(imported.ImportFiles(ctx, ImportRequest{Source: "maildir", Paths: []string{pristine}, Me: []string{"pat@example.com"}}))
	synced := newApp(t, now)
	sum := must[*SyncSummary](t)(synced.SyncIMAP(ctx, IMAPSync{URL: url, Me: []string{"pat@example.com"}, Password: "secret"}))
	if sum.Read != 8 || len(sum.Folders) != 2 || sum.Folders[0].Name != "Sent" {
		t.Errorf("first sync: %+v", sum)
	}
	want, got := history(t, imported), history(t, synced)
	if strings.Join(want, "\n") != strings.Join(got, "\n") {
		t.Errorf("the IMAP capture differs from the Maildir import:\n got %q\nwant %q", got, want)
	}
	for _, who := range []string{"Bob Stranger", "News"} {
		if strings.Contains(strings.Join(got, "\n"), who) {
			t.Errorf("%s, never written to, became a person", who)
		}
	}

	// A new message arrives; the next sync reads it alone, and the one
	// after reads nothing.
	message(t, filepath.Join(src, "new"), "6.m", "Alan <alan@example.com>", "pat@example.com", "Enigma", "i6@example.com", now.AddDate(0, 0, -1))
	sum = must[*SyncSummary](t)(synced.SyncIMAP(ctx, IMAPSync{URL: url, Me: []string{"pat@example.com"}, Password: "secret"}))
	if sum.Read != 1 || sum.InteractionsCreated != 1 {
		t.Errorf("after one new message: %+v", sum)
	}
	if d := must[*PersonDetail](t)(synced.Show(ctx, "alan")); len(d.Timeline) != 3 || d.Timeline[0].Note != "Enigma" {
		t.Errorf("Alan's mail: %+v", d.Timeline)
	}
	sum = must[*SyncSummary](t)(synced.SyncIMAP(ctx, IMAPSync{URL: url, Me: []string{"pat@example.com"}, Password: "secret"}))
	if sum.Read != 0 || sum.InteractionsCreated != 0 {
		t.Errorf("nothing new: %+v", sum)
	}
	// rapport sync (and serve) runs the recorded source with the password
	// its command gives.
	message(t, filepath.Join(src, "new"), "7.m", "Ada Lovelace <ada@example.com>", "pat@example.com", "Tea?", "i7@example.com", now.Add(-time.Hour))
	var asked []string
	sums, err := synced.SyncAll(ctx, func(_ context.Context, s SyncSource) (string, error) {
		asked = append(asked, s.URL)
		return "secret", nil
	})
	if err != nil || len(sums) != 1 || sums[0].InteractionsCreated != 1 || len(asked) != 1 || asked[0] != url {
		t.Errorf("sync all: %+v %v (asked %v)", sums, err, asked)
	}
	srcs := must[[]SyncSource](t)(synced.SyncSources(ctx))
	if len(srcs) != 1 || srcs[0].URL != url || srcs[0].LastRun == nil || srcs[0].LastError != "" || srcs[0].LastAdded != 1 {
		t.Errorf("sources: %+v", srcs)
	}

	// A wrong password is said, and noted on the source.
	if _, err := synced.SyncIMAP(ctx, IMAPSync{URL: url, Me: []string{"pat@example.com"}, Password: "wrong"}); rapport.ErrorCode(err) != rapport.EINVALID {
		t.Errorf("a wrong password: %v", err)
	}
	if srcs := must[[]SyncSource](t)(synced.SyncSources(ctx)); srcs[0].LastError == "" {
		t.Error("the failed run was not noted")
	}
}

// A capture stopped halfway keeps what it committed, batch by batch, and
// the next run reads only the rest: in the end, the same as in one go.
func TestIMAPSyncResumesWhereItStopped(t *testing.T) {
	ctx := context.Background()
	fixture := filepath.Join(t.TempDir(), "Maildir")
	mailFixture(t, fixture)
	url, _ := dovecot(t, fixture)
	whole := newApp(t, now)
	must[*SyncSummary](t)(whole.SyncIMAP(ctx, IMAPSync{URL: url, Me: []string{"pat@example.com"}, Password: "secret"}))

	halves := newApp(t, now)
	halves.syncBatch = 2
	n := 0
	halves.afterBatch = func() error { // the run dies after its second batch
		if n++; n == 2 {
			return errors.New("the connection dropped")
		}
		return nil
	}
	if _, err := halves.SyncIMAP(ctx, IMAPSync{URL: url, Me: []string{"pat@example.com"}, Password: "secret"}); err == nil {
		t.Fatal("a capture stopped halfway reported no error")
	}
	halves.afterBatch = nil
	partial := history(t, halves)
	sum := must[*SyncSummary](t)(halves.SyncIMAP(ctx, IMAPSync{URL: url, Me: []string{"pat@example.com"}, Password: "secret"}))
	if sum.Read == 0 || sum.Read >= 8 {
		t.Errorf("the second run read %d messages: all again, or none", sum.Read)
	}
	if len(partial) == 0 || strings.Join(history(t, halves), "\n") != strings.Join(history(t, whole), "\n") {
		t.Errorf("resumed:\n%q\nafter a stop at\n%q\nin one go:\n%q", history(t, halves), partial, history(t, whole))
	}
}

// A source that was never reached (a mistyped host, a closed port) is not
// kept to fail at every sync; the error says what failed.
func TestAnUnreachableSourceIsNotKept(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	_, err = a.SyncIMAP(ctx, IMAPSync{URL: "imap://pat@" + addr, Me: []string{"pat@example.com"}, Password: "x"})
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Errorf("an unreachable server: %v", err)
	}
	if _, err := a.SyncCalDAV(ctx, DAVSync{URL: "http://pat@" + addr + "/", Password: "x"}); err == nil {
		t.Error("an unreachable calendar server: no error")
	}
	if srcs := must[[]SyncSource](t)(a.SyncSources(ctx)); len(srcs) != 0 {
		t.Errorf("kept: %+v", srcs)
	}
}
