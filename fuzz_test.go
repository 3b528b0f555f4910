package rapport

import (
	"strings"
	"testing"
	"time"
)

// User-typed times: never a panic, and an accepted time is in UTC, whatever
// the zone they are read in.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-11-22", "2026-11-22T09:30:00Z", "2026-11-22 09:30", "yesterday", "3d ago", "10w ago", "-1d ago", "d ago", " ago", "9999999999999999999d ago", "800000d ago", "1899-12-31", "2200-01-01", "9999-12-31T23:59:59Z"} {
		f.Add(s)
	}
	// In a zone east of UTC with a daylight-saving change, the night of it.
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 3, 29, 1, 30, 0, 0, berlin)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s, now)
		if err == nil && got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, not UTC", s, got)
		}
		if err == nil && (got.Before(MinTime) || !got.Before(MaxTime)) {
			t.Errorf("ParseTime(%q) = %v, outside the accepted range", s, got)
		}
		if _, merr := got.MarshalJSON(); err == nil && merr != nil {
			t.Errorf("ParseTime(%q) = %v, which JSON cannot hold: %v", s, got, merr)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("ParseTime(%q): error %v is not EINVALID", s, err)
		}
	})
}

// Handles from the outside world: never a panic; a normalised handle
// normalises to itself (the key is stable).
func FuzzNormalizeHandle(f *testing.F) {
	for _, s := range []string{"ada@example.com", "Ada <ADA@Example.com>", "+44 (20) 7946-0000", "linkedin.com/in/ada/", "https://www.x.com/ada", "", "@", "+", "http://", "mailto:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, kind := range []string{HandleEmail, HandlePhone, HandleURL} {
			n, err := NormalizeHandle(kind, s)
			if err != nil {
				continue
			}
			if strings.TrimSpace(n) == "" {
				t.Errorf("%s %q normalised to empty", kind, s)
			}
			if kind == HandlePhone {
				if again, err := NormalizeHandle(kind, n); err != nil || again != n {
					t.Errorf("phone %q -> %q -> %q, %v: not stable", s, n, again, err)
				}
			}
		}
	})
}
