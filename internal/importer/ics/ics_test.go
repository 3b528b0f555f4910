package ics

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
)

var until = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func read(t *testing.T, file string, me ...string) ([]string, int, int) {
	t.Helper()
	f, err := os.Open("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Read(f, file, me, until)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tc := range res.Touches {
		var who []string
		for _, p := range tc.People {
			who = append(who, p.Name+" <"+p.Emails[0]+">")
		}
		out = append(out, strings.Join([]string{tc.At.Format(time.RFC3339), tc.Kind, string(tc.By), strconv.Itoa(tc.Minutes), tc.Note, strings.Join(who, ",")}, "|"))
	}
	return out, res.Read, res.Skipped
}

func TestGoogleExport(t *testing.T) {
	got, read, skipped := read(t, "google.ics")
	// Pat is in every event with attendees: Pat is you. The weekly 1:1 had 7
	// occurrences by the 22nd (5 Oct … 16 Nov); the cancelled event and the
	// all-day event with no one are left out; Grace declined.
	if read != 4 || skipped != 2 || len(got) != 8 {
		t.Fatalf("read %d skipped %d, %d touches:\n%s", read, skipped, len(got), strings.Join(got, "\n"))
	}
	if got[0] != "2026-11-03T10:00:00Z|video|me|60|Hiring plan|Ada Lovelace <ada@example.com>" {
		t.Errorf("first: %s", got[0])
	}
	if got[1] != "2026-10-05T16:00:00Z|meeting|them|30|1:1|Alan Turing <alan@example.com>" || !strings.HasPrefix(got[7], "2026-11-16T16:00:00Z") {
		t.Errorf("weekly: %s … %s", got[1], got[7])
	}
}

func TestOutlookWindowsZoneAndMe(t *testing.T) {
	got, _, _ := read(t, "outlook.ics", "pat@example.com")
	if len(got) != 1 || got[0] != "2026-11-02T18:00:00Z|video|them|30|Abstraction review|Barbara Liskov <barbara@mit.example>" {
		t.Errorf("got %q", got)
	}
	// One event, two people: who is you cannot be told.
	f, _ := os.Open("testdata/outlook.ics")
	defer f.Close()
	if _, err := Read(f, "outlook.ics", nil, until); err == nil || !strings.Contains(err.Error(), "--me") {
		t.Errorf("without --me: %v", err)
	}
}

func TestErrors(t *testing.T) {
	for _, in := range []string{"", "garbage"} {
		if _, err := Read(strings.NewReader(in), "x.ics", nil, until); err == nil || !strings.Contains(err.Error(), "x.ics") {
			t.Errorf("%q: %v", in, err)
		}
	}
	// One event without DTSTART costs that event, reported; not the file.
	res, err := Read(strings.NewReader("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"), "x.ics", nil, until)
	if err != nil || res.Read != 1 || res.Skipped != 1 || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "x.ics: event 1: no DTSTART") {
		t.Errorf("an event without DTSTART: %v %+v", err, res)
	}
}

func FuzzRead(f *testing.F) {
	for _, name := range []string{"google.ics", "outlook.ics", "outlook-recurring.ics", "handmade.ics"} {
		b, _ := os.ReadFile("testdata/" + name)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Read(bytes.NewReader(data), "fuzz.ics", []string{"pat@example.com"}, until)
		if err != nil {
			return
		}
		for _, tc := range res.Touches {
			if tc.At.After(until) || len(tc.People) == 0 || tc.Minutes < 0 || tc.Minutes > 24*60 {
				t.Fatalf("bad touch %+v", tc)
			}
		}
	})
}

// Outlook writes a recurring meeting with a Windows zone name, EXDATE lists
// and RDATEs: each occurrence that happened counts, the excluded ones do not,
// the added one does; times follow the file's VTIMEZONE across the end of
// summer time (python-icalendar reads the first as 07:00Z too).
func TestOutlookRecurringMeeting(t *testing.T) {
	got, read, _ := read(t, "outlook-recurring.ics", "pat@example.com")
	var days []string
	for _, g := range got {
		days = append(days, g[:16])
	}
	// Mondays from 5 Oct, ten of them; 12 Oct, 19 Oct and 2 Nov excluded;
	// Thursday 22 Oct added; up to the 22nd of November.
	want := "2026-10-05T07:00 2026-10-22T12:00 2026-10-26T08:00 2026-11-09T08:00 2026-11-16T08:00"
	if read != 1 || strings.Join(days, " ") != want {
		t.Fatalf("occurrences %q, want %q", strings.Join(days, " "), want)
	}
	if !strings.HasSuffix(got[0], "|meeting|me|30|Weekly sync|Grace Hopper <grace@navy.example>") {
		t.Errorf("first: %s", got[0])
	}
}

// A hand-made calendar (as in python-icalendar's own tests) has no UID and
// floating times with an EXDATE list: it is read, each occurrence with a key
// of its own.
func TestHandmadeCalendarWithoutUID(t *testing.T) {
	f, err := os.Open("testdata/handmade.ics")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Read(f, "handmade.ics", []string{"pat@example.com"}, until)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	var days []string
	for _, tc := range res.Touches {
		keys[tc.Key] = true
		days = append(days, tc.At.Format("01-02"))
	}
	if strings.Join(days, " ") != "11-02 11-05 11-06" || len(keys) != 3 {
		t.Fatalf("occurrences %v, %d distinct keys", days, len(keys))
	}
}

