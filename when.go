package rapport

import (
	"strconv"
	"strings"
	"time"
)

// ParseTime reads a moment typed by a user: RFC 3339, "YYYY-MM-DD" (the
// start of that day), "YYYY-MM-DD HH:MM", or relative to now: "now",
// "today", "yesterday", "tomorrow", "3d ago", "2w ago", "5h ago", "in 3
// days", "in 2 weeks", "3d" (in three days), "next week", or a weekday
// ("friday": the next one). Dates and days are the user's: they are read in
// now's location (the user's time zone), so "2026-06-15" is the local 15
// June and "tomorrow" keeps the hour across a daylight-saving change. The
// result is in UTC.
func ParseTime(s string, now time.Time) (time.Time, error) {
	t, err := parseTime(s, now)
	if err != nil {
		return t, err
	}
	if t.Before(MinTime) || !t.Before(MaxTime) {
		return time.Time{}, FieldErrorf(EINVALID, "time", "%q: expected a moment between %d and %d", strings.TrimSpace(s), MinTime.Year(), MaxTime.Year()-1)
	}
	return t, nil
}

// The moments Rapport accepts: nothing before 1900 or from 2200 on is a
// touch, a due date or a now, and every stored moment can be written as
// RFC 3339 (which stops at year 9999).
var (
	MinTime = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

func parseTime(s string, now time.Time) (time.Time, error) {
	t, err := parseLocal(s, now)
	return t.UTC(), err
}

func parseLocal(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "now":
		return now, nil
	case "today":
		return now, nil
	case "yesterday":
		return now.AddDate(0, 0, -1), nil
	case "tomorrow":
		return now.AddDate(0, 0, 1), nil
	case "next week":
		return now.AddDate(0, 0, 7), nil
	}
	if d, ok := weekdays[strings.ToLower(strings.TrimPrefix(strings.ToLower(s), "next "))]; ok {
		ahead := (int(d) - int(now.Weekday()) + 7) % 7
		if ahead == 0 {
			ahead = 7 // "friday" on a Friday is the next one
		}
		return now.AddDate(0, 0, ahead), nil
	}
	if t, ok := ahead(strings.ToLower(s), now); ok {
		return t, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, now.Location()); err == nil {
			return t, nil
		}
	}
	if rest, ok := strings.CutSuffix(strings.ToLower(s), " ago"); ok && len(rest) > 1 {
		n, err := strconv.Atoi(rest[:len(rest)-1])
		if err == nil && n >= 0 {
			switch rest[len(rest)-1] {
			case 'h':
				return now.Add(-time.Duration(n) * time.Hour), nil
			case 'd':
				return now.AddDate(0, 0, -n), nil
			case 'w':
				return now.AddDate(0, 0, -7*n), nil
			}
		}
	}
	return time.Time{}, FieldErrorf(EINVALID, "time", "%q: expected YYYY-MM-DD, RFC 3339 (2026-11-22T09:30:00Z), today, yesterday, tomorrow, \"3d ago\", \"in 3 days\", \"3d\", \"next week\" or a weekday", s)
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ahead reads "in 3 days", "in 2 weeks", "in 5 hours", "3d", "2w".
func ahead(s string, now time.Time) (time.Time, bool) {
	s = strings.TrimSpace(strings.TrimPrefix(s, "in "))
	num, unit := s, ""
	if i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }); i > 0 {
		num, unit = s[:i], strings.TrimSpace(s[i:])
	} else {
		return time.Time{}, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n > 100000 {
		return time.Time{}, false
	}
	switch unit {
	case "h", "hour", "hours":
		return now.Add(time.Duration(n) * time.Hour), true
	case "d", "day", "days":
		return now.AddDate(0, 0, n), true
	case "w", "week", "weeks":
		return now.AddDate(0, 0, 7*n), true
	}
	return time.Time{}, false
}

// DayStart is the first moment of t's day in loc (a day may not start at
// midnight, and may last 23 or 25 hours, where the clocks change).
func DayStart(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
}

// ParseMinutes reads a duration typed by a user as minutes: "45", "45m",
// "1h30m", "2h". Negative durations are refused.
func ParseMinutes(s string) (int, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 {
			return 0, FieldErrorf(EINVALID, "minutes", "%q: must not be negative", s)
		}
		return n, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, FieldErrorf(EINVALID, "minutes", "%q: expected a number of minutes or a duration like 1h30m", s)
	}
	if d < 0 {
		return 0, FieldErrorf(EINVALID, "minutes", "%q: must not be negative", s)
	}
	return int(d.Round(time.Minute) / time.Minute), nil
}
