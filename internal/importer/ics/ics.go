// Package ics reads iCalendar files (Google and Outlook exports): an event
// with attendees is a meeting with each of them; a recurring event counts once
// for each occurrence that has happened. Declined attendees and cancelled
// events are left out.
package ics

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/importer"
)

// maxOccurrences bounds how many times one recurring event is counted: the
// most recent ones, which weigh most, are kept.
const maxOccurrences = 2000

type attendee struct{ email, name string }

type event struct {
	uid, summary, where string
	start, end          time.Time
	allDay              bool
	video               bool
	organizer           attendee
	attendees           []attendee
	declined            []string    // addresses that declined: if one is yours, the event is not yours
	recur               []time.Time // occurrences, when recurring
	recurrenceID        time.Time   // set on an override of one occurrence
}

// Read parses a calendar. me are your addresses; without them, the address
// present in every event with attendees is taken to be you. Only occurrences
// up to until are counted.
func Read(r io.Reader, file string, me []string, until time.Time) (res *importer.Result, err error) {
	// go-ical panics on some malformed lines ("0;0=", found by fuzzing):
	// a broken file must be an error that names it, never a crash.
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, importer.Error(file, "malformed calendar (%v)", p)
		}
	}()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	data, orig := repair(data)
	// A file may hold several calendars, one after the other: all are read.
	dec := goical.NewDecoder(bytes.NewReader(data))
	cal, err := dec.Decode()
	if errors.Is(err, io.EOF) {
		return nil, importer.Error(file, "no calendar in the file (no BEGIN:VCALENDAR)")
	}
	for err == nil {
		var more *goical.Calendar
		if more, err = dec.Decode(); err == nil {
			cal.Children = append(cal.Children, more.Children...)
		}
	}
	if !errors.Is(err, io.EOF) {
		where := file
		if n := badLine(data, err); n > 0 && n <= len(orig) {
			where = importer.Where(file, orig[n-1])
		}
		return nil, importer.Error(where, "%v", err)
	}
	res = &importer.Result{}
	zs := readZones(cal)
	var events []event
	for i, comp := range cal.Children {
		if comp.Name != goical.CompEvent {
			continue
		}
		res.Read++
		where := fmt.Sprintf("%s: event %d", file, i+1)
		e, ok, err := readOne(comp, where, until, zs, &res.Notes)
		if err != nil {
			// One event that cannot be read costs that event, not the file.
			res.Notes = append(res.Notes, rapport.ErrorMessage(err)+", left out")
			res.Skipped++
			continue
		}
		if !ok {
			res.Skipped++
			continue
		}
		events = append(events, e)
	}
	events = applyOverrides(events)
	mine, err := whoAmI(events, me, file)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		if slices.ContainsFunc(e.declined, func(a string) bool { return mine[a] }) {
			res.Skipped++ // you declined it
			continue
		}
		if len(e.attendees) == 0 {
			res.Skipped++ // an organizer alone, or only rooms: not a meeting with anyone
			continue
		}
		var people []importer.Person
		seen := map[string]bool{}
		for _, a := range append([]attendee{e.organizer}, e.attendees...) {
			if a.email == "" || mine[a.email] || seen[a.email] {
				continue
			}
			seen[a.email] = true
			people = append(people, importer.Person{Name: a.name, Emails: []string{a.email}, Where: e.where})
		}
		if len(people) == 0 {
			res.Skipped++
			continue
		}
		kind, minutes := "meeting", int(e.end.Sub(e.start).Minutes())
		if e.video {
			kind = "video"
		}
		if e.allDay {
			kind, minutes = "event", 0
		}
		minutes = max(0, min(minutes, 24*60))
		by := rapport.ByThem
		if mine[e.organizer.email] || e.organizer.email == "" {
			by = rapport.ByMe
		}
		starts := e.recur
		if starts == nil {
			starts = []time.Time{e.start}
		}
		for _, at := range starts {
			if at.After(until) {
				continue
			}
			res.Touches = append(res.Touches, importer.Touch{Key: "ics:" + e.uid + ":" + at.UTC().Format(time.RFC3339), At: at.UTC(),
				Kind: kind, By: by, Channel: "calendar", Minutes: minutes, Note: e.summary, People: people, Where: e.where})
		}
	}
	return res, nil
}

