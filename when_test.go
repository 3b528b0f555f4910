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
