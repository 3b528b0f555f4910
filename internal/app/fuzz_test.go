package app

import (
	"context"
	"math"
	"testing"

	"github.com/rapport-app/rapport"
)

// Any value given to any setting: refused as invalid, or taken with every
// strength still a number from 0 to 100 and the settings still readable.
func FuzzSetConfig(f *testing.F) {
	keys := settings()
	for _, v := range []string{"90", "0", "-1", "NaN", "Inf", "-Inf", "1e300", "abc", "default", "30d", " 12 ", "0x10", "1_000", "", "5e-324"} {
		for i := range keys {
			f.Add(uint8(i), v)
		}
	}
	a := newApp(f, now)
	ctx := context.Background()
	if _, err := a.AddPerson(ctx, "Ada Lovelace", PersonEdit{}); err != nil {
		f.Fatal(err)
	}
	for _, d := range []string{"2020-01-01", "2026-06-01", "2026-11-20"} {
		if _, err := a.Log(ctx, LogInput{Ref: "ada", Kind: "meeting", At: at(a, d), Minutes: 60}); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, key uint8, value string) {
		s := keys[int(key)%len(keys)]
		err := a.SetConfig(ctx, s.key, value)
		if err != nil && rapport.ErrorCode(err) != rapport.EINVALID {
			t.Fatalf("config set %s %q: %v", s.key, value, err)
		}
		if _, err := a.Config(ctx); err != nil {
			t.Fatalf("config after set %s %q: %v", s.key, value, err)
		}
		d, err := a.Show(ctx, "ada")
		if err != nil {
			t.Fatalf("show after set %s %q: %v", s.key, value, err)
		}
		if math.IsNaN(d.Strength) || d.Strength < 0 || d.Strength > 100 {
			t.Fatalf("config set %s %q: strength %v", s.key, value, d.Strength)
		}
		if err == nil {
			if err := a.SetConfig(ctx, s.key, "default"); err != nil {
				t.Fatal(err)
			}
		}
	})
}
