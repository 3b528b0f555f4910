// Package linkedin reads LinkedIn's data export: Connections.csv (people, and
// the moment you connected) and messages.csv (conversations). The two are told
// apart by their headers; columns are found by name, since LinkedIn adds and
// drops them between exports.
package linkedin

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/importer"
)

// Kind of file.
const (
	Connections = "connections"
	Messages    = "messages"
	Unknown     = ""
)

// Detect reads the start of a file and says which LinkedIn file it is.
func Detect(head []byte) string {
	up := strings.ToUpper(string(head))
	switch {
	case strings.Contains(up, "CONVERSATION ID") && strings.Contains(up, "SENDER PROFILE URL"):
		return Messages
	case strings.Contains(up, "FIRST NAME") && strings.Contains(up, "LAST NAME"):
		return Connections
	}
	return Unknown
}

// reader wraps csv for LinkedIn's files: lenient about quotes and row width,
// and counting lines for error messages.
type reader struct {
	file  string
	csv   *csv.Reader
	width int // the header's field count
}

func newReader(r io.Reader, file string) *reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	c := csv.NewReader(br)
	c.FieldsPerRecord = -1
	c.LazyQuotes = true
	return &reader{file: file, csv: c}
}

func (r *reader) read() ([]string, int, error) {
	rec, err := r.csv.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, pe.Line, importer.Error(importer.Where(r.file, pe.Line), "%v", pe.Err)
		}
		return nil, 0, err
	}
	line, _ := r.csv.FieldPos(0) // only valid after a successful read
	return rec, line, nil
}

// header scans for the row naming the columns (Connections.csv starts with a
// "Notes:" paragraph of varying length) and maps each name to its index.
func (r *reader) header(must ...string) (map[string]int, error) {
	for {
		rec, _, err := r.read()
		if err == io.EOF {
			return nil, importer.Error(r.file, "no header row with %s", strings.Join(must, ", "))
		}
		if err != nil {
			return nil, err
		}
		cols := map[string]int{}
		for i, c := range rec {
			cols[strings.ToUpper(strings.TrimSpace(c))] = i
		}
		ok := true
		for _, m := range must {
			if _, found := cols[m]; !found {
				ok = false
			}
		}
		if ok {
			r.width = len(rec)
			return cols, nil
		}
	}
}

