package formats

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// What a reader repaired or left out reaches the summary through Read, for
// one file and for several: a note dropped here would be a silent loss.
func TestReadKeepsEveryFilesNotes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	card := func(email string) string {
		return "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nEMAIL:" + email + "\r\nPHOTO;ENCODING=b;TYPE=JPEG:not base64!\r\nEND:VCARD\r\n"
	}
	a, b := write("a.vcf", card("ann@example.com")), write("b.vcf", card("bo@example.com"))
	ics := write("c.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:no start\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		source string
		paths  []string
		want   []string
	}{
		{"vcard", []string{a}, []string{"a.vcf:5: the photo is not valid base64"}},
		{"vcard", []string{a, b}, []string{"a.vcf:5:", "b.vcf:5:"}},
		{"vcard", []string{dir}, []string{"a.vcf:5:", "b.vcf:5:"}},
		{"ics", []string{ics}, []string{"c.ics"}},
	} {
		res, err := Read(c.source, c.paths, Options{Now: now, Photos: true, Me: []string{"me@example.com"}})
		if err != nil {
			t.Fatalf("%s %v: %v", c.source, c.paths, err)
		}
		notes := strings.Join(res.Notes, "\n")
		for _, w := range c.want {
			if !strings.Contains(notes, w) {
				t.Errorf("%s %v: notes %q, want one with %q", c.source, c.paths, res.Notes, w)
			}
		}
	}
}
