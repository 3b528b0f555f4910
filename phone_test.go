package rapport

import "testing"

func TestPhonesNormalise(t *testing.T) {
	same := [][]string{
		{"+44 20 7946 0000", "+44 (0)20 7946 0000", "+442079460000", "0044 20 7946 0000"},
		{"+1 (555) 010-2030", "+1 555.010.2030"},
		{"020 7946 0000", "(020) 7946-0000"},
	}
	for _, group := range same {
		first, err := NormalizeHandle(HandlePhone, group[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range group[1:] {
			if got, err := NormalizeHandle(HandlePhone, v); err != nil || got != first {
				t.Errorf("%q -> %q, %v; want %q like %q", v, got, err, first, group[0])
			}
		}
	}
	for _, bad := range []string{"12", "call me", "+44 20 7946 0000 ext. 5"} {
		if _, err := NormalizeHandle(HandlePhone, bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
