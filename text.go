package rapport

import (
	"strings"
	"unicode/utf8"
)

// Limits on what one input may hold. They are far above what a person types
// or a real export carries, and low enough that no request or file can make
// every page megabytes long or a write take seconds.
const (
	MaxText = 1000    // bytes in a one-line field: a name, an email, a tag, a want, a goal
	MaxNote = 20000   // bytes in a note
	MaxList = 200     // values in one list: a person's emails or tags, the people in one interaction
	MaxBody = 1 << 20 // bytes in a form or a JSON request
)

// CheckText refuses a value over its limit, naming the field and the limit.
func CheckText(field, v string, limit int) error {
	if len(v) > limit {
		return FieldErrorf(ETOOLARGE, field, "is %d bytes, more than the %d allowed", len(v), limit)
	}
	return nil
}

// CheckList refuses a list over MaxList values, or a value over limit bytes.
func CheckList(field string, vs []string, limit int) error {
	if len(vs) > MaxList {
		return FieldErrorf(ETOOLARGE, field, "has %d values, more than the %d allowed", len(vs), MaxList)
	}
	for _, v := range vs {
		if err := CheckText(field, v, limit); err != nil {
			return err
		}
	}
	return nil
}

// Clean applies Rapport's one rule for text that comes in, from any path (the
// CLI, the web, the API, every importer, a JSON backup): text is repaired,
// never refused. Bytes that are not UTF-8 become U+FFFD; control characters
// (C0 and C1, DEL), bidirectional embeddings, overrides and isolates, and
// byte-order marks are removed, so nothing stored can restyle a terminal or
// reorder what a page shows. A one-line value keeps no line breaks or tabs
// (each becomes a space); a multi-line value keeps its line breaks as "\n"
// and its tabs. Clean reports whether it changed anything, so that callers
// can warn.
func Clean(s string, multiline bool) (string, bool) {
	if isClean(s, multiline) {
		return s, false
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
			i++
			continue
		}
		i += n
		switch {
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				continue // \r\n is one break
			}
			fallthrough
		case r == '\n', r == '\u2028', r == '\u2029':
			if multiline {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r == '\t':
			if multiline {
				b.WriteByte('\t')
			} else {
				b.WriteByte(' ')
			}
		case Unsafe(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), true
}

func isClean(s string, multiline bool) bool {
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return false // a real U+FFFD is kept, but this cannot tell it from a bad byte
		case r == '\n' || r == '\t':
			if !multiline {
				return false
			}
		case r == '\r', r == '\u2028', r == '\u2029', Unsafe(r):
			return false
		}
	}
	return true
}

// Unsafe reports whether r is a character that must never reach a terminal
// or be stored: a control character other than tab and newline, a
// bidirectional embedding, override or isolate, or a byte-order mark.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20:
		return r != '\n' && r != '\t'
	case r >= 0x7f && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0xfeff:
		return true
	}
	return false
}
