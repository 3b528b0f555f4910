package cli

import (
	"io"
	"unicode/utf8"

	"github.com/rapport-app/rapport"
)

// terminalSafe passes text through, with every character that could
// restyle a terminal or reorder what it shows (control characters but tab,
// new line and carriage return; bidirectional overrides and isolates) and
// every byte that is not UTF-8 replaced by U+FFFD. Stored text is repaired
// on its way in (rapport.Clean); this keeps whatever an older version
// stored, or a file name, from reaching a terminal raw.
type terminalSafe struct {
	w    io.Writer
	tail []byte // the start of a character split across writes
}

func (t *terminalSafe) Write(p []byte) (int, error) {
	n := len(p)
	if len(t.tail) > 0 {
		p = append(t.tail, p...)
		t.tail = nil
	}
	if safeBytes(p) {
		_, err := t.w.Write(p)
		return n, err
	}
	out := make([]byte, 0, len(p)+8)
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size == 1 && !utf8.FullRune(p[i:]) {
			t.tail = append(t.tail, p[i:]...) // finished by the next write
			break
		}
		switch {
		case r == utf8.RuneError && size == 1, r != '\r' && rapport.Unsafe(r):
			out = utf8.AppendRune(out, utf8.RuneError)
		default:
			out = append(out, p[i:i+size]...)
		}
		i += size
	}
	_, err := t.w.Write(out)
	return n, err
}

// safeBytes is the fast path: printable ASCII, tabs and line ends only.
func safeBytes(p []byte) bool {
	for _, b := range p {
		if b >= 0x7f || b < 0x20 && b != '\n' && b != '\t' && b != '\r' {
			return false
		}
	}
	return true
}