func get(rec []string, cols map[string]int, name string) string {
	if i, ok := cols[name]; ok && i < len(rec) {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

// ReadConnections reads Connections.csv: each row a person, with the day you
// connected as how you met.
func ReadConnections(r io.Reader, file string) (*importer.Result, error) {
	rd := newReader(r, file)
	cols, err := rd.header("FIRST NAME", "LAST NAME")
	if err != nil {
		return nil, err
	}
	res := &importer.Result{}
	for {
		rec, line, err := rd.read()
		if err == io.EOF {
			return res, nil
		}
		if err == nil {
			err = importer.CheckRow(file, line, rec, rd.width)
		}
		if err != nil {
			return nil, err
		}
		where := importer.Where(file, line)
		res.Read++
		name := importer.FixMojibake(strings.TrimSpace(get(rec, cols, "FIRST NAME") + " " + get(rec, cols, "LAST NAME")))
		url := get(rec, cols, "URL")
		if url == "" {
			url = get(rec, cols, "PROFILE URL")
		}
		if name == "" && url == "" {
			res.Skipped++ // a blank row, or one empty but for its date
			continue
		}
		p := importer.Person{Name: name, Org: importer.FixMojibake(get(rec, cols, "COMPANY")), Title: importer.FixMojibake(get(rec, cols, "POSITION")), Where: where}
		if email := get(rec, cols, "EMAIL ADDRESS"); email != "" {
			p.Emails = []string{email}
		}
		if url != "" {
			p.URLs = []string{url}
			p.Key = "linkedin:" + strings.ToLower(strings.TrimRight(url, "/"))
		} else {
			p.Key = "linkedin:name:" + rapport.NameKey(name)
		}
		if on := get(rec, cols, "CONNECTED ON"); on != "" {
			at, err := parseDate(on)
			if err != nil {
				return nil, importer.Error(where, "Connected On %q: expected a date like 15 Mar 2024", on)
			}
			// Connecting is not contact: the date is kept as how you met,
			// not logged as an interaction that would count as a touch.
			p.Met = "connected on LinkedIn " + at.Format("2006-01-02")
		}
		res.People = append(res.People, p)
	}
}

func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{"02 Jan 2006", "2 Jan 2006", "1/2/06", "2006-01-02", "Jan 2, 2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("bad date")
}

// message is one row of messages.csv.
type message struct {
	conv, from, fromURL, subject string
	to                           []string
	toURLs                       []string
	at                           time.Time
	where                        string
}

// ReadMessages reads messages.csv: each message a "message" touch with the
// other people in the conversation. The export's owner is whoever takes part
// in every conversation, unless me names them (by name or profile URL).
func ReadMessages(r io.Reader, file string, me []string) (*importer.Result, error) {
	rd := newReader(r, file)
	cols, err := rd.header("CONVERSATION ID", "FROM", "DATE")
	if err != nil {
		return nil, err
	}
	res := &importer.Result{}
	var msgs []message
	for {
		rec, line, err := rd.read()
		if err == io.EOF {
			break
		}
		if err == nil {
			err = importer.CheckRow(file, line, rec, rd.width)
		}
		if err != nil {
			return nil, err
		}
		where := importer.Where(file, line)
		res.Read++
		if strings.EqualFold(get(rec, cols, "IS MESSAGE DRAFT"), "yes") {
			res.Skipped++
			continue
		}
		m := message{conv: get(rec, cols, "CONVERSATION ID"), from: importer.FixMojibake(get(rec, cols, "FROM")),
			fromURL: get(rec, cols, "SENDER PROFILE URL"), subject: importer.FixMojibake(get(rec, cols, "SUBJECT")), where: where}
		if m.conv == "" && m.from == "" {
			res.Skipped++
			continue
		}
		date := get(rec, cols, "DATE")
		if m.at, err = time.Parse("2006-01-02 15:04:05 MST", date); err != nil {
			if m.at, err = time.Parse("2006-01-02 15:04:05", date); err != nil {
				return nil, importer.Error(where, "DATE %q: expected 2023-06-11 15:33:58 UTC", date)
			}
		}
		m.to = splitList(importer.FixMojibake(get(rec, cols, "TO")), ",")
		m.toURLs = splitList(get(rec, cols, "RECIPIENT PROFILE URLS"), ";")
		msgs = append(msgs, m)
	}
	owner, err := findOwner(msgs, me, file)
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		sender := participant{m.from, m.fromURL}
		people := []participant{sender}
		for i, name := range m.to {
			p := participant{name: name}
			if i < len(m.toURLs) {
				p.url = m.toURLs[i]
			}
			people = append(people, p)
		}
		for i := len(m.to); i < len(m.toURLs); i++ {
			people = append(people, participant{url: m.toURLs[i]})
		}
		t := importer.Touch{Key: "linkedin:msg:" + m.conv + ":" + m.at.Format(time.RFC3339) + ":" + sender.id(), At: m.at,
			Kind: "message", By: rapport.ByThem, Channel: "linkedin", Note: m.subject, Where: m.where}
		if owner.is(sender) {
			t.By = rapport.ByMe
		}
		for _, p := range people {
			if owner.is(p) || p.id() == "" {
				continue
			}
			ip := importer.Person{Name: p.name, Where: m.where}
			if p.url != "" {
				ip.URLs = []string{p.url}
				ip.Key = "linkedin:" + strings.ToLower(strings.TrimRight(p.url, "/"))
			} else {
				ip.Key = "linkedin:name:" + rapport.NameKey(p.name)
			}
			t.People = append(t.People, ip)
		}
		if len(t.People) > 0 {
			res.Touches = append(res.Touches, t)
		}
	}
	return res, nil
}

type participant struct{ name, url string }

func (p participant) id() string {
	if p.url != "" {
		return "u:" + strings.ToLower(strings.TrimRight(p.url, "/"))
	}
	if p.name != "" {
		return "n:" + rapport.NameKey(p.name)
	}
	return ""
}

// owner is the export's owner, known by any of several ids.
type owner map[string]bool

func (o owner) is(p participant) bool {
	return p.url != "" && o["u:"+strings.ToLower(strings.TrimRight(p.url, "/"))] || p.name != "" && o["n:"+rapport.NameKey(p.name)]
}

func findOwner(msgs []message, me []string, file string) (owner, error) {
	o := owner{}
	if len(me) > 0 {
		for _, m := range me {
			if strings.Contains(m, "linkedin.com") || strings.HasPrefix(m, "http") {
				o["u:"+strings.ToLower(strings.TrimRight(m, "/"))] = true
			} else {
				o["n:"+rapport.NameKey(m)] = true
			}
		}
		return o, nil
	}
	convs := map[string]map[string]bool{}
	names := map[string]participant{}
	for _, m := range msgs {
		set := convs[m.conv]
		if set == nil {
			set = map[string]bool{}
			convs[m.conv] = set
		}
		ps := []participant{{m.from, m.fromURL}}
		for i, n := range m.to {
			p := participant{name: n}
			if i < len(m.toURLs) {
				p.url = m.toURLs[i]
			}
			ps = append(ps, p)
		}
		for _, p := range ps {
			if id := p.id(); id != "" {
				set[id] = true
				names[id] = p
			}
		}
	}
	if len(convs) == 0 {
		return o, nil
	}
	var everywhere []string
	for id := range names {
		all := true
		for _, set := range convs {
			all = all && set[id]
		}
		if all {
			everywhere = append(everywhere, id)
		}
	}
	sort.Strings(everywhere)
	if len(everywhere) != 1 {
		return nil, importer.Error(file, "cannot tell which participant is you (%d take part in every conversation): name yourself with --me NAME or --me PROFILE-URL", len(everywhere))
	}
	o[everywhere[0]] = true
	p := names[everywhere[0]]
	if p.name != "" {
		o["n:"+rapport.NameKey(p.name)] = true
	}
	if p.url != "" {
		o["u:"+strings.ToLower(strings.TrimRight(p.url, "/"))] = true
	}
	return o, nil
}

func splitList(s, sep string) []string {
	var out []string
	for _, x := range strings.Split(s, sep) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
