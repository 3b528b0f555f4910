// Package email reads mail (mbox files, such as a Gmail Takeout, and Maildir
// folders) for the people you correspond with. Only headers are read; bodies
// are skipped at the speed of a line scan. Each message is an interaction with
// everyone on it (From, To, Cc); its direction is decided by your addresses.
// Only people you have written to at least once become people: mailing lists,
// no-reply senders and bulk mail never do.
package email

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/encoding/htmlindex"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/importer"
)

// Message is the part of one message Rapport uses.
type Message struct {
	ID      string
	Thread  string
	At      time.Time
	From    []*mail.Address
	To      []*mail.Address // To and Cc
	Subject string
	Bulk    bool
	// List are a mailing list's own addresses (List-Post, Sender): never a
	// person, even on a message of yours that came back through the list.
	List  []string
	Where string
}

// headerParser is what one goroutine needs to parse headers: a decoder for
// encoded words, and the address lists it has already read, since a mailbox
// names the same few hundred people in the same words thousands of times.
type headerParser struct {
	wd    *mime.WordDecoder
	addrs map[string][]*mail.Address // shared: never changed once parsed
}

func newHeaderParser() *headerParser {
	return &headerParser{wd: &mime.WordDecoder{CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(charset)
		if err != nil {
			return nil, err
		}
		return enc.NewDecoder().Reader(r), nil
	}}, addrs: map[string][]*mail.Address{}}
}

// addresses reads an address list, once for each distinct spelling.
func (hp *headerParser) addresses(v string) []*mail.Address {
	if as, ok := hp.addrs[v]; ok {
		return as
	}
	as := addresses(v, hp.wd)
	for _, a := range as {
		// Real clients put encoded words inside quoted names
		// ("=?UTF-8?Q?Miros=C5=82aw?=" <m@x>), which net/mail leaves as
		// they are.
		if strings.Contains(a.Name, "=?") {
			if d, err := hp.wd.DecodeHeader(a.Name); err == nil {
				a.Name = d
			}
		}
	}
	if len(hp.addrs) >= 1<<16 {
		clear(hp.addrs) // a bound on memory for mailboxes of many more people
	}
	hp.addrs[v] = as
	return as
}