// readOne is readEvent with a parser panic (go-ical has some) turned into
// an error for this event alone.
func readOne(comp *goical.Component, where string, until time.Time, zs zones, notes *[]string) (e event, ok bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			e, ok, err = event{}, false, importer.Error(where, "unreadable (%v)", p)
		}
	}()
	return readEvent(comp, where, until, zs, notes)
}

func readEvent(comp *goical.Component, where string, until time.Time, zs zones, notes *[]string) (event, bool, error) {
	e := event{where: where}
	if p := comp.Props.Get(goical.PropUID); p != nil { // required, yet missing from hand-made files
		e.uid = strings.TrimSpace(p.Value)
	}
	cancelled := false
	if p := comp.Props.Get(goical.PropStatus); p != nil && strings.EqualFold(p.Value, "CANCELLED") {
		if comp.Props.Get(goical.PropRecurrenceID) == nil {
			return e, false, nil
		}
		cancelled = true // a cancelled occurrence: it still removes that slot from its series
	}
	if p := comp.Props.Get(goical.PropSummary); p != nil {
		e.summary = strings.TrimSpace(p.Value)
	}
	startProp := comp.Props.Get(goical.PropDateTimeStart)
	if startProp == nil {
		return e, false, importer.Error(where, "no DTSTART")
	}
	var err error
	if e.start, err = dateTime(startProp, zs); err != nil {
		return e, false, importer.Error(where, "DTSTART %q: %v", startProp.Value, err)
	}
	e.allDay = startProp.ValueType() == goical.ValueDate || len(startProp.Value) == 8
	e.end = e.start
	if p := comp.Props.Get(goical.PropDateTimeEnd); p != nil {
		if e.end, err = dateTime(p, zs); err != nil {
			return e, false, importer.Error(where, "DTEND %q: %v", p.Value, err)
		}
	} else if p := comp.Props.Get(goical.PropDuration); p != nil {
		if d, err := p.Duration(); err == nil {
			e.end = e.start.Add(d)
		}
	}
	if e.uid == "" {
		e.uid = e.start.UTC().Format(time.RFC3339) + ":" + e.summary
	}
	if p := comp.Props.Get(goical.PropRecurrenceID); p != nil {
		if e.recurrenceID, err = dateTime(p, zs); err != nil {
			return e, false, importer.Error(where, "RECURRENCE-ID %q: %v", p.Value, err)
		}
	}
	if tz := startProp.Params.Get(goical.PropTimezoneID); tz != "" && !knownZone(tz, zs) {
		*notes = append(*notes, fmt.Sprintf("%s: time zone %q is neither in the file nor known: read as UTC", where, tz))
	}
	text := ""
	for _, k := range []string{goical.PropLocation, goical.PropDescription, "X-GOOGLE-CONFERENCE"} {
		if p := comp.Props.Get(k); p != nil {
			text += " " + strings.ToLower(p.Value)
		}
	}
	for _, v := range []string{"zoom.us", "meet.google.com", "teams.microsoft.com", "microsoft teams", "whereby.com", "webex.com"} {
		e.video = e.video || strings.Contains(text, v)
	}
	if p := comp.Props.Get(goical.PropOrganizer); p != nil {
		e.organizer = person(p)
	}
	for _, p := range comp.Props[goical.PropAttendee] {
		a := person(&p)
		if strings.EqualFold(p.Params.Get(goical.ParamParticipationStatus), "DECLINED") {
			e.declined = append(e.declined, a.email)
			continue
		}
		// Rooms and resources are not people; nor is an attendee with no
		// address to know them by.
		if cu := strings.ToUpper(p.Params.Get(goical.ParamCalendarUserType)); cu == "RESOURCE" || cu == "ROOM" || a.email == "" || !strings.Contains(a.email, "@") ||
			strings.Contains(a.email, "@resource.calendar.google.com") {
			continue
		}
		e.attendees = append(e.attendees, a)
	}
	if cancelled {
		e.attendees = nil
		return e, true, nil
	}
	if comp.Props.Get(goical.PropRecurrenceRule) != nil {
		set, z, err := recurrence(comp, startProp, zs)
		if err != nil {
			return e, false, importer.Error(where, "%v", err)
		}
		if set != nil {
			// Every occurrence up to until, keeping the most recent: a daily
			// stand-up since 2009 must not stop in 2016.
			it := set.Iterator()
			dropped := 0
			for n := 0; n < 1_000_000; n++ {
				t, ok := it()
				if ok && z != nil {
					t = z.utc(t) // occurrences follow the zone's wall clock across its changes
				}
				if !ok || t.After(until) {
					break
				}
				if len(e.recur) == maxOccurrences {
					e.recur = e.recur[1:]
					dropped++
				}
				e.recur = append(e.recur, t)
			}
			if dropped > 0 {
				*notes = append(*notes, fmt.Sprintf("%s: %d occurrences; the %d most recent counted", where, dropped+len(e.recur), maxOccurrences))
			}
		}
	}
	return e, true, nil
}

