package app

import (
	"bytes"
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/demo"
	"github.com/rapport-app/rapport/internal/importer/formats"
)

// export json, import into an empty database, export again: the same bytes,
// and the same figures.
func TestJSONBackupRoundTrip(t *testing.T) {
	ctx := context.Background()
	a := newApp(t, now)
	must[*DemoResult](t)(a.Demo(ctx, demo.Options{People: 80, Years: 2, Seed: 5}, nil))
	list := must[[]PersonSummary](t)(a.People(ctx, PeopleFilter{Limit: 3}))
	must[*AskResult](t)(a.Ask(ctx, AskInput{Ref: list[0].ID, Action: "reply", Force: true, Note: "quick question"}))
	must[*rapport.Followup](t)(a.AddFollowup(ctx, list[1].ID, "send the deck", at(a, "2026-12-01")))
	must[*AssignmentView](t)(a.NewAssignment(ctx, "", 30, false))
	seven := 7
	must[*PersonDetail](t)(a.EditPerson(ctx, list[2].ID, PersonEdit{Cadence: &seven, AddNotes: []string{"met at GopherCon"}}))
	must[rapport.Kind](t)(a.LadderAdd(ctx, "beta-test", RungEdit{Threshold: ptr(30.0)}))
	if err := a.SetConfig(ctx, "half_life", "90"); err != nil {
		t.Fatal(err)
	}
	// Cards known only by a key Rapport made (their numbers prove nothing):
	// the keys must survive the restore, or importing the file again
	// afterwards would add them twice.
	vcards := func(x *App) *ImportSummary {
		res, err := formats.Read("vcard", []string{"testdata/shared-phones.vcf"}, formats.Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return must[*ImportSummary](t)(x.Import(ctx, "vcard", res, false))
	}
	if sum := vcards(a); sum.PeopleCreated == 0 {
		t.Fatal("the vCards made no one")
	}

	var first bytes.Buffer
	if err := a.ExportJSON(ctx, &first); err != nil {
		t.Fatal(err)
	}
	b := newApp(t, now)
	must[*RestoreSummary](t)(b.RestoreJSON(ctx, bytes.NewReader(first.Bytes()), "backup.json"))
	var second bytes.Buffer
	if err := b.ExportJSON(ctx, &second); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatal("export, restore, export: the two backups differ")
	}
	if again := vcards(b); again.PeopleCreated != 0 {
		t.Errorf("the same vCards imported after the restore made %d people again", again.PeopleCreated)
	}
	for _, f := range []func(*App) any{
		func(x *App) any { return must[[]PersonSummary](t)(x.People(ctx, PeopleFilter{})) },
		func(x *App) any { return must[*Ladder](t)(x.Ladder(ctx)) },
		func(x *App) any { return must[*PlanView](t)(x.Plan(ctx, true, 0)) },
		func(x *App) any { return must[*Ledger](t)(x.Ledger(ctx, list[0].ID)) },
	} {
		if x, y := f(a), f(b); !reflect.DeepEqual(x, y) {
			t.Errorf("figures differ after a restore:\n%+v\n%+v", x, y)
		}
	}
	// Into a database with data: refused, nothing changed.
	if _, err := a.RestoreJSON(ctx, bytes.NewReader(first.Bytes()), "backup.json"); rapport.ErrorCode(err) != rapport.ECONFLICT {
		t.Errorf("restore into a full database: %v", err)
	}
	c := newApp(t, now)
	for _, bad := range []string{"{", `{"format":"other"}`, `{"format":"rapport-backup","schema":99}`,
		`{"format":"rapport-backup","schema":1,"tables":{"people":[{"id":"x"}]}}`} {
		if _, err := c.RestoreJSON(ctx, strings.NewReader(bad), "bad.json"); err == nil || !strings.Contains(err.Error(), "bad.json") {
			t.Errorf("restore %q: %v, want an error naming the file", bad, err)
		}
	}
	if n := must[[]PersonSummary](t)(c.People(ctx, PeopleFilter{})); len(n) != 0 {
		t.Errorf("failed restores left %d people", len(n))
	}
	// A live backup opens and holds the same people.
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := a.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	if err := a.Backup(ctx, path); rapport.ErrorCode(err) != rapport.ECONFLICT {
		t.Errorf("backup over an existing file: %v", err)
	}
}
