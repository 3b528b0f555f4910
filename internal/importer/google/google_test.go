package google

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func read(t *testing.T, file string) []string {
	t.Helper()
	f, err := os.Open("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Read(f, file)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range res.People {
		out = append(out, strings.Join([]string{p.Name, strings.Join(p.Emails, ","), strings.Join(p.Phones, ","),
			strings.Join(p.URLs, ","), p.Org, p.Title, strings.Join(p.Tags, ","), strings.Join(p.Notes, "/")}, "|"))
	}
	return out
}

func TestCurrentExport(t *testing.T) {
	got := read(t, "contacts.csv")
	want := []string{
		"Ada King Lovelace|ada@example.com,ada@work.example,ada.home@example.com|+44 20 7946 0000,(020) 7946 0001|https://ada.example|Analytical Engines|Countess|Friends,Mentors|Met at the Babbage salon.\nLikes poetry.",
		"Grace Hopper|grace@navy.example|||US Navy|Rear Admiral||",
		"Acme Corp|info@acme.example|||Acme Corp|||",
	}
	if strings.Join(got, "\n--\n") != strings.Join(want, "\n--\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n--\n"), strings.Join(want, "\n--\n"))
	}
}

func TestOlderExport(t *testing.T) {
	got := read(t, "contacts-old.csv")
	if len(got) != 1 || got[0] != "Alan Turing|alan@example.com|+44 1908 640404||GCCS|Cryptanalyst|Bletchley|" {
		t.Errorf("got %q", got)
	}
}

func TestNotGoogle(t *testing.T) {
	for _, in := range []string{"", "a,b,c\n1,2,3\n"} {
		if _, err := Read(strings.NewReader(in), "x.csv"); err == nil || !strings.Contains(err.Error(), "x.csv") {
			t.Errorf("%q: %v", in, err)
		}
	}
}

// Structural damage is an error naming the line, never a row read shifted:
// an unclosed quote, a row with fewer fields than the header.
func TestDamagedRowsAreRefused(t *testing.T) {
	for in, want := range map[string]string{
		"First Name,Last Name,E-mail 1 - Value\nAda,\"Unclosed,ada@example.com\nBob,Next,bob@example.com\n": "x.csv:2: 2 fields where the header has 3: a quote opened here is never closed",
		"First Name,Last Name,E-mail 1 - Value\nAda,Lovelace,ada@example.com\nBob,bob@example.com\n":        "x.csv:3: 2 fields where the header has 3",
	} {
		if _, err := Read(strings.NewReader(in), "x.csv"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

func FuzzRead(f *testing.F) {
	for _, name := range []string{"contacts.csv", "contacts-old.csv"} {
		b, _ := os.ReadFile("testdata/" + name)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Read(bytes.NewReader(data), "fuzz.csv")
		if err != nil {
			return
		}
		if len(res.People)+res.Skipped != res.Read {
			t.Fatalf("read %d, people %d, skipped %d", res.Read, len(res.People), res.Skipped)
		}
		for _, p := range res.People {
			if p.Name == "" && len(p.Emails)+len(p.Phones)+len(p.URLs) == 0 {
				t.Fatalf("a person with no name and no handle: %+v", p)
			}
		}
	})
}

// Outlook's and Thunderbird's CSV exports look like Google's: their emails,
// phones, organisation and title are read, not only the names.
func TestOutlookAndThunderbird(t *testing.T) {
	for file, want := range map[string]string{
		"outlook.csv":     "Ada Lovelace|ada@example.com ada@home.example|+44 20 7946 0000|https://ada.example|Analytical Engines|Engineer",
		"thunderbird.csv": "Grace Hopper|grace@example.com|+1 650 253 0000||US Navy|Rear Admiral",
	} {
		f, err := os.Open("testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Read(f, file)
		f.Close()
		if err != nil || len(res.People) != 1 {
			t.Fatalf("%s: %v %+v", file, err, res)
		}
		p := res.People[0]
		got := strings.Join([]string{p.Name, strings.Join(p.Emails, " "), strings.Join(p.Phones, " "), strings.Join(p.URLs, " "), p.Org, p.Title}, "|")
		if got != want {
			t.Errorf("%s: %s, want %s", file, got, want)
		}
	}
}
