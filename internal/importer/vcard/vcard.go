// Package vcard reads vCard 2.1, 3.0 and 4.0 files holding one card or many,
// as Apple Contacts, Android and Outlook write them. emersion/go-vcard parses
// 3.0 and 4.0; a normalisation pass first turns 2.1's quirks into 3.0:
// quoted-printable values (with their soft line breaks and charsets) are
// decoded, bare type markers (TEL;CELL) become TYPE parameters. Logos,
// sounds and keys are dropped before parsing, and photos too unless they are
// asked for (ReadWith, Options.Photos): then each card's photo is kept when
// it is an inline JPEG, PNG, GIF or WebP of at most importer.MaxPhoto bytes.
package vcard

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"unicode/utf8"

	govcard "github.com/emersion/go-vcard"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/importer"
)

// Options tune a read.
type Options struct {
	Photos bool // keep each card's photo (see importer.CheckPhoto)
}

// Read parses a vCard file, leaving photos out.
func Read(r io.Reader, file string) (*importer.Result, error) {
	return ReadWith(r, file, Options{})
}

// ReadWith parses a vCard file.
func ReadWith(r io.Reader, file string, opts Options) (*importer.Result, error) {
	res := &importer.Result{}
	norm, err := normalize(r, file, &res.Notes, opts.Photos)
	if err != nil {
		return nil, err
	}
	cards, err := splitCards(norm, file)
	if err != nil {
		return nil, err
	}
	if len(cards) == 0 {
		return nil, importer.Error(file, "no vCard in the file (no BEGIN:VCARD)")
	}
	for i, raw := range cards {
		// Each card on its own: one that cannot be read costs that card,
		// reported, not the file.
		where := fmt.Sprintf("%s: card %d", file, i+1)
		card, err := govcard.NewDecoder(bytes.NewReader(raw)).Decode()
		if err != nil {
			res.Read++
			res.Skipped++
			res.Notes = append(res.Notes, fmt.Sprintf("%s: %v; card left out", where, err))
			continue
		}
		res.Read++
		p := person(card, where)
		if p.Name == "" && len(p.Emails)+len(p.Phones)+len(p.URLs) == 0 {
			res.Skipped++
			continue
		}
		res.People = append(res.People, p)
	}
	return res, nil
}

// splitCards cuts normalised vCard text into its cards, BEGIN to END. A card
// the file ends inside (truncated) is structural damage: an error.
func splitCards(norm []byte, file string) ([][]byte, error) {
	var cards [][]byte
	var cur []byte
	open := false
	for _, l := range bytes.SplitAfter(norm, []byte("\r\n")) {
		u := bytes.ToUpper(bytes.TrimSpace(l))
		switch {
		case bytes.Equal(u, []byte("BEGIN:VCARD")):
			open, cur = true, append([]byte(nil), l...)
		case open && bytes.Equal(u, []byte("END:VCARD")):
			cards = append(cards, append(cur, l...))
			open, cur = false, nil
		case open:
			cur = append(cur, l...)
		}
	}
	if open {
		return nil, importer.Error(file, "card %d: no END:VCARD before the end of the file (truncated?); the file was not imported", len(cards)+1)
	}
	return cards, nil
}

func person(card govcard.Card, where string) importer.Person {
	p := importer.Person{Where: where}
	p.Name = text(card.Value(govcard.FieldFormattedName))
	if p.Name == "" {
		if n := card.Name(); n != nil {
			p.Name = strings.Join(strings.Fields(strings.Join([]string{n.HonorificPrefix, n.GivenName, n.AdditionalName, n.FamilyName, n.HonorificSuffix}, " ")), " ")
		}
	}
	for _, v := range card.Values(govcard.FieldEmail) {
		v = strings.TrimSpace(strings.TrimPrefix(v, "mailto:"))
		if strings.Contains(v, "<") { // EMAIL:"Omega" <omega@example.com>
			if a, err := mail.ParseAddress(v); err == nil {
				v = a.Address
				if p.Name == "" {
					p.Name = a.Name
				}
			}
		}
		if v != "" {
			p.Emails = append(p.Emails, v)
		}
	}
	for _, v := range card.Values(govcard.FieldTelephone) {
		if v = strings.TrimSpace(strings.TrimPrefix(v, "tel:")); v != "" {
			p.Phones = append(p.Phones, v)
		}
	}
	for _, key := range []string{govcard.FieldURL, "X-SOCIALPROFILE"} {
		for _, v := range card.Values(key) {
			if v = strings.TrimSpace(strings.ReplaceAll(v, `\:`, ":")); v != "" && strings.Contains(v, ".") {
				p.URLs = append(p.URLs, v)
			}
		}
	}
	if org := card.Value(govcard.FieldOrganization); org != "" {
		p.Org = components(org)[0] // the organisation; its units follow
	}
	p.Title = text(card.Value(govcard.FieldTitle))
	if p.Name == "" {
		p.Name = p.Org
	}
	for _, f := range card[govcard.FieldCategories] { // every CATEGORIES line, each a list
		for _, c := range strings.Split(f.Value, ",") {
			if c = strings.TrimSpace(c); c != "" {
				p.Tags = append(p.Tags, c)
			}
		}
	}
	for _, n := range card.Values(govcard.FieldNote) { // every NOTE, each its own note
		if note := text(n); note != "" {
			p.Notes = append(p.Notes, note)
		}
	}
	if v := card.Value("X-RAPPORT-PHOTO"); v != "" {
		if b, err := base64.StdEncoding.DecodeString(v); err == nil {
			p.Photo, _ = importer.CheckPhoto(b)
		}
	}
	if len(p.Emails)+len(p.Phones)+len(p.URLs) == 0 {
		if uid := card.Value(govcard.FieldUID); uid != "" {
			p.Key = "vcard:uid:" + uid
		} else if p.Name != "" {
			p.Key = "vcard:name:" + rapport.NameKey(p.Name)
		}
	}
	return p
}

