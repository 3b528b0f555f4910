package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/importer"
	"github.com/rapport-app/rapport/internal/importer/formats"
)

func importLinkedIn(t *testing.T, a *App, dry bool, paths ...string) *ImportSummary {
	t.Helper()
	res, err := formats.Read("linkedin", paths, formats.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return must[*ImportSummary](t)(a.Import(context.Background(), "linkedin", res, dry))
}

func counts(t *testing.T, a *App) (people, interactions int) {
	t.Helper()
	ctx := context.Background()
	list := must[[]PersonSummary](t)(a.People(ctx, PeopleFilter{}))
	for _, p := range list {
		interactions += must[*PersonDetail](t)(a.Show(ctx, p.ID)).Interactions
	}
	return len(list), interactions
}

func TestImportIsIdempotentMergesAndDryRunWritesNothing(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	dir := t.TempDir() // an export folder: the two files of today's export
	for _, f := range []string{"Connections.csv", "messages.csv"} {
		b, err := os.ReadFile("../importer/linkedin/testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ada L.", PersonEdit{AddEmails: []string{"ADA@example.com"}, AddTags: []string{"mentor"}}))

	dry := importLinkedIn(t, a, true, dir)
	if p, i := counts(t, a); p != 1 || i != 0 {
		t.Fatalf("a dry run wrote: %d people, %d interactions", p, i)
	}
	first := importLinkedIn(t, a, false, dir)
	if first.PeopleCreated != dry.PeopleCreated || first.InteractionsCreated != dry.InteractionsCreated {
		t.Errorf("dry run %+v differs from the real one %+v", dry, first)
	}
	if first.PeopleCreated != 3 || first.PeopleMerged != 1 || first.InteractionsCreated != 4 {
		t.Errorf("first import: %+v", first)
	}
	ada := must[*PersonDetail](t)(a.Show(ctx, "ada@example.com"))
	if ada.Name != "Ada L." || ada.Org != "Analytical Engines" || len(ada.URLs) != 1 || len(ada.Tags) != 1 {
		t.Errorf("merged Ada must keep what was there and gain what was missing: %+v", ada.Person)
	}
	p1, i1 := counts(t, a)
	second := importLinkedIn(t, a, false, dir)
	if p2, i2 := counts(t, a); p2 != p1 || i2 != i1 || second.PeopleCreated != 0 || second.InteractionsCreated != 0 {
		t.Errorf("a second import changed things: %d→%d people, %d→%d interactions, %+v", p1, p2, i1, i2, second)
	}
}

func TestMalformedImportChangesNothing(t *testing.T) {
	a := newApp(t, now)
	dir := t.TempDir()
	good, _ := os.ReadFile("../importer/linkedin/testdata/Connections.csv")
	bad := strings.Replace(string(good), `"Alan","Turing"`, `"Alan,Turing`, 1) // a quote never closed
	if err := os.WriteFile(filepath.Join(dir, "Connections.csv"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := formats.Read("linkedin", []string{dir}, formats.Options{Now: now})
	if err == nil || !strings.Contains(err.Error(), "Connections.csv:10") || rapport.ErrorCode(err) != rapport.EINVALID {
		t.Fatalf("malformed file: %v, want an error naming the file and line", err)
	}
	if p, _ := counts(t, a); p != 0 {
		t.Errorf("%d people after a failed import", p)
	}
	if _, err := formats.Read("linkedin", []string{filepath.Join(dir, "nope.csv")}, formats.Options{Now: now}); err == nil {
		t.Error("a missing file was accepted")
	}
	// A record that fails after others were written rolls the whole import back.
	res := &importer.Result{People: []importer.Person{{Name: "Ada", Emails: []string{"ada@example.com"}}},
		Touches: []importer.Touch{{Key: "k", At: now, Kind: "dance", People: []importer.Person{{Name: "Bob"}}, Where: "f:3"}}}
	if _, err := a.Import(context.Background(), "test", res, false); err == nil || !strings.Contains(err.Error(), "f:3") {
		t.Fatalf("unknown kind: %v", err)
	}
	if p, _ := counts(t, a); p != 0 {
		t.Errorf("%d people after a rolled-back import", p)
	}
}

// A large import stores its interactions while it is still matching people
// (several chunks, people already there completed on the way, an error after
// chunks were stored): every touch lands once, with each of its people, and
// an import that fails midway leaves nothing.
func TestLargeImportStoresWhileMatching(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	for i := range 20 {
		must[*PersonDetail](t)(a.AddPerson(ctx, fmt.Sprintf("Known %d", i), PersonEdit{AddEmails: []string{fmt.Sprintf("p%d@example.com", i)}}))
	}
	const n = 9000 // more than one of the writer's chunks (8192)
	touches := func(kindAt int) *importer.Result {
		res := &importer.Result{}
		for i := range n {
			p := importer.Person{Name: fmt.Sprintf("Person %d", i%60), Emails: []string{fmt.Sprintf("p%d@example.com", i%60)}, Org: "Acme"}
			t := importer.Touch{Key: fmt.Sprintf("m%d", i), At: now.Add(-time.Duration(n-i) * time.Minute), Kind: "email", By: rapport.ByMe,
				People: []importer.Person{p}, Where: fmt.Sprintf("f:%d", i+1)}
			if i%7 == 0 {
				t.People = append(t.People, importer.Person{Emails: []string{fmt.Sprintf("p%d@example.com", (i+1)%60)}})
			}
			if i == kindAt {
				t.Kind = "dance"
			}
			res.Touches = append(res.Touches, t)
		}
		return res
	}
	if _, err := a.Import(ctx, "test", touches(n-1), false); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("f:%d", n)) {
		t.Fatalf("unknown kind at the end: %v", err)
	}
	if p, i := counts(t, a); p != 20 || i != 0 {
		t.Fatalf("a failed import left %d people, %d interactions", p, i)
	}
	sum := must[*ImportSummary](t)(a.Import(ctx, "test", touches(-1), false))
	if sum.InteractionsCreated != n || sum.PeopleCreated != 40 || sum.PeopleMerged != 20 {
		t.Fatalf("summary %+v", sum)
	}
	want := 0
	for i := range n {
		want++
		if i%7 == 0 && (i+1)%60 != i%60 {
			want++
		}
	}
	if p, i := counts(t, a); p != 60 || i != want {
		t.Fatalf("%d people, %d participations; want 60, %d", p, i, want)
	}
	known := must[*PersonDetail](t)(a.Show(ctx, "p3@example.com"))
	if known.Name != "Known 3" || known.Org != "Acme" {
		t.Errorf("a person already there: %+v, want their name kept and the org completed", known.Person)
	}
	if again := must[*ImportSummary](t)(a.Import(ctx, "test", touches(-1), false)); again.InteractionsCreated != 0 {
		t.Errorf("a second import created %d interactions", again.InteractionsCreated)
	}
}

// Different people who share a number are not one person: short codes,
// invalid numbers and a number shared by differently named records of the
// file never merge; a valid full number does, and the summary names both.
// Records whose only identifier was refused re-import without duplicates.
func TestImportMergesOnlyOnProof(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	imp := func(file string) *ImportSummary {
		res, err := formats.Read("vcard", []string{file}, formats.Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return must[*ImportSummary](t)(a.Import(ctx, "vcard", res, false))
	}
	sum := imp("testdata/shared-phones.vcf")
	if sum.PeopleCreated != 10 || len(sum.Merges) != 0 {
		t.Errorf("created %d people, merged %+v: want ten cards, ten people (L. Chan shares Lee Chan's number under another name: unproven)", sum.PeopleCreated, sum.Merges)
	}
	for _, name := range []string{"Asha Rao", "Vikram Rao", "Mum", "Dad", "Jo Bloggs", "Jane Doe", "Bidi Person", "Star Code", "L. Chan"} {
		if _, err := a.Show(ctx, name); err != nil {
			t.Errorf("%s was lost: %v", name, err)
		}
	}
	if d := must[*PersonDetail](t)(a.Show(ctx, "bidi")); len(d.Phones) != 1 {
		t.Errorf("the number wrapped in bidi marks: %v", d.Phones)
	}
	if again := imp("testdata/shared-phones.vcf"); again.PeopleCreated != 0 {
		t.Errorf("a second import created %d people", again.PeopleCreated)
	}
	// The unproven pair waits in dupes for you to decide.
	found := false
	for _, d := range must[[]Dupe](t)(a.Dupes(ctx)) {
		found = found || d.A.Name+"/"+d.B.Name == "L. Chan/Lee Chan" || d.A.Name+"/"+d.B.Name == "Lee Chan/L. Chan"
	}
	if !found {
		t.Error("L. Chan and Lee Chan are not offered in dupes")
	}
	// Another file with the same valid number under a third name: merged
	// into its owner, and said so with both names.
	lee := imp("testdata/lee-again.vcf")
	if lee.PeopleCreated != 0 || len(lee.Merges) != 1 || lee.Merges[0].Record != "Lee C." || lee.Merges[0].Into.Name != "Lee Chan" {
		t.Errorf("Lee C.: created %d, merges %+v", lee.PeopleCreated, lee.Merges)
	}
	// The merged name is kept: a reference by it still finds the person.
	if d, err := a.Show(ctx, "Lee C."); err != nil || d.Name != "Lee Chan" || len(d.Aliases) != 1 {
		t.Errorf("Lee C. after the merge: %v %+v", err, d)
	}
	// So does a merge by hand.
	must[*PersonDetail](t)(a.Merge(ctx, "Mum", "Dad"))
	if d, err := a.Show(ctx, "dad"); err != nil || d.Name != "Mum" {
		t.Errorf("Dad after merging him into Mum: %v %+v", err, d)
	}
}

// ImportFiles is the one way in for the CLI and the web: a source's files,
// or a JSON backup restored into an empty database, each refused the same
// way wherever it comes from.
func TestImportFilesOneWayIn(t *testing.T) {
	ctx := context.Background()
	a := newApp(t, now)
	sum := must[*ImportSummary](t)(a.ImportFiles(ctx, ImportRequest{Source: "vcard", Paths: []string{"testdata/shared-phones.vcf"}}))
	if sum.PeopleCreated == 0 {
		t.Fatalf("vcard: %+v", sum)
	}
	if _, err := a.ImportFiles(ctx, ImportRequest{Source: "google", Paths: []string{"x.csv"}, Photos: true}); rapport.ErrorField(err) != "photos" {
		t.Errorf("photos from a CSV: %v", err)
	}
	var backup bytes.Buffer
	if err := a.ExportJSON(ctx, &backup); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "backup.json")
	if err := os.WriteFile(file, backup.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	b := newApp(t, now)
	if _, err := b.ImportFiles(ctx, ImportRequest{Source: "json", Paths: []string{file}, DryRun: true}); rapport.ErrorCode(err) != rapport.EINVALID {
		t.Errorf("a dry run of a restore: %v", err)
	}
	got := must[*ImportSummary](t)(b.ImportFiles(ctx, ImportRequest{Source: "json", Paths: []string{file}}))
	if got.PeopleCreated != sum.PeopleCreated || got.Rows["people"] != sum.PeopleCreated {
		t.Errorf("restored %+v, want the %d people imported", got, sum.PeopleCreated)
	}
	if _, err := b.ImportFiles(ctx, ImportRequest{Source: "json", Paths: []string{file}}); rapport.ErrorCode(err) != rapport.ECONFLICT {
		t.Errorf("a restore into a database with data: %v", err)
	}
}
