package email

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/rapport-app/rapport"
)

func collect(t *testing.T, me []string) *Collector {
	t.Helper()
	f, err := os.Open("testdata/takeout.mbox")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := NewCollector(me)
	if _, err := ReadMbox(f, "takeout.mbox", c.Add); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTakeout(t *testing.T) {
	res, err := collect(t, nil).Result("takeout.mbox")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tc := range res.Touches {
		var who []string
		for _, p := range tc.People {
			who = append(who, p.Name+" <"+p.Emails[0]+">")
		}
		got = append(got, strings.Join([]string{tc.At.Format("2006-01-02T15:04"), string(tc.By), tc.Note, strings.Join(who, ", ")}, "|"))
	}
	want := []string{
		"2022-02-04T17:10|me|Café next week?|José García <jose@example.org>, Ada Lovelace <ada@example.com>",
		"2022-02-05T08:00|them|Re: Café next week?|José García <jose@example.org>",
		"2022-02-09T11:00|them|Notes|Ada Lovelace <ada@example.com>",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// 6 read: the shop (list) and the receipt (no-reply) are bulk; the
	// stranger was never written to.
	if res.Read != 6 || res.Skipped != 3 {
		t.Errorf("read %d skipped %d", res.Read, res.Skipped)
	}
	if res.Touches[0].Key != "email:m1@example.com" {
		t.Errorf("key %q", res.Touches[0].Key)
	}
	if res.Touches[0].By != rapport.ByMe {
		t.Error("the first message is yours")
	}
}

func TestMaildirAndMe(t *testing.T) {
	c := NewCollector([]string{"PAT@example.com"})
	n, err := ReadMaildir("testdata/maildir", c.Add)
	if err != nil || n != 2 {
		t.Fatalf("read %d, %v", n, err)
	}
	res, err := c.Result("maildir")
	if err != nil || len(res.Touches) != 2 || res.Touches[1].People[0].Name != "Barbara Liskov" {
		t.Fatalf("%+v %v", res, err)
	}
	// One message, two addresses: you cannot be told apart without --me.
	one := NewCollector(nil)
	if _, err := ReadMaildir("testdata/maildir/cur", one.Add); err != nil {
		t.Fatal(err)
	}
	if _, err := one.Result("cur"); err == nil || !strings.Contains(err.Error(), "--me") {
		t.Errorf("ambiguous owner: %v", err)
	}
}

func TestNotAnMbox(t *testing.T) {
	_, err := ReadMbox(strings.NewReader("Hello\nworld\n"), "x.mbox", func(Message) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "x.mbox:1") {
		t.Errorf("%v", err)
	}
}

func FuzzMbox(f *testing.F) {
	b, _ := os.ReadFile("testdata/takeout.mbox")
	f.Add(b[:min(len(b), 4000)])
	f.Add([]byte("From x Fri Feb 04 17:10:22 +0000 2022\nFrom: a@b\nTo: =?UTF-8?B?!!?= <c@d>\n\nbody\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Cut into blocks of any size, a file reads the same.
		whole, werr := readAll(data, 1<<20)
		small, serr := readAll(data, 7)
		if (werr == nil) != (serr == nil) || !slices.EqualFunc(whole, small, sameMessage) {
			t.Fatalf("blocks change the reading:\n%v %v\n%v %v", whole, werr, small, serr)
		}
		c := NewCollector([]string{"pat@example.com"})
		if _, err := ReadMbox(bytes.NewReader(data), "fuzz.mbox", c.Add); err != nil {
			return
		}
		res, err := c.Result("fuzz.mbox")
		if err != nil {
			return
		}
		for _, tc := range res.Touches {
			if len(tc.People) == 0 || tc.Key == "" || tc.At.IsZero() {
				t.Fatalf("bad touch %+v", tc)
			}
		}
	})
}

func readAll(data []byte, block int) ([]Message, error) {
	var out []Message
	_, err := readMbox(bytes.NewReader(data), "x.mbox", block, func(m Message) error {
		out = append(out, m)
		return nil
	})
	return out, err
}

func sameMessage(a, b Message) bool {
	return a.ID == b.ID && a.Where == b.Where && a.At.Equal(b.At) && a.Subject == b.Subject && a.Bulk == b.Bulk &&
		len(a.From) == len(b.From) && len(a.To) == len(b.To)
}

// TestMboxBlocks reads a mailbox whose messages straddle the blocks it is
// cut into (CRLF lines, a body longer than a block, a message with no body,
// a quoted ">From " line) and checks each message's line against a plain
// line-by-line count.
func TestMboxBlocks(t *testing.T) {
	var b strings.Builder
	var want []string
	line := 1
	write := func(s string) {
		b.WriteString(s)
		line += strings.Count(s, "\n")
	}
	write("\n\n")
	for i := range 40 {
		want = append(want, fmt.Sprintf("x.mbox:%d", line))
		nl := "\n"
		if i%3 == 0 {
			nl = "\r\n"
		}
		write(fmt.Sprintf("From sender%d@example.com Fri Feb 04 17:10:22 +0000 2022%s", i, nl))
		write(fmt.Sprintf("Message-ID: <m%d@example.com>%sFrom: A <a@example.com>%sTo: b@example.com,%s c@example.com%s", i, nl, nl, nl, nl))
		write(fmt.Sprintf("Subject: number %d%s", i, nl))
		if i%7 == 3 {
			continue // no body, not even the blank line
		}
		write(nl + strings.Repeat("body line\n>From the start\n", i*i) + "\n")
	}
	for _, block := range []int{5, 64, 1000, 1 << 20} {
		msgs, err := readAll([]byte(b.String()), block)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != len(want) {
			t.Fatalf("block %d: %d messages, want %d", block, len(msgs), len(want))
		}
		for i, m := range msgs {
			if m.Where != want[i] || m.ID != fmt.Sprintf("m%d@example.com", i) || len(m.To) != 2 || m.Subject != fmt.Sprintf("number %d", i) {
				t.Fatalf("block %d, message %d: %s %q %d %q, want %s", block, i, m.Where, m.ID, len(m.To), m.Subject, want[i])
			}
			if m.At.IsZero() {
				t.Errorf("message %d has no date (the separator's)", i)
			}
		}
	}
}

// tidy says a subject needs no folding only when folding would not change
// it: checked on every string of up to six runes from an alphabet of the
// cases that matter (spaces at the ends and doubled, tabs, line breaks,
// Unicode spaces).
func TestTidyAgreesWithFields(t *testing.T) {
	alphabet := []string{"a", " ", "\t", "\r\n", "é", "\u00a0", "\u2003"}
	var walk func(s string, depth int)
	walk = func(s string, depth int) {
		folded := strings.Join(strings.Fields(s), " ")
		if tidy(s) && folded != s {
			t.Fatalf("tidy(%q) but folding gives %q", s, folded)
		}
		if !tidy(s) && folded == s && !strings.ContainsAny(s, "é\u00a0\u2003") {
			t.Fatalf("tidy(%q) is false for a string folding leaves alone", s)
		}
		if depth < 6 {
			for _, r := range alphabet {
				walk(s+r, depth+1)
			}
		}
	}
	walk("", 0)
}

// A message of yours is never bulk, even as the copy a mailing list sent
// back: its personal recipients count, the list's own address does not.
// Names written as encoded words inside quotes are decoded.
func TestYourListMailAndQuotedEncodedNames(t *testing.T) {
	read := func(me []string) (*Collector, error) {
		f, err := os.Open("testdata/lists.mbox")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		c := NewCollector(me)
		_, err = ReadMbox(f, "lists.mbox", c.Add)
		return c, err
	}
	c, err := read([]string{"me@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Result("lists.mbox")
	if err != nil {
		t.Fatal(err)
	}
	var people []string
	for _, tc := range res.Touches {
		for _, p := range tc.People {
			people = append(people, p.Name+" <"+p.Emails[0]+">")
		}
	}
	want := "Bob Builder <bob@example.com>; Mirosław Nowak <mirek@example.pl>"
	if got := strings.Join(people, "; "); got != want {
		t.Errorf("people %q, want %q", got, want)
	}
	if res.Skipped != 1 {
		t.Errorf("skipped %d, want the shop's newsletter", res.Skipped)
	}
	c, _ = read([]string{"someone.else@example.com"})
	if _, err := c.Result("lists.mbox"); err == nil || !strings.Contains(err.Error(), "none of the 3 messages is from you") {
		t.Errorf("--me that matches nothing: %v", err)
	}
}

// A Maildir a server keeps (Dovecot's uidlist, indexes, subscriptions
// beside the messages) reads as its messages alone, subfolders included.
func TestMaildirLeavesTheServersFilesOut(t *testing.T) {
	root := t.TempDir()
	msg := "From: Ada <ada@example.com>\r\nTo: pat@example.com\r\nSubject: Hi\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\nMessage-ID: <%s>\r\n\r\nHello.\r\n"
	for path, body := range map[string]string{
		"cur/1.m:2,S":           fmt.Sprintf(msg, "a@x"),
		"new/2.m":               fmt.Sprintf(msg, "b@x"),
		".Sent/cur/3.m:2,S":     fmt.Sprintf(msg, "c@x"),
		"tmp/4.m":               fmt.Sprintf(msg, "d@x"),
		"dovecot-uidlist":       "3 V1764662400 N4 G0\n1 :1.m\n",
		"dovecot.index.log":     "\x01\x02binary",
		"subscriptions":         "Sent\n",
		".Sent/dovecot-uidlist": "3 V1 N2\n",
		".Sent/maildirfolder":   "",
	} {
		p := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	n, err := ReadMaildir(root, func(m Message) error { ids = append(ids, m.ID); return nil })
	sort.Strings(ids)
	if err != nil || n != 3 || strings.Join(ids, " ") != "a@x b@x c@x" {
		t.Errorf("read %d (%v): %v", n, err, ids)
	}
}

// HeaderFields, what an IMAP fetch asks for, are the fields the parser
// reads: no more, no fewer.
func TestHeaderFieldsAreTheOnesRead(t *testing.T) {
	var lower [32]byte
	for _, f := range HeaderFields {
		if !wanted([]byte(strings.ToUpper(f)), &lower) {
			t.Errorf("%s is fetched but not read", f)
		}
	}
	for _, f := range []string{"received", "content-type", "x-mailer", "return-path", "dkim-signature"} {
		if wanted([]byte(f), &lower) {
			t.Errorf("%s is read but not fetched", f)
		}
	}
}