// A malformed calendar is refused with the line go-ical stopped at.
func TestMalformedCalendarNamesTheLine(t *testing.T) {
	for in, want := range map[string]string{
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY=oops\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n": "x.ics:4:",
		"BEGIN:VCALENDAR\nVERSION\n\n :2.0\nEND:VCALENDAR\n":                                                "x.ics:2:",
		"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:1\nEND:VEVENT\nEND:VCALENDARD\n":                   "x.ics:6:",
	} {
		if _, err := Read(strings.NewReader(in), "x.ics", nil, until); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error at %s", in, err, want)
		}
	}
}

// A zone read from a VTIMEZONE gives each wall time the offset of the latest
// onset before it, whatever the year, including early January (last year's
// October onset) and the hour summer time starts.
func TestZoneFromVTimezone(t *testing.T) {
	f, err := os.Open("testdata/outlook-recurring.ics")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cal, err := goical.NewDecoder(f).Decode()
	if err != nil {
		t.Fatal(err)
	}
	z := readZones(cal)["W. Europe Standard Time"]
	if z == nil {
		t.Fatal("zone not read")
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zone database")
	}
	for _, wall := range []string{"2026-01-02 09:00", "2026-03-29 01:59", "2026-03-29 03:00", "2026-07-01 12:00", "2026-10-25 03:00", "2026-12-31 23:00", "2031-03-30 12:00", "1999-08-01 08:00"} {
		local, _ := time.Parse("2006-01-02 15:04", wall)
		want, _ := time.ParseInLocation("2006-01-02 15:04", wall, berlin)
		if got := z.utc(local); !got.Equal(want) {
			t.Errorf("%s: %s, want %s", wall, got.UTC(), want.UTC())
		}
	}
}

// Real calendars: a byte-order mark, a quoted TZID, BYDAY with spaces, a
// line that lost its folding space, an occurrence moved and one cancelled
// (RECURRENCE-ID), a room, a daily stand-up since 2009 in a Windows zone
// with no VTIMEZONE, an event I declined, an organizer alone, date-only
// values with a stray Z, an attendee without an address. None refuses the
// file; each is read as the major clients read it.
func TestRealWorldCalendar(t *testing.T) {
	f, err := os.Open("testdata/real-world.ics")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Read(f, "real-world.ics", []string{"pat@example.com"}, until)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string][]string{}
	for _, tc := range res.Touches {
		var who []string
		for _, p := range tc.People {
			who = append(who, p.Emails[0])
		}
		by[tc.Note] = append(by[tc.Note], tc.At.Format("2006-01-02T15:04")+" "+strings.Join(who, ","))
	}
	// Six weekly slots from Mon 5 Oct (10:00 New York is 14:00 UTC): the Wed
	// 7th moved to Thu 8th 15:00, the Mon 12th cancelled; the room is no one.
	if got := strings.Join(by["Weekly sync"], "; "); got != "2026-10-05T14:00 lin@example.com; 2026-10-14T14:00 lin@example.com; 2026-10-19T14:00 lin@example.com; 2026-10-21T14:00 lin@example.com" {
		t.Errorf("weekly sync: %s", got)
	}
	if got := strings.Join(by["Weekly sync (moved)"], "; "); got != "2026-10-08T19:00 lin@example.com" {
		t.Errorf("the moved occurrence: %s", got)
	}
	// The stand-up runs to now: the most recent 2,000 days, 09:30 Berlin.
	standup := by["Stand-up"]
	if len(standup) != maxOccurrences || !strings.HasSuffix(standup[len(standup)-1], "08:30 lin@example.com") || !strings.HasPrefix(standup[len(standup)-1], until.Format("2006-01")) {
		t.Errorf("stand-up: %d occurrences, last %q", len(standup), standup[len(standup)-1])
	}
	if len(by["A meeting I declined"])+len(by["Focus time"]) != 0 {
		t.Errorf("declined or lone events logged: %v %v", by["A meeting I declined"], by["Focus time"])
	}
	if got := strings.Join(by["Offsite"], "; "); got != "2026-11-01T00:00 kim@example.com; 2026-11-08T00:00 kim@example.com; 2026-11-15T00:00 kim@example.com" {
		t.Errorf("offsite: %s", got)
	}
	notes := strings.Join(res.Notes, "\n")
	if !strings.Contains(notes, "the 2000 most recent counted") {
		t.Errorf("the cap is not reported: %s", notes)
	}
}

// A bare VEVENT (no VCALENDAR around it) and several calendars in one file
// are read, as the reference readers read them.
func TestBareEventsAndSeveralCalendars(t *testing.T) {
	for in, want := range map[string]int{
		"BEGIN:VEVENT\r\nUID:1\r\nDTSTART:20261101T100000Z\r\nSUMMARY:Lunch\r\nORGANIZER:mailto:pat@example.com\r\nATTENDEE:mailto:kim@example.com\r\nEND:VEVENT\r\n": 1,
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20261101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n" +
			"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:2\r\nDTSTART:20261102T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n": 2,
	} {
		res, err := Read(strings.NewReader(in), "x.ics", []string{"pat@example.com"}, until)
		if err != nil || res.Read != want {
			t.Errorf("%q: %v, read %d, want %d", in[:40], err, res.Read, want)
		}
	}
}
