package vcard

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/rapport-app/rapport/internal/importer"
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
			strings.Join(p.URLs, ","), p.Org, p.Title, strings.Join(p.Tags, ","), strings.Join(p.Notes, "/"), p.Key}, "|"))
	}
	return out
}

func check(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestApple30(t *testing.T) {
	check(t, read(t, "apple.vcf"), []string{
		"Ada King Lovelace|ada@example.com,ada.home@example.com|+44 20 7946 0000|http://ada.example/,https://www.linkedin.com/in/ada-lovelace|Analytical Engines|Countess|Mentors,Friends|Met at the Babbage salon.\nLikes poetry, and engines.|",
		"Grace Hopper|grace@navy.example|||||||",
	})
}

func TestAndroidAndOutlook21(t *testing.T) {
	check(t, read(t, "android-outlook-21.vcf"), []string{
		"José Ñúñez|jose@example.ru|+7 912 345-67-89,+7 495 123 45 67|||||Привет, this is a long note that Android wraps with a soft line break.|",
		"Jürgen Müller||+49 30 1234567||Acme GmbH||||",
	})
}

func TestV40(t *testing.T) {
	check(t, read(t, "v4.vcf"), []string{
		"Alan Turing|alan@example.com|+44-1908-640404|https://turing.example|||||",
		"Only A Name||||||||vcard:uid:urn:uuid:00000000-0000-0000-0000-000000000001",
	})
}

func TestPhotosDoNotReachTheResult(t *testing.T) {
	data, _ := os.ReadFile("testdata/apple.vcf")
	norm, err := normalize(bytes.NewReader(data), "apple.vcf", new([]string), false)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(norm, []byte("PHOTO")) || bytes.Contains(norm, []byte("/9j/")) {
		t.Error("the photo survived normalisation")
	}
}

func TestErrors(t *testing.T) {
	for _, in := range []string{"", "hello\n", "BEGIN:VCARD\nVERSION:3.0\nFN:X\n"} {
		if _, err := Read(strings.NewReader(in), "x.vcf"); err == nil || !strings.Contains(err.Error(), "x.vcf") {
			t.Errorf("%q: %v, want an error naming the file", in, err)
		}
	}
}

// A card without END:VCARD would swallow the next card: the file is refused,
// naming the line where the next card begins.
func TestACardThatNeverEnds(t *testing.T) {
	in := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Unended\r\nEMAIL:ada@example.com\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob Next\r\nEMAIL:bob@example.com\r\nEND:VCARD\r\n"
	_, err := Read(strings.NewReader(in), "x.vcf")
	if err == nil || !strings.Contains(err.Error(), "x.vcf:5") || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("a card that never ends: %v", err)
	}
}

func FuzzRead(f *testing.F) {
	for _, name := range []string{"apple.vcf", "android-outlook-21.vcf", "v4.vcf"} {
		b, _ := os.ReadFile("testdata/" + name)
		f.Add(b)
	}
	f.Add([]byte("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\nPHOTO:data:image/png;base64,iVBORw0KGgo=\r\nEND:VCARD\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, photos := range []bool{false, true} {
			res, err := ReadWith(bytes.NewReader(data), "fuzz.vcf", Options{Photos: photos})
			if err != nil {
				continue
			}
			if len(res.People)+res.Skipped != res.Read {
				t.Fatalf("read %d, people %d, skipped %d", res.Read, len(res.People), res.Skipped)
			}
			for _, p := range res.People {
				if p.Photo != nil && (!photos || len(p.Photo.Data) > importer.MaxPhoto) {
					t.Fatalf("photo %d bytes kept (asked: %v)", len(p.Photo.Data), photos)
				}
			}
		}
	})
}

// python-vobject (as khard and other Python address books write) escapes
// semicolons in text and ORG, folds long lines anywhere, and may use \N.
func TestVobjectEscapes(t *testing.T) {
	check(t, read(t, "vobject.vcf"), []string{
		"Zoë Ångström|zoe@example.se,zoe@corp.example|+44 20 7946 0900||Acme; Sons|Engineer, senior|friends,work|Met at the conference; talked about sensors, mostly.\nAsk about the book.|",
	})
}