// applyOverrides applies RECURRENCE-ID overrides (a moved or cancelled
// instance of a series, as Google, Outlook and Apple export them): the
// original slot leaves its series, and the override stands on its own (a
// cancelled one, with no attendees, is then left out).
func applyOverrides(events []event) []event {
	moved := map[string]map[time.Time]bool{}
	for _, e := range events {
		if !e.recurrenceID.IsZero() {
			if moved[e.uid] == nil {
				moved[e.uid] = map[time.Time]bool{}
			}
			moved[e.uid][e.recurrenceID.UTC()] = true
		}
	}
	out := events[:0]
	for _, e := range events {
		if e.recurrenceID.IsZero() && e.recur != nil && moved[e.uid] != nil {
			kept := e.recur[:0]
			for _, t := range e.recur {
				if !moved[e.uid][t.UTC()] {
					kept = append(kept, t)
				}
			}
			e.recur = kept
		}
		if !e.recurrenceID.IsZero() {
			e.uid += "@" + e.recurrenceID.UTC().Format(time.RFC3339) // its own key
		}
		out = append(out, e)
	}
	return out
}

// badLine finds the line go-ical stopped at, which its errors do not say:
// the first content line without a colon, or the END line it did not expect;
// 0 when it cannot tell.
func badLine(data []byte, err error) int {
	var want string
	if _, got, ok := strings.Cut(err.Error(), ", got "); ok {
		want = "END:" + strings.Trim(got, `"`)
	}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case want != "" && strings.EqualFold(line, want):
			return i + 1
		case want == "" && line != "" && line[0] != ' ' && line[0] != '\t' && !strings.Contains(line, ":"):
			return i + 1
		}
	}
	return 0
}

// recurrence builds the occurrences of a recurring event from its RRULE,
// EXDATEs and RDATEs. go-ical's own RecurrenceSet fails on the Windows zone
// names Outlook writes (the whole import with it), reads one date where RFC
// 5545 allows a comma-separated list ("EXDATE:19960402T010000Z,19960403T010000Z"),
// and ignores RDATE; here every date is read as DTSTART is. When DTSTART is in
// one of the calendar's own zones, occurrences are made in its wall time and
// the zone is returned to turn each into an instant.
func recurrence(comp *goical.Component, startProp *goical.Prop, zs zones) (*rrule.Set, *zone, error) {
	opt, err := comp.Props.RecurrenceRule()
	if err != nil {
		return nil, nil, fmt.Errorf("RRULE: %v", err)
	}
	if opt == nil {
		return nil, nil, nil
	}
	start, z, err := wallTime(startProp, zs)
	if err != nil {
		return nil, nil, fmt.Errorf("DTSTART %q: %v", startProp.Value, err)
	}
	rule, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, nil, fmt.Errorf("RRULE: %v", err)
	}
	set := &rrule.Set{}
	set.RRule(rule)
	set.DTStart(start)
	for _, name := range []string{goical.PropExceptionDates, goical.PropRecurrenceDates} {
		for _, p := range comp.Props[name] {
			if strings.EqualFold(p.Params.Get(goical.ParamValue), "PERIOD") {
				continue // RDATE;VALUE=PERIOD: rare, and its start alone would do; left out
			}
			for _, v := range strings.Split(p.Value, ",") {
				one := p
				one.Value = strings.TrimSpace(v)
				t, _, err := wallTime(&one, zs)
				if err != nil {
					return nil, nil, fmt.Errorf("%s %q: %v", name, one.Value, err)
				}
				if name == goical.PropExceptionDates {
					set.ExDate(t)
				} else {
					set.RDate(t)
				}
			}
		}
	}
	return set, z, nil
}

