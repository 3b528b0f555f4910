package cli

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTerminalSafe(t *testing.T) {
	for in, want := range map[string]string{
		"Ada Lovelace\n":                    "Ada Lovelace\n",
		"García\tÅsa\r\n":                   "García\tÅsa\r\n",
		"\x1b[2J\x1b]0;pwned\x07Ada\n":      "\uFFFD[2J\uFFFD]0;pwned\uFFFDAda\n",
		"evil\u202egpj.exe\n":               "evil\uFFFDgpj.exe\n",
		"nul\x00 del\x7f c1\u009b\n":        "nul\uFFFD del\uFFFD c1\uFFFD\n",
		"bad \xff\xfe bytes\n":              "bad \uFFFD\uFFFD bytes\n",
		"\u2067isolate\u2069 and \u200fRLM": "\uFFFDisolate\uFFFD and \u200fRLM",
	} {
		var b bytes.Buffer
		w := &terminalSafe{w: &b}
		// Byte by byte: characters split across writes are kept whole.
		for i := 0; i < len(in); i++ {
			if _, err := w.Write([]byte{in[i]}); err != nil {
				t.Fatal(err)
			}
		}
		if b.String() != want {
			t.Errorf("%q → %q, want %q", in, b.String(), want)
		}
		var whole bytes.Buffer
		(&terminalSafe{w: &whole}).Write([]byte(in))
		if whole.String() != want {
			t.Errorf("%q in one write → %q, want %q", in, whole.String(), want)
		}
		if !utf8.Valid(b.Bytes()) || strings.ContainsAny(b.String(), "\x1b\x00\u202e") {
			t.Errorf("%q: unsafe output %q", in, b.String())
		}
	}
}