// parseHeader turns a header block into a Message. Only the fields Rapport
// uses are looked at (the others are skipped without a copy), and simple
// addresses are read without the general parser: a mailbox holds hundreds of
// thousands of headers.
func parseHeader(block []byte, where string, fallback time.Time, hp *headerParser) (Message, error) {
	m := Message{Where: where}
	var date, subject, refs, inReplyTo, gmThread string
	var from, to []string
	var lower [32]byte
	for len(block) > 0 {
		line := block
		if i := bytes.IndexByte(block, '\n'); i >= 0 {
			line, block = block[:i], block[i+1:]
		} else {
			block = nil
		}
		colon := bytes.IndexByte(line, ':')
		name := []byte(nil)
		if colon > 0 {
			name = bytes.TrimSpace(line[:colon])
		}
		if len(name) == 0 || len(name) > len(lower) || !wanted(name, &lower) {
			// Not a field Rapport reads: skip it and its continuation lines.
			for len(block) > 0 && (block[0] == ' ' || block[0] == '\t') {
				i := bytes.IndexByte(block, '\n')
				if i < 0 {
					i = len(block)
				}
				block = block[min(i+1, len(block)):]
			}
			continue
		}
		// Folded continuation lines belong to this field.
		for len(block) > 0 && (block[0] == ' ' || block[0] == '\t') {
			i := bytes.IndexByte(block, '\n')
			if i < 0 {
				i = len(block)
			}
			line = append(append(line[:len(line):len(line)], ' '), bytes.TrimSpace(block[:i])...)
			block = block[min(i+1, len(block)):]
		}
		value := strings.TrimSpace(string(bytes.TrimRight(line[colon+1:], "\r")))
		switch string(lower[:len(name)]) {
		case "from":
			from = append(from, value)
		case "to", "cc":
			to = append(to, value)
		case "date":
			date = value
		case "subject":
			subject = value
		case "message-id":
			m.ID = strings.Trim(value, "<>")
		case "references":
			refs = value
		case "in-reply-to":
			inReplyTo = value
		case "x-gm-thrid":
			gmThread = value
		case "list-id", "list-unsubscribe":
			m.Bulk = true
		case "list-post", "sender":
			for _, part := range strings.Split(value, ",") {
				part = strings.Trim(strings.TrimSpace(part), "<>")
				part = strings.TrimPrefix(strings.TrimPrefix(part, "mailto:"), "MAILTO:")
				if i := strings.IndexAny(part, "?>"); i >= 0 {
					part = part[:i]
				}
				if strings.Contains(part, "@") && !strings.ContainsAny(part, " ") {
					m.List = append(m.List, strings.ToLower(part))
				} else if as := hp.addresses(value); len(as) > 0 {
					for _, a := range as {
						m.List = append(m.List, strings.ToLower(a.Address))
					}
					break
				}
			}
		case "precedence":
			v := strings.ToLower(value)
			m.Bulk = m.Bulk || v == "bulk" || v == "list" || v == "junk"
		case "auto-submitted":
			m.Bulk = m.Bulk || strings.ToLower(value) != "no"
		}
	}
	for _, v := range from {
		m.From = append(m.From, hp.addresses(v)...)
	}
	for _, v := range to {
		m.To = append(m.To, hp.addresses(v)...)
	}
	if strings.Contains(subject, "=?") {
		if s, err := hp.wd.DecodeHeader(subject); err == nil {
			subject = s
		}
	}
	m.Subject = subject
	if !tidy(subject) {
		m.Subject = strings.Join(strings.Fields(subject), " ")
	}
	m.At = parseDate(date, fallback)
	switch {
	case gmThread != "":
		m.Thread = "gm:" + gmThread
	case refs != "":
		m.Thread = strings.Trim(strings.Fields(refs)[0], "<>")
	case inReplyTo != "":
		m.Thread = strings.Trim(inReplyTo, "<>")
	default:
		m.Thread = m.ID
	}
	for _, a := range m.From {
		if noReply(a.Address) {
			m.Bulk = true
		}
	}
	return m, nil
}

// tidy reports whether s has no spaces to fold: none at either end, no two
// together, no tab or line break (most subjects, which then need no copy).
func tidy(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			return false
		case c == ' ' && s[i+1] == ' ':
			return false
		case c >= 0x80:
			return false // strings.Fields also folds Unicode spaces
		}
	}
	return true
}

// parseDate reads a Date header: the common RFC 5322 forms directly, the
// rest through net/mail (which is slow, and most mail does not need it).
func parseDate(s string, fallback time.Time) time.Time {
	if i := strings.IndexByte(s, '('); i > 0 {
		s = strings.TrimSpace(s[:i]) // "… +0000 (UTC)"
	}
	for _, layout := range []string{"Mon, 02 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 -0700", "02 Jan 2006 15:04:05 -0700", "2 Jan 2006 15:04:05 -0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	if t, err := mail.ParseDate(s); err == nil {
		return t.UTC()
	}
	return fallback
}