// dateTime reads a date or date-time as an instant. A zone the zone database
// does not know (Outlook writes Windows names) is read from the calendar's
// own VTIMEZONE; without one, the time is taken as UTC.
func dateTime(p *goical.Prop, zs zones) (time.Time, error) {
	t, z, err := wallTime(p, zs)
	if err != nil || z == nil {
		return t, err
	}
	return z.utc(t), nil
}

// wallTime is dateTime that leaves a time in one of the calendar's own zones
// as its wall time (in UTC), and returns that zone.
func wallTime(p *goical.Prop, zs zones) (time.Time, *zone, error) {
	t, err := p.DateTime(time.UTC)
	tzid := p.Params.Get(goical.PropTimezoneID)
	if err == nil || tzid == "" {
		return t, nil, err
	}
	q := *p
	q.Params = goical.Params{}
	for k, v := range p.Params {
		if k != goical.PropTimezoneID {
			q.Params[k] = v
		}
	}
	t, err = q.DateTime(time.UTC)
	if z := zs.get(tzid); err == nil && z != nil && q.ValueType() != goical.ValueDate && len(q.Value) > 8 {
		return t, z, nil
	}
	// No VTIMEZONE for it: a quoted IANA name, or a Windows name, through the
	// zone database (else UTC, which readEvent notes).
	if loc := location(tzid); err == nil && loc != nil && q.ValueType() != goical.ValueDate && len(q.Value) > 8 {
		if lt, lerr := time.ParseInLocation("20060102T150405", strings.TrimSuffix(q.Value, "Z"), loc); lerr == nil {
			return lt.UTC(), nil, nil
		}
	}
	return t, nil, err
}

func person(p *goical.Prop) attendee {
	email := strings.TrimSpace(p.Value)
	if i := strings.Index(strings.ToLower(email), "mailto:"); i >= 0 {
		email = email[i+len("mailto:"):]
	}
	return attendee{email: strings.ToLower(email), name: strings.Trim(p.Params.Get(goical.ParamCommonName), `"`)}
}

// whoAmI returns your addresses: those given, or the one present in every
// event that has attendees.
func whoAmI(events []event, me []string, file string) (map[string]bool, error) {
	mine := map[string]bool{}
	for _, m := range me {
		mine[strings.ToLower(strings.TrimSpace(m))] = true
	}
	if len(mine) > 0 {
		return mine, nil
	}
	counts := map[string]int{}
	n := 0
	for _, e := range events {
		if len(e.attendees) == 0 {
			continue
		}
		n++
		seen := map[string]bool{}
		for _, a := range append([]attendee{e.organizer}, e.attendees...) {
			if a.email != "" && !seen[a.email] {
				seen[a.email] = true
				counts[a.email]++
			}
		}
	}
	var all []string
	for email, c := range counts {
		if c == n {
			all = append(all, email)
		}
	}
	sort.Strings(all)
	switch {
	case n == 0:
		return mine, nil
	case len(all) == 1 && n > 1:
		mine[all[0]] = true
		return mine, nil
	}
	return nil, importer.Error(file, "cannot tell which attendee is you: name your address with --me")
}