// text finishes unescaping a text value: go-vcard turns "\,", "\n" and "\\"
// back but leaves "\;" (it must, for structured values such as ORG) and the
// "\N" some writers use for a line break.
func text(v string) string {
	return strings.TrimSpace(strings.NewReplacer(`\;`, ";", `\N`, "\n").Replace(v))
}

// components splits a structured value (ORG: "Acme\; Sons;R&D") at its
// unescaped semicolons, each part unescaped; there is always one.
func components(v string) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch {
		case v[i] == '\\' && i+1 < len(v) && v[i+1] == ';':
			b.WriteByte(';')
			i++
		case v[i] == ';':
			out = append(out, text(b.String()))
			b.Reset()
		default:
			b.WriteByte(v[i])
		}
	}
	return append(out, text(b.String()))
}

// dropped are properties whose values Rapport never keeps.
var dropped = map[string]bool{"PHOTO": true, "LOGO": true, "SOUND": true, "KEY": true}

// normalize unfolds lines, joins quoted-printable soft breaks, decodes
// quoted-printable values to UTF-8, turns bare 2.1 type markers into TYPE
// parameters, drops photos, and writes the result as vCard 3.0 lines.
func normalize(r io.Reader, file string, notes *[]string, photos bool) ([]byte, error) {
	// A UTF-16 file (with its byte-order mark) is read as such.
	br := bufio.NewReader(r)
	if b, err := br.Peek(2); err == nil && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF) {
		r = transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	} else {
		r = br
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 32*1024*1024)
	var out bytes.Buffer
	var cur string
	curLine, line, openedAt := 0, 0, 0
	flush := func() error {
		if cur == "" {
			return nil
		}
		// A card that never ends would swallow the next one: structural
		// damage, named by its line.
		switch strings.ToUpper(strings.TrimSpace(cur)) {
		case "BEGIN:VCARD":
			if openedAt > 0 {
				return importer.Error(importer.Where(file, curLine), "a card begins before the card begun at line %d ends (no END:VCARD); the file was not imported", openedAt)
			}
			openedAt = curLine
		case "END:VCARD":
			openedAt = 0
		}
		l, err := normalizeLine(cur, photos)
		if err != nil {
			// A line that is not a property costs that line, reported.
			*notes = append(*notes, fmt.Sprintf("%s: %v; line left out", importer.Where(file, curLine), err))
			cur = ""
			return nil
		}
		if l != "" {
			out.WriteString(l)
			out.WriteString("\r\n")
		}
		cur = ""
		return nil
	}
	blob := false // inside a 2.1 base64 photo whose lines are not folded
	keep := false // and that photo is kept
	for sc.Scan() {
		line++
		raw := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			raw = strings.TrimPrefix(raw, "\ufeff")
		}
		if blob {
			if t := strings.TrimSpace(raw); t != "" && !strings.Contains(t, ":") {
				if keep && len(cur) <= maxPhotoLine {
					cur += t // more of the picture, kept
				}
				continue // more of the picture
			}
			blob = false
		}
		if head, _, ok := strings.Cut(raw, ":"); ok && raw[0] != ' ' && raw[0] != '\t' {
			u := strings.ToUpper(head)
			name, _, _ := strings.Cut(u, ";")
			if i := strings.LastIndexByte(name, '.'); i >= 0 {
				name = name[i+1:]
			}
			blob = dropped[name] && (strings.Contains(u, "BASE64") || strings.Contains(u, "ENCODING=B"))
			keep = photos && name == "PHOTO"
		}
		switch {
		case cur != "" && (strings.HasPrefix(raw, " ") || strings.HasPrefix(raw, "\t")):
			if keep && len(cur) > maxPhotoLine {
				continue // a picture too big to keep: no need to hold all of it
			}
			cur += raw[1:] // folded line
		case cur != "" && isQP(cur) && strings.HasSuffix(cur, "="):
			cur = cur[:len(cur)-1] + "=\r\n" + raw // a soft line break: keep it for the QP decoder
		default:
			if err := flush(); err != nil {
				return nil, err
			}
			if strings.TrimSpace(raw) == "" {
				continue
			}
			cur, curLine = raw, line
		}
	}
	if err := sc.Err(); err != nil {
		return nil, importer.Error(file, "%v", err)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func isQP(l string) bool {
	i := strings.IndexByte(l, ':')
	return i > 0 && strings.Contains(strings.ToUpper(l[:i]), "QUOTED-PRINTABLE")
}

// maxPhotoLine is the longest PHOTO line held: the base64 of a picture a
// little over importer.MaxPhoto, enough to say that one is too big.
const maxPhotoLine = (importer.MaxPhoto+1024)*4/3 + 256

// normalizeLine rewrites one content line; "" drops it.
func normalizeLine(l string, photos bool) (string, error) {
	colon := strings.IndexByte(l, ':')
	if colon < 0 {
		if strings.HasPrefix(l, "=") { // the tail of a broken QP value: nothing to keep
			return "", nil
		}
		return "", fmt.Errorf("no ':' in %q", clip(l))
	}
	head, value := l[:colon], l[colon+1:]
	parts := strings.Split(head, ";")
	name := strings.ToUpper(parts[0])
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	if photos && name == "PHOTO" {
		return photoLine(head, value)
	}
	if dropped[name] {
		return "", nil
	}
	if name == "VERSION" {
		return "VERSION:3.0", nil
	}
	var params []string
	qp, charset := false, ""
	for _, p := range parts[1:] {
		k, v, hasEq := strings.Cut(p, "=")
		ku := strings.ToUpper(strings.TrimSpace(k))
		switch {
		case !hasEq && ku == "QUOTED-PRINTABLE", hasEq && ku == "ENCODING" && strings.EqualFold(v, "QUOTED-PRINTABLE"):
			qp = true
		case hasEq && ku == "CHARSET":
			charset = v
		case !hasEq && (ku == "BASE64" || ku == "8BIT" || ku == "7BIT"):
		case hasEq && ku == "ENCODING":
		case !hasEq && ku != "":
			params = append(params, "TYPE="+ku)
		case ku != "":
			params = append(params, ku+"="+v)
		}
	}
	if qp {
		decoded, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(value)))
		if err != nil {
			// Broken QP happens in the wild; keep what decodes.
			decoded = []byte(value)
		}
		value = strings.NewReplacer("\r\n", `\n`, "\n", `\n`).Replace(string(decoded))
	}
	// Every declared character set is decoded, quoted-printable or not
	// (CHARSET=SHIFT_JIS, Windows-125x, ISO-8859-x); a value that is not UTF-8
	// and declares nothing is most likely Windows-1252, as older Outlook and
	// phone exports write it.
	switch {
	case charset != "" && !strings.EqualFold(charset, "UTF-8"):
		if enc, err := htmlindex.Get(charset); err == nil {
			if s, err := enc.NewDecoder().String(value); err == nil {
				value = s
			}
		}
	case !utf8.ValidString(value):
		if s, err := charmap.Windows1252.NewDecoder().String(value); err == nil {
			value = s
		}
	}
	if len(params) > 0 {
		return parts[0] + ";" + strings.Join(params, ";") + ":" + value, nil
	}
	return parts[0] + ":" + value, nil
}