// addresses reads an address list: simple forms ("a@b", "Name <a@b>")
// directly, anything with encoded words, quotes or comments through
// net/mail's parser.
func addresses(v string, wd *mime.WordDecoder) []*mail.Address {
	if !strings.ContainsAny(v, "\"()\\") && !strings.Contains(v, "=?") {
		var out []*mail.Address
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			name, addr := "", part
			if i := strings.IndexByte(part, '<'); i >= 0 {
				j := strings.IndexByte(part[i:], '>')
				if j < 0 {
					out = nil
					break
				}
				name, addr = strings.TrimSpace(part[:i]), part[i+1:i+j]
			}
			if at := strings.IndexByte(addr, '@'); at <= 0 || at == len(addr)-1 || strings.ContainsAny(addr, " <>") {
				continue
			}
			out = append(out, &mail.Address{Name: name, Address: addr})
		}
		if out != nil {
			return out
		}
	}
	ap := mail.AddressParser{WordDecoder: wd}
	if as, err := ap.ParseList(v); err == nil {
		return as
	}
	if a, err := ap.Parse(v); err == nil {
		return []*mail.Address{a}
	}
	return nil
}

// wanted lower-cases a field name into lower and reports whether it is one
// parseHeader reads.
func wanted(name []byte, lower *[32]byte) bool {
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	switch string(lower[:len(name)]) { // a switch: this runs for every header line of an mbox
	case "from", "to", "cc", "date", "subject", "message-id", "references", "in-reply-to", "x-gm-thrid",
		"list-id", "list-unsubscribe", "list-post", "sender", "precedence", "auto-submitted":
		return true
	}
	return false
}

// HeaderFields are the header fields Rapport reads (those wanted takes),
// lower-case: all an IMAP fetch needs to ask for.
var HeaderFields = []string{"from", "to", "cc", "date", "subject", "message-id", "references", "in-reply-to", "x-gm-thrid",
	"list-id", "list-unsubscribe", "list-post", "sender", "precedence", "auto-submitted"}

func noReply(addr string) bool {
	local, _, _ := strings.Cut(strings.ToLower(addr), "@")
	for _, s := range []string{"noreply", "no-reply", "donotreply", "do-not-reply", "mailer-daemon", "postmaster", "notifications", "notification", "bounce"} {
		if strings.Contains(local, s) {
			return true
		}
	}
	return false
}

// fromLineDate reads the date at the end of an mbox separator line, for
// messages without a usable Date header.
func fromLineDate(l string) time.Time {
	f := strings.Fields(l)
	for n := 5; n <= 7 && n < len(f); n++ {
		s := strings.Join(f[len(f)-n:], " ")
		for _, layout := range []string{"Mon Jan _2 15:04:05 -0700 2006", "Mon Jan _2 15:04:05 2006", time.ANSIC} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC()
			}
		}
	}
	return time.Time{}
}

