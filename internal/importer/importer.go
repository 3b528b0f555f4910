// Package importer holds what every import format produces: people as a
// source knows them and the touches it records, each with the line or record
// it came from. The formats live in subpackages, each an io.Reader in and
// these values out; internal/app merges them into the database.
package importer

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
)

// Person is someone as a source knows them.
type Person struct {
	Name   string
	Emails []string
	Phones []string
	URLs   []string
	Org    string
	Title  string
	Tags   []string
	Met    string
	Notes  []string
	// Key identifies the person in the source when no handle does (a
	// LinkedIn connection without a profile URL, a Facebook friend).
	Key string
	// Ref names the record in a source that keeps it (a card's URL in a
	// synced address book): the person it made is found by it again first,
	// whatever its handles have become since.
	Ref string
	// Where: "file:line" or "file: record N".
	Where string
	// Photo is the source's picture of them, when one was asked for and
	// passed CheckPhoto.
	Photo *Photo
}

// Photo is a picture: its media type, sniffed from its bytes, and the bytes.
type Photo struct {
	Type string
	Data []byte
}

// MaxPhoto is the largest picture kept, in bytes: a contact's thumbnail,
// not a camera's original.
const MaxPhoto = 256 << 10

// CheckPhoto accepts a picture that is a JPEG, PNG, GIF or WebP of at most
// MaxPhoto bytes, by its content (what a file says of itself is not
// trusted; SVG, which can carry script, never passes).
func CheckPhoto(b []byte) (*Photo, error) {
	if len(b) > MaxPhoto {
		return nil, fmt.Errorf("the photo is %d KB, over the %d KB kept", (len(b)+1023)/1024, MaxPhoto/1024)
	}
	switch t := http.DetectContentType(b); t {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
		return &Photo{Type: t, Data: b}, nil
	default:
		return nil, fmt.Errorf("the photo is not a JPEG, PNG, GIF or WebP picture (%s)", t)
	}
}

// Touch is an interaction a source records.
type Touch struct {
	Key     string // stable within the source: re-importing skips it
	At      time.Time
	Kind    string
	By      rapport.By
	Channel string
	Minutes int
	Note    string
	People  []Person // everyone else who took part
	Where   string
}

// Result is what a parser read.
type Result struct {
	People  []Person
	Touches []Touch
	Read    int // records read
	Skipped int // records read and deliberately left out (bulk mail, blank rows)
	// Notes are what the reader repaired or left out and why, each naming
	// where ("calendar.ics: event 12: no DTSTART, left out"): the summary's
	// errors carry them.
	Notes []string
	// Why counts the records skipped by reason ("bulk mail": 120).
	Why map[string]int
}

// Merge adds what o read to what r holds.
func (r *Result) Merge(o *Result) {
	r.People = append(r.People, o.People...)
	r.Touches = append(r.Touches, o.Touches...)
	r.Read += o.Read
	r.Skipped += o.Skipped
	r.Notes = append(r.Notes, o.Notes...)
	for why, n := range o.Why {
		if r.Why == nil {
			r.Why = map[string]int{}
		}
		r.Why[why] += n
	}
}

// Skip counts one record left out on purpose, and why.
func (r *Result) Skip(why string) {
	r.Skipped++
	if r.Why == nil {
		r.Why = map[string]int{}
	}
	r.Why[why]++
}

// Error is a malformed input, naming where.
func Error(where string, format string, args ...any) error {
	return rapport.Errorf(rapport.EINVALID, "%s: %s", where, fmt.Sprintf(format, args...))
}

// Where names a line of a file.
func Where(file string, line int) string { return fmt.Sprintf("%s:%d", file, line) }

// FixMojibake repairs text whose UTF-8 bytes were each written as a code point
// (Facebook's JSON, some LinkedIn names: "Ã©" for "é"). Text that is not of
// that shape is returned unchanged.
func FixMojibake(s string) string {
	b := make([]byte, 0, len(s))
	high := false
	for _, r := range s {
		if r > 0xFF {
			return s
		}
		if r >= 0x80 {
			high = true
		}
		b = append(b, byte(r))
	}
	if !high {
		return s
	}
	fixed := string(b)
	if !isValidUTF8(fixed) {
		return s
	}
	return fixed
}

func isValidUTF8(s string) bool {
	return strings.ToValidUTF8(s, "\uFFFD") == s
}

// CheckRow refuses a CSV row whose field count is not the header's: read as
// it stands it would put values under the wrong columns (a person named
// "Ada Unclosed,,,,,01 Jan 2020" when a quote was never closed and the
// rest of the file became one field). Structural damage names the line.
func CheckRow(file string, line int, rec []string, width int) error {
	if len(rec) == width {
		return nil
	}
	hint := ""
	for _, f := range rec {
		if strings.Contains(f, "\n") && strings.Count(f, ",") >= width-1 {
			hint = ": a quote opened here is never closed"
			break
		}
	}
	return Error(Where(file, line), "%d fields where the header has %d%s; the file was not imported", len(rec), width, hint)
}