// Character sets as phones and Outlook write them: declared without
// quoted-printable (ISO-8859-1, Shift_JIS), undeclared Windows-1252, and a
// UTF-16 file; a 2.1 photo whose base64 lines are not folded; an email with
// a display name; two notes.
func TestCharsetsAndOldQuirks(t *testing.T) {
	for file, want := range map[string][]string{
		"charsets-21.vcf": {"Søren Jørgensen|+45 20 12 34 56||first note/second note", "山田太郎||omega@example.com|", "François Müller||francois@example.fr|"},
		"utf16.vcf":       {"Zoë Ünal||zoe@example.com|"},
	} {
		f, err := os.Open("testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Read(f, file)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var got []string
		for _, p := range res.People {
			got = append(got, strings.Join([]string{p.Name, strings.Join(p.Phones, " "), strings.Join(p.Emails, " "), strings.Join(p.Notes, "/")}, "|"))
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s:\n%s\nwant\n%s", file, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// A card that cannot be read costs that card, and a line that is not a
// property costs that line, both reported; the rest of the file is read.
func TestOneBadCardOrLineIsLeftOut(t *testing.T) {
	in := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.com\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad Param\r\nTEL;TYPE=\"cell:+1 650 253 0000\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nthis line is no property\r\nEMAIL:grace@example.com\r\nEND:VCARD\r\n"
	res, err := Read(strings.NewReader(in), "x.vcf")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range res.People {
		names = append(names, p.Name)
	}
	notes := strings.Join(res.Notes, "\n")
	if got := strings.Join(names, ", "); !strings.Contains(got, "Ada Lovelace") || !strings.Contains(got, "Grace Hopper") {
		t.Errorf("people %q", got)
	}
	if !strings.Contains(notes, "x.vcf:14: no ':'") || res.Read != 3 || len(res.People)+res.Skipped != res.Read {
		t.Errorf("read %d, skipped %d, notes:\n%s", res.Read, res.Skipped, notes)
	}
}

// tinyPNG is a real 2x2 picture.
func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{200, 30, 30, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Photos are kept only when asked for, in each version's form, and only
// real pictures within the limit; the others cost the photo, said, not the card.
func TestPhotosWhenAskedFor(t *testing.T) {
	pic := tinyPNG(t)
	b64 := base64.StdEncoding.EncodeToString(pic)
	fold := func(s string) string { // 3.0 folding, every 20 characters
		var out strings.Builder
		for len(s) > 20 {
			out.WriteString(s[:20] + "\r\n ")
			s = s[20:]
		}
		return out.String() + s
	}
	big := base64.StdEncoding.EncodeToString(append(append([]byte(nil), pic...), make([]byte, 300<<10)...))
	svg := base64.StdEncoding.EncodeToString([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
	file := strings.Join([]string{
		"BEGIN:VCARD", "VERSION:2.1", "N:One;Ann", "FN:Ann One", "PHOTO;ENCODING=BASE64;PNG:" + b64[:16], b64[16:40], b64[40:], "", "END:VCARD",
		"BEGIN:VCARD", "VERSION:3.0", "FN:Bo Two", "PHOTO;ENCODING=b;TYPE=PNG:" + fold(b64), "END:VCARD",
		"BEGIN:VCARD", "VERSION:4.0", "FN:Cy Three", "PHOTO:data:image/png;base64," + b64, "END:VCARD",
		"BEGIN:VCARD", "VERSION:4.0", "FN:Di Link", "PHOTO;MEDIATYPE=image/png:https://example.com/di.png", "END:VCARD",
		"BEGIN:VCARD", "VERSION:3.0", "FN:Ed Svg", "PHOTO;ENCODING=b;TYPE=SVG:" + svg, "END:VCARD",
		"BEGIN:VCARD", "VERSION:3.0", "FN:Flo Big", "PHOTO;ENCODING=b;TYPE=PNG:" + fold(big), "EMAIL:flo@example.com", "END:VCARD",
	}, "\r\n") + "\r\n"
	res, err := ReadWith(strings.NewReader(file), "photos.vcf", Options{Photos: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*importer.Photo{}
	for _, p := range res.People {
		got[p.Name] = p.Photo
	}
	if len(got) != 6 {
		t.Fatalf("people: %v", got)
	}
	for _, name := range []string{"Ann One", "Bo Two", "Cy Three"} {
		if p := got[name]; p == nil || p.Type != "image/png" || !bytes.Equal(p.Data, pic) {
			t.Errorf("%s: photo %+v, want the PNG", name, p)
		}
	}
	for _, name := range []string{"Di Link", "Ed Svg", "Flo Big"} {
		if got[name] != nil {
			t.Errorf("%s: kept a photo of type %s", name, got[name].Type)
		}
	}
	notes := strings.Join(res.Notes, "\n")
	if !strings.Contains(notes, "not a JPEG, PNG, GIF or WebP") || !strings.Contains(notes, "over the 256 KB kept") {
		t.Errorf("notes: %s", notes)
	}
	for _, p := range res.People {
		if p.Name == "Flo Big" && (len(p.Emails) != 1 || p.Emails[0] != "flo@example.com") {
			t.Errorf("the line after a too-big photo was lost: %+v", p)
		}
	}
	// Not asked for: no photo at all.
	res, err = Read(strings.NewReader(file), "photos.vcf")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.People {
		if p.Photo != nil {
			t.Errorf("%s: a photo without asking", p.Name)
		}
	}
}