// ReadMaildir reads every message file under the cur and new folders of a
// Maildir and its subfolders (Maildir++: .Sent, .Archive), leaving out what
// a mail server keeps beside them (dovecot-uidlist, indexes, subscriptions);
// or, for a folder that is not a Maildir, every file in it.
func ReadMaildir(dir string, fn func(Message) error) (int, error) {
	isMaildir := false
	for _, sub := range []string{"cur", "new"} {
		if st, err := os.Stat(filepath.Join(dir, sub)); err == nil && st.IsDir() {
			isMaildir = true
		}
	}
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "tmp" {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		if parent := filepath.Base(filepath.Dir(path)); !isMaildir || parent == "cur" || parent == "new" {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("read maildir %s: %w", dir, err)
	}
	sort.Strings(files)
	read, hp := 0, newHeaderParser()
	for _, f := range files {
		block, err := headerOf(f)
		if err != nil {
			return read, err
		}
		m, err := parseHeader(block, f, time.Time{}, hp)
		if err != nil {
			return read, err
		}
		read++
		if err := fn(m); err != nil {
			return read, err
		}
	}
	return read, nil
}

// HeaderReader parses the headers of messages read one by one (fetched
// over IMAP), sharing what it learns between them.
type HeaderReader struct{ hp *headerParser }

// NewHeaderReader returns a HeaderReader.
func NewHeaderReader() *HeaderReader { return &HeaderReader{hp: newHeaderParser()} }

// Parse reads one message's header block; fallback dates a message that
// says no date of its own (the server's arrival time).
func (r *HeaderReader) Parse(header []byte, where string, fallback time.Time) (Message, error) {
	return parseHeader(header, where, fallback, r.hp)
}

func headerOf(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var b bytes.Buffer
	for {
		l, err := br.ReadBytes('\n')
		if len(bytes.TrimRight(l, "\r\n")) == 0 {
			return b.Bytes(), nil
		}
		b.Write(l)
		if err != nil {
			return b.Bytes(), nil
		}
	}
}

// Collector turns messages into people and touches. It keeps each message
// in a compact form (lower-cased addresses, names once per address), since a
// mailbox holds hundreds of thousands of them and a second pass needs them all.
type Collector struct {
	me       map[string]bool
	wrote    map[string]bool // addresses written to before (Continue)
	wroteNow map[string]bool // and with this collection (Result)
	partial  bool
	msgs     compacts
	names    map[string]string // address → the first display name seen
	seen     map[string]int    // address → messages it appears in, to find you
	Read     int
	Skipped  int
}

// compacts is a list of messages that grows in blocks: appending never
// copies what is there (a slice doubling over 200,000 messages was 0.4 s of
// copying, and held two copies at once).
type compacts struct {
	blocks [][]compact
	n      int
}

func (l *compacts) add(c compact) {
	if k := len(l.blocks); k == 0 || len(l.blocks[k-1]) == cap(l.blocks[k-1]) {
		l.blocks = append(l.blocks, make([]compact, 0, 4096))
	}
	k := len(l.blocks) - 1
	l.blocks[k] = append(l.blocks[k], c)
	l.n++
}

// all yields each message, in the order added.
func (l *compacts) all(yield func(*compact) bool) {
	for _, b := range l.blocks {
		for i := range b {
			if !yield(&b[i]) {
				return
			}
		}
	}
}

type compact struct {
	key, subject, where string
	at                  time.Time
	from, others        []string // lower-cased addresses: the senders, then To and Cc
	bulk                bool     // kept only if it is yours (a copy back from a list)
}

// NewCollector starts a collection; me are your addresses (empty: found).
func NewCollector(me []string) *Collector {
	c := &Collector{me: map[string]bool{}, seen: map[string]int{}, names: map[string]string{}}
	for _, m := range me {
		c.me[strings.ToLower(strings.TrimSpace(m))] = true
	}
	return c
}

// Continue makes the collection the next part of a mailbox read before
// (an IMAP sync): wrote are the addresses you had written to, whose
// messages count now too, and a part with no message of yours is no error.
// Your addresses must be given.
func (c *Collector) Continue(wrote []string) {
	c.partial = true
	c.wrote = map[string]bool{}
	for _, a := range wrote {
		c.wrote[strings.ToLower(a)] = true
	}
}

// Wrote are the addresses written to, before and in this collection, once
// Result has run: what the next part of the mailbox continues from.
func (c *Collector) Wrote() []string {
	out := make([]string, 0, len(c.wroteNow))
	for a := range c.wroteNow {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// Add takes one message.
func (c *Collector) Add(m Message) error {
	c.Read++
	if len(m.From) == 0 || m.At.IsZero() {
		c.Skipped++
		return nil
	}
	cm := compact{key: m.ID, subject: m.Subject, where: m.Where, at: m.At, bulk: m.Bulk}
	if m.Bulk {
		// Bulk mail counts only if you sent it (your message to a list, as
		// its copy came back): whose it is is known at the end. The list's
		// own addresses are never people.
		list := map[string]bool{}
		for _, a := range m.List {
			list[a] = true
		}
		for _, a := range m.From {
			cm.from = append(cm.from, strings.ToLower(a.Address))
		}
		for _, a := range m.To {
			if addr := strings.ToLower(a.Address); !list[addr] {
				cm.others = append(cm.others, addr)
				if n := strings.TrimSpace(a.Name); n != "" && c.names[addr] == "" {
					c.names[addr] = n
				}
			}
		}
		c.msgs.add(cm)
		return nil
	}
	if cm.key == "" {
		cm.key = m.At.Format(time.RFC3339) + ":" + strings.ToLower(m.From[0].Address) + ":" + m.Subject
	}
	here := map[string]bool{}
	add := func(list []*mail.Address, dst *[]string) {
		for _, a := range list {
			addr := strings.ToLower(a.Address)
			*dst = append(*dst, addr)
			if n := strings.TrimSpace(a.Name); n != "" && c.names[addr] == "" {
				c.names[addr] = n
			}
			if !here[addr] {
				here[addr] = true
				c.seen[addr]++
			}
		}
	}
	add(m.From, &cm.from)
	add(m.To, &cm.others)
	c.msgs.add(cm)
	return nil
}

// Result decides who you are, who you have written to, and returns the
// touches with them.
func (c *Collector) Result(source string) (*importer.Result, error) {
	res := &importer.Result{Read: c.Read, Skipped: c.Skipped}
	if c.Skipped > 0 {
		res.Why = map[string]int{"a message without a sender or a date": c.Skipped}
	}
	if len(c.me) == 0 && c.msgs.n > 0 {
		best, n, tied := "", 0, false
		for a, k := range c.seen {
			switch {
			case k > n:
				best, n, tied = a, k, false
			case k == n:
				tied = true
			}
		}
		// You are on at least half of the messages, and on more than anyone else.
		personal := 0
		for m := range c.msgs.all {
			if !m.bulk {
				personal++
			}
		}
		if tied || n*2 < personal || personal < 2 {
			return nil, importer.Error(source, "cannot tell which address is yours: name it with --me ADDRESS")
		}
		c.me[best] = true
	}
	written := map[string]bool{}
	for a := range c.wrote {
		written[a] = true
	}
	defer func() { c.wroteNow = written }()
	yours := 0
	for m := range c.msgs.all {
		if c.mine(m.from) {
			yours++
			for _, a := range m.others {
				written[a] = true
			}
		}
	}
	if yours == 0 && c.msgs.n > 0 && !c.partial {
		var me []string
		for a := range c.me {
			me = append(me, a)
		}
		slices.Sort(me)
		return nil, importer.Error(source, "none of the %d messages is from you (%s): check --me", c.Read, strings.Join(me, ", "))
	}
	// One Person value an address, shared by all its touches.
	people := map[string]importer.Person{}
	res.Touches = make([]importer.Touch, 0, c.msgs.n)
	for m := range c.msgs.all {
		if m.bulk && !c.mine(m.from) {
			res.Skip("bulk mail (lists, newsletters, notifications)")
			continue
		}
		t := importer.Touch{At: m.at, Kind: "email", By: rapport.ByThem, Channel: "email", Note: m.subject, Where: m.where, Key: "email:" + m.key,
			People: make([]importer.Person, 0, len(m.from)+len(m.others))}
		if c.mine(m.from) {
			t.By = rapport.ByMe
		}
		for _, list := range [][]string{m.from, m.others} {
			for _, addr := range list {
				if c.me[addr] || !written[addr] || slices.ContainsFunc(t.People, func(p importer.Person) bool { return p.Emails[0] == addr }) {
					continue
				}
				p, ok := people[addr]
				if !ok {
					p = importer.Person{Name: c.names[addr], Emails: []string{addr}, Where: m.where}
					people[addr] = p
				}
				t.People = append(t.People, p)
			}
		}
		if len(t.People) == 0 {
			res.Skip("a message with no one but you")
			continue
		}
		res.Touches = append(res.Touches, t)
	}
	c.msgs = compacts{} // the touches hold what is needed now
	return res, nil
}

func (c *Collector) mine(addrs []string) bool {
	for _, a := range addrs {
		if c.me[a] {
			return true
		}
	}
	return false
}
