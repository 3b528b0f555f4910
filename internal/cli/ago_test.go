package cli

import (
	"testing"
	"time"
)

// Days are calendar days in now's zone: late last night was yesterday,
// although less than 24 hours ago, and the clock change's 23-hour day is
// still one day.
func TestAgoCountsCalendarDays(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	at := func(s string, loc *time.Location) *time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	for _, c := range []struct {
		then, now string
		loc       *time.Location
		want      string
	}{
		{"2026-11-21 23:30", "2026-11-22 00:10", time.UTC, "2026-11-21 (yesterday)"},
		{"2026-11-22 00:05", "2026-11-22 23:55", time.UTC, "2026-11-22 (today)"},
		{"2026-11-20 12:00", "2026-11-22 09:00", time.UTC, "2026-11-20 (2d ago)"},
		{"2026-03-28 23:00", "2026-03-29 23:00", berlin, "2026-03-28 (yesterday)"}, // the spring change: 23 hours
		{"2026-11-21 23:30", "2026-11-22 00:10", berlin, "2026-11-21 (yesterday)"},
	} {
		if got := ago(at(c.then, c.loc), *at(c.now, c.loc)); got != c.want {
			t.Errorf("%s seen at %s (%s): %q, want %q", c.then, c.now, c.loc, got, c.want)
		}
	}
	if got := ago(nil, time.Now()); got != "never" {
		t.Errorf("never: %q", got)
	}
}