// photoLine turns an inline PHOTO, in any version's form, into
// X-RAPPORT-PHOTO:<base64> once its picture passes importer.CheckPhoto. A
// photo given as a link is left out: Rapport fetches nothing.
//
//	2.1  PHOTO;ENCODING=BASE64;JPEG:/9j/...   (or bare BASE64)
//	3.0  PHOTO;ENCODING=b;TYPE=JPEG:/9j/...
//	4.0  PHOTO:data:image/jpeg;base64,/9j/...
func photoLine(head, value string) (string, error) {
	u := strings.ToUpper(head)
	switch {
	case strings.HasPrefix(strings.ToLower(value), "data:"):
		meta, data, ok := strings.Cut(value, ",")
		if !ok || !strings.Contains(strings.ToLower(meta), ";base64") {
			return "", nil
		}
		value = data
	case strings.Contains(u, "BASE64") || strings.Contains(u, "ENCODING=B"):
	default:
		return "", nil // a link
	}
	value = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, value)
	if len(value)/4*3 > importer.MaxPhoto+3 {
		// Possibly cut short when read (maxPhotoLine): too big either way.
		return "", fmt.Errorf("the photo is over the %d KB kept", importer.MaxPhoto/1024)
	}
	b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(value, "="))
	if err != nil {
		return "", fmt.Errorf("the photo is not valid base64")
	}
	if _, err := importer.CheckPhoto(b); err != nil {
		return "", err
	}
	return "X-RAPPORT-PHOTO:" + base64.StdEncoding.EncodeToString(b), nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
