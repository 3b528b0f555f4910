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
	"fmt"
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
	case strings.Contains(up, "FROM") && strings.Contains(up, "DIRECTION") && strings.Contains(up, "FOLDER"):
		return Messages // the 2018 layout: From,To,Date,Subject,Content,Direction,Folder
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
			res.Skip("a blank connection row") // or one empty but for its date
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
			// Connecting is not contact: the date is kept as how you met,
			// not logged as an interaction that would count as a touch. A
			// date that cannot be read costs that field, not the file.
			if at, err := parseDate(on); err == nil {
				p.Met = "connected on LinkedIn " + at.Format("2006-01-02")
			} else {
				res.Notes = append(res.Notes, fmt.Sprintf("%s: Connected On %q is not a date this reader knows; left out", where, on))
				p.Met = "connected on LinkedIn"
			}
		}
		res.People = append(res.People, p)
	}
}

// dateLayouts are the forms of a day LinkedIn has written over the years,
// and what a spreadsheet makes of them when an export is opened and saved
// again ("23-Apr-23", "1/8/18").
var dateLayouts = []string{"02 Jan 2006", "2 Jan 2006", "2006-01-02", "Jan 2, 2006", "January 2, 2006", "2 January 2006",
	"1/2/06", "1/2/2006", "01/02/2006", "2-Jan-06", "02-Jan-06", "2-Jan-2006", "2006/01/02", "02.01.2006"}

func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("bad date")
}

// dateTimeLayouts are the moments messages.csv has carried: today's
// "2023-06-11 15:33:58 UTC", the 2018 layout's and a spreadsheet's
// "1/8/18, 6:14 PM".
var dateTimeLayouts = []string{"2006-01-02 15:04:05 MST", "2006-01-02 15:04:05", "2006-01-02T15:04:05Z07:00", "2006-01-02 15:04",
	"1/2/06, 3:04 PM", "1/2/2006, 3:04 PM", "1/2/06 3:04 PM", "1/2/2006 3:04 PM", "1/2/06 15:04", "1/2/2006 15:04", "01/02/2006 15:04:05",
	"2-Jan-06 15:04", "02-Jan-06 3:04 PM", "Mon Jan 2 15:04:05 MST 2006"}

func parseDateTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range dateTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if t, err := parseDate(s); err == nil {
		return t, nil
	}
	return time.Time{}, errors.New("bad date")
}

// splitNames splits a list of recipients at its commas, except where what
// follows a comma is a credential or suffix of the name before it ("R.
// Shyaam Prasadh, Ph.D.", "Ada Lovelace, MBA", "John Smith, Jr.").
func splitNames(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		x = strings.TrimSpace(x)
		if x == "" {
			continue
		}
		if len(out) > 0 && isSuffix(x) {
			out[len(out)-1] += ", " + x
			continue
		}
		out = append(out, x)
	}
	return out
}

func isSuffix(x string) bool {
	if strings.ContainsAny(x, " ") {
		return false
	}
	switch strings.ToUpper(strings.Trim(x, ".")) {
	case "JR", "SR", "II", "III", "IV", "PHD", "PH.D", "MD", "MBA", "CPA", "ESQ", "PE", "PMP", "CFA", "MSC", "BSC", "MA", "BA", "DDS", "RN":
		return true
	}
	return strings.Contains(x, ".") && len(x) <= 8 || len(x) <= 5 && strings.ToUpper(x) == x && strings.ToLower(x) != x
}

// message is one row of messages.csv.
type message struct {
	conv, from, fromURL, subject string
	to                           []string
	toURLs                       []string
	at                           time.Time
	where                        string
	dir                          string // the 2018 layout's INCOMING or OUTGOING
}

// ReadMessages reads messages.csv: each message a "message" touch with the
// other people in the conversation. The export's owner is whoever takes part
// in every conversation, unless me names them (by name or profile URL).
func ReadMessages(r io.Reader, file string, me []string) (*importer.Result, error) {
	rd := newReader(r, file)
	cols, err := rd.header("FROM", "DATE")
	if err != nil {
		return nil, err
	}
	_, layout2018 := cols["DIRECTION"]
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
			res.Skip("a draft message")
			continue
		}
		m := message{conv: get(rec, cols, "CONVERSATION ID"), from: importer.FixMojibake(get(rec, cols, "FROM")),
			fromURL: get(rec, cols, "SENDER PROFILE URL"), subject: importer.FixMojibake(get(rec, cols, "SUBJECT")), where: where,
			dir: strings.ToUpper(get(rec, cols, "DIRECTION"))}
		if m.conv == "" && m.from == "" {
			res.Skip("a blank message row")
			continue
		}
		date := get(rec, cols, "DATE")
		if m.at, err = parseDateTime(date); err != nil {
			res.Notes = append(res.Notes, fmt.Sprintf("%s: DATE %q is not a moment this reader knows; message left out", where, date))
			res.Skip("a message without a readable date")
			continue
		}
		m.to = splitNames(importer.FixMojibake(get(rec, cols, "TO")))
		m.toURLs = splitList(get(rec, cols, "RECIPIENT PROFILE URLS"), ";")
		if layout2018 && m.conv == "" {
			// The 2018 layout has no conversation id: the people and the
			// subject make one.
			ids := append([]string{rapport.NameKey(m.from)}, m.to...)
			for i := range ids {
				ids[i] = rapport.NameKey(ids[i])
			}
			sort.Strings(ids)
			m.conv = strings.Join(ids, "|") + "|" + strings.TrimPrefix(strings.ToLower(m.subject), "re: ")
		}
		msgs = append(msgs, m)
	}
	if layout2018 && len(me) == 0 {
		// The 2018 layout says which messages were yours.
		for _, m := range msgs {
			if m.dir == "OUTGOING" && m.from != "" {
				me = []string{m.from}
				break
			}
		}
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
