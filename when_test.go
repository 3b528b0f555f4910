package rapport

import (
	"testing"
	"time"
)

func TestParseTimeForms(t *testing.T) {
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC) // a Wednesday
	day := func(d int) string { return now.AddDate(0, 0, d).Format("2006-01-02") }
	for in, want := range map[string]string{
		"today": day(0), "tomorrow": day(1), "yesterday": day(-1), "3d ago": day(-3), "2w ago": day(-14),
		"in 3 days": day(3), "in 2 weeks": day(14), "3d": day(3), "1w": day(7), "next week": day(7),
		"friday": day(2), "Fri": day(2), "next friday": day(2), "wednesday": day(7), "monday": day(5),
		"2026-12-24": "2026-12-24", "2026-12-24T09:30:00Z": "2026-12-24",
	} {
		got, err := ParseTime(in, now)
		if err != nil || got.Format("2006-01-02") != want {
			t.Errorf("ParseTime(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"someday", "in three days", "3x", "next month", "-3d"} {
		if _, err := ParseTime(bad, now); err == nil {
			t.Errorf("ParseTime(%q) was accepted", bad)
		}
	}
}

// A date is a day in the user's zone, on either side of UTC; days ahead keep
// the hour across a change of the clocks; the result is always UTC.
func TestParseTimeInZones(t *testing.T) {
	zone := func(name string) *time.Location {
		l, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	tokyo, la, berlin := zone("Asia/Tokyo"), zone("America/Los_Angeles"), zone("Europe/Berlin")
	for _, c := range []struct {
		now  time.Time
		in   string
		want time.Time
	}{
		// Tokyo, 08:00 on 15 June: still the 14th in UTC.
		{time.Date(2026, 6, 15, 8, 0, 0, 0, tokyo), "2026-06-15", time.Date(2026, 6, 14, 15, 0, 0, 0, time.UTC)},
		{time.Date(2026, 6, 15, 8, 0, 0, 0, tokyo), "2026-06-15 09:30", time.Date(2026, 6, 15, 0, 30, 0, 0, time.UTC)},
		{time.Date(2026, 6, 15, 8, 0, 0, 0, tokyo), "tomorrow", time.Date(2026, 6, 15, 23, 0, 0, 0, time.UTC)},
		// Los Angeles, 20:00 on 14 June: already the 15th in UTC.
		{time.Date(2026, 6, 14, 20, 0, 0, 0, la), "2026-06-14", time.Date(2026, 6, 14, 7, 0, 0, 0, time.UTC)},
		{time.Date(2026, 6, 14, 20, 0, 0, 0, la), "yesterday", time.Date(2026, 6, 14, 3, 0, 0, 0, time.UTC)},
		{time.Date(2026, 6, 14, 20, 0, 0, 0, la), "2026-06-14T09:00:00Z", time.Date(2026, 6, 14, 9, 0, 0, 0, time.UTC)},
		// Berlin, the day before the clocks go forward (29 March 2026): a day
		// later is 23 hours later, and the same hour.
		{time.Date(2026, 3, 28, 12, 0, 0, 0, berlin), "tomorrow", time.Date(2026, 3, 29, 10, 0, 0, 0, time.UTC)},
		{time.Date(2026, 3, 28, 12, 0, 0, 0, berlin), "in 2 days", time.Date(2026, 3, 30, 10, 0, 0, 0, time.UTC)},
		{time.Date(2026, 3, 28, 12, 0, 0, 0, berlin), "2026-03-30", time.Date(2026, 3, 29, 22, 0, 0, 0, time.UTC)},
		{time.Date(2026, 3, 28, 12, 0, 0, 0, berlin), "2026-03-28", time.Date(2026, 3, 27, 23, 0, 0, 0, time.UTC)},
		// And back in October: a day is 25 hours.
		{time.Date(2026, 10, 24, 12, 0, 0, 0, berlin), "sunday", time.Date(2026, 10, 25, 11, 0, 0, 0, time.UTC)},
	} {
		got, err := ParseTime(c.in, c.now)
		if err != nil || !got.Equal(c.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) at %v = %v, %v; want %v in UTC", c.in, c.now, got, err, c.want)
		}
	}
	// The day a moment falls on is the user's.
	for _, c := range []struct {
		at   time.Time
		loc  *time.Location
		want time.Time
	}{
		{time.Date(2026, 6, 14, 23, 0, 0, 0, time.UTC), tokyo, time.Date(2026, 6, 15, 0, 0, 0, 0, tokyo)},
		{time.Date(2026, 6, 15, 3, 0, 0, 0, time.UTC), la, time.Date(2026, 6, 14, 0, 0, 0, 0, la)},
		{time.Date(2026, 3, 29, 12, 0, 0, 0, time.UTC), berlin, time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC)},
	} {
		if got := DayStart(c.at, c.loc); !got.Equal(c.want) {
			t.Errorf("DayStart(%v, %v) = %v, want %v", c.at, c.loc, got, c.want)
		}
	}
}
