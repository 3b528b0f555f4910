package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/importer"
	"github.com/rapport-app/rapport/internal/importer/formats"
	"github.com/rapport-app/rapport/internal/store"
)

func pngOf(t *testing.T, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 3, 3))
	img.Set(1, 1, c)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A photo from a vCard is kept only when asked for, never over one already
// there, follows a merge, goes with its person, and survives the JSON backup
// and the vCard export.
func TestPhotosFromVCards(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	red, blue := pngOf(t, color.RGBA{255, 0, 0, 255}), pngOf(t, color.RGBA{0, 0, 255, 255})
	dir := t.TempDir()
	card := func(name, email string, pic []byte) string {
		return "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:" + name + "\r\nEMAIL:" + email + "\r\nPHOTO:data:image/png;base64," + base64.StdEncoding.EncodeToString(pic) + "\r\nEND:VCARD\r\n"
	}
	imp := func(body string, photos bool) *ImportSummary {
		f := filepath.Join(dir, "c.vcf")
		if err := os.WriteFile(f, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		res, err := formats.Read("vcard", []string{f}, formats.Options{Now: now, Photos: photos})
		if err != nil {
			t.Fatal(err)
		}
		return must[*ImportSummary](t)(a.Import(ctx, "vcard", res, false))
	}
	if s := imp(card("Ada Lovelace", "ada@example.com", red), false); s.PhotosAdded != 0 || must[*PersonDetail](t)(a.Show(ctx, "ada")).Photo {
		t.Fatalf("a photo kept without asking: %+v", s)
	}
	if s := imp(card("Ada Lovelace", "ada@example.com", red), true); s.PhotosAdded != 1 || !must[*PersonDetail](t)(a.Show(ctx, "ada")).Photo {
		t.Fatalf("asked for: %+v", s)
	}
	if s := imp(card("Ada Lovelace", "ada@example.com", blue), true); s.PhotosAdded != 0 {
		t.Errorf("a second picture replaced the first: %+v", s)
	}
	if ph := must[*store.Photo](t)(a.Photo(ctx, "ada")); ph.Type != "image/png" || !bytes.Equal(ph.Data, red) {
		t.Errorf("the photo: %s, %d bytes", ph.Type, len(ph.Data))
	}
	// Merged: the picture follows the person kept when they have none.
	imp(card("Bob Byron", "bob@example.com", blue), true)
	must[*PersonDetail](t)(a.AddPerson(ctx, "Charles Babbage", PersonEdit{}))
	must[*PersonDetail](t)(a.Merge(ctx, "charles", "bob"))
	if ph := must[*store.Photo](t)(a.Photo(ctx, "charles")); !bytes.Equal(ph.Data, blue) {
		t.Error("the merged person's picture was lost")
	}
	// Backup and restore bring it back, byte for byte.
	var backup bytes.Buffer
	if err := a.ExportJSON(ctx, &backup); err != nil {
		t.Fatal(err)
	}
	b := newApp(t, now)
	must[*RestoreSummary](t)(b.RestoreJSON(ctx, bytes.NewReader(backup.Bytes()), "backup.json"))
	if ph := must[*store.Photo](t)(b.Photo(ctx, "ada")); !bytes.Equal(ph.Data, red) {
		t.Error("the restored picture differs")
	}
	// The vCard export carries it; read back, it is the same picture.
	var vcf bytes.Buffer
	if err := a.ExportVCard(ctx, &vcf, ExportFilter{}); err != nil {
		t.Fatal(err)
	}
	c := newApp(t, now)
	f := filepath.Join(dir, "export.vcf")
	if err := os.WriteFile(f, vcf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	res := must[*importer.Result](t)(formats.Read("vcard", []string{f}, formats.Options{Now: now, Photos: true}))
	if s := must[*ImportSummary](t)(c.Import(ctx, "vcard", res, false)); s.PhotosAdded != 2 {
		t.Errorf("the export's pictures read back: %+v", s)
	}
	if ph := must[*store.Photo](t)(c.Photo(ctx, "ada")); !bytes.Equal(ph.Data, red) {
		t.Error("the exported picture differs")
	}
	// Removed: back to initials; deleted with the person.
	if err := a.RemovePhoto(ctx, "ada"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Photo(ctx, "ada"); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("after removing: %v", err)
	}
	must[*DeleteResult](t)(a.DeletePerson(ctx, "charles", true))
	if n := must[map[string]store.Photo](t)(a.DB.View().Photos(ctx)); len(n) != 0 {
		t.Errorf("%d photos left after their people went", len(n))
	}
}
