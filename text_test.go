package rapport

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	for _, c := range []struct {
		in        string
		multiline bool
		want      string
		changed   bool
	}{
		{"Ada Lovelace", false, "Ada Lovelace", false},
		{"José Ñúñez 山田 🙂", false, "José Ñúñez 山田 🙂", false},
		{"\x1b[31mred\x1b[0m", false, "[31mred[0m", true},
		{"evil\u202egpj.exe", false, "evilgpj.exe", true},
		{"\u2066isolated\u2069", false, "isolated", true},
		{"a\x00b", false, "ab", true},
		{"bad \xff byte", false, "bad \uFFFD byte", true},
		{"\ufeffBOM", false, "BOM", true},
		{"line one\r\nline two\rthree\u2028four", true, "line one\nline two\nthree\nfour", true},
		{"line one\nline two", false, "line one line two", true},
		{"tab\there", true, "tab\there", false},
		{"tab\there", false, "tab here", true},
		{"RLM \u200f kept", false, "RLM \u200f kept", false},
	} {
		got, changed := Clean(c.in, c.multiline)
		if got != c.want || changed != c.changed {
			t.Errorf("Clean(%q, %v) = %q, %v; want %q, %v", c.in, c.multiline, got, changed, c.want, c.changed)
		}
	}
}

// Whatever comes in, what Clean returns is valid UTF-8 without a character
// that could restyle a terminal, keeps no line break where one line is
// wanted, and is clean already.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"Ada", "\x1b[2J", "a\u202eb", "\xff\xfe", "x\r\ny", "\t\n\u2029", "\u0085\u009b"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		got, _ := Clean(s, multiline)
		if !utf8.ValidString(got) {
			t.Fatalf("Clean(%q) = %q: not UTF-8", s, got)
		}
		for _, r := range got {
			if Unsafe(r) || r == '\r' {
				t.Fatalf("Clean(%q) = %q: keeps %U", s, got, r)
			}
		}
		if !multiline && strings.ContainsAny(got, "\n\t") {
			t.Fatalf("Clean(%q) one line = %q", s, got)
		}
		if again, changed := Clean(got, multiline); changed && again != got {
			t.Fatalf("Clean is not stable: %q → %q → %q", s, got, again)
		}
	})
}
