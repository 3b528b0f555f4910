package app

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/importer"
	"github.com/rapport-app/rapport/internal/store"
)

// A command that fails writes nothing; a command that succeeds can always be
// read back.
func TestAnswerChecksFirstAndReplacesItsFavour(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ada Lovelace", PersonEdit{}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "ada", Kind: "meeting", At: at(a, "2026-09-01"), By: "both"}))
	res := must[*AskResult](t)(a.Ask(ctx, AskInput{Ref: "ada", Action: "introduce", Force: true}))
	if !res.Recorded {
		t.Fatal("the ask was not recorded")
	}
	id := *res.ID
	favours := func() (int, float64) {
		l := must[*Ledger](t)(a.Ledger(ctx, "ada"))
		d := must[*PersonDetail](t)(a.Show(ctx, "ada"))
		return l.Gots, d.Strength
	}
	_, base := favours()
	for _, when := range []string{"2099-01-01", "2026-11-23T12:00:00Z"} {
		for _, o := range []string{"yes", "no"} {
			if _, err := a.Answer(ctx, id, o, at(a, when)); rapport.ErrorCode(err) != rapport.EINVALID {
				t.Errorf("answer %s --at %s: %v", o, when, err)
			}
		}
	}
	if ask := must[rapport.Ask](t)(a.DB.View().Ask(ctx, id)); ask.Outcome != rapport.OutcomePending {
		t.Fatalf("a refused answer was stored: %+v", ask)
	}
	must[*rapport.Ask](t)(a.Answer(ctx, id, "yes", nil))
	gots, oneYes := favours()
	if gots != 1 || !(oneYes > base) {
		t.Fatalf("after yes: %d favours, strength %.1f (was %.1f)", gots, oneYes, base)
	}
	must[*rapport.Ask](t)(a.Answer(ctx, id, "yes", nil))
	if gots, s := favours(); gots != 1 || s != oneYes {
		t.Errorf("yes, yes: %d favours, strength %.1f (one yes: %.1f)", gots, s, oneYes)
	}
	must[*rapport.Ask](t)(a.Answer(ctx, id, "no", nil))
	if gots, s := favours(); gots != 0 || s != base {
		t.Errorf("yes, yes, no: %d favours, strength %.1f (none: %.1f)", gots, s, base)
	}
	ask := must[*rapport.Ask](t)(a.Answer(ctx, id, "yes", nil))
	if gots, s := favours(); gots != 1 || s != oneYes || ask.Outcome != rapport.OutcomeYes {
		t.Errorf("yes, yes, no, yes: %d favours, strength %.1f, outcome %s", gots, s, ask.Outcome)
	}
}

func TestTimesOutsideTheRangeAreRefusedUpFront(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ada Lovelace", PersonEdit{}))
	// The front ends' parser refuses these words (rapport.ParseTime); the
	// app refuses the moments themselves, whoever passes them.
	day := func(y int, m time.Month, d int) *time.Time { return ptr(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) }
	for _, when := range []*time.Time{day(1899, 12, 31), day(1, 1, 1), ptr(now.AddDate(-800000/365, 0, 0))} {
		if _, err := a.Log(ctx, LogInput{Ref: "ada", Kind: "call", At: when}); rapport.ErrorCode(err) != rapport.EINVALID || rapport.ErrorField(err) != "at" {
			t.Errorf("log at %s: %v", when, err)
		}
	}
	for _, due := range []*time.Time{day(2200, 1, 1), day(9999, 12, 31), day(1, 1, 1)} {
		if _, err := a.AddFollowup(ctx, "ada", "send the deck", due); rapport.ErrorCode(err) != rapport.EINVALID || rapport.ErrorField(err) != "due" {
			t.Errorf("followup due %s: %v", due, err)
		}
		if _, err := a.AddGoal(ctx, "raise a round", nil, due); rapport.ErrorCode(err) != rapport.EINVALID || rapport.ErrorField(err) != "due" {
			t.Errorf("goal due %s: %v", due, err)
		}
	}
	if d := must[*PersonDetail](t)(a.Show(ctx, "ada")); d.Interactions != 0 {
		t.Errorf("refused times logged %d interactions", d.Interactions)
	}
	if fs := must[[]FollowupView](t)(a.Followups(ctx, true)); len(fs) != 0 {
		t.Errorf("refused times stored follow-ups: %+v", fs)
	}
}

func TestEverySettingHasARange(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ada Lovelace", PersonEdit{}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "ada", Kind: "meeting", At: at(a, "2026-09-01")}))
	before := must[*PersonDetail](t)(a.Show(ctx, "ada")).Strength
	for _, s := range settings() {
		for _, v := range []string{"NaN", "Inf", "-Inf", "1e300", "-1e300", "abc", "", fmtNum(s.lo - 1), fmtNum(s.hi * 2)} {
			if err := a.SetConfig(ctx, s.key, v); rapport.ErrorCode(err) != rapport.EINVALID {
				t.Errorf("config set %s %q: %v", s.key, v, err)
			}
		}
	}
	for _, s := range must[[]Setting](t)(a.Config(ctx)) {
		if s.Value != s.Default || s.Range == "" {
			t.Errorf("%s = %s (default %s), range %q", s.Key, s.Value, s.Default, s.Range)
		}
	}
	// Within its range, each setting keeps strengths finite and in 0..100.
	for _, s := range settings() {
		for _, v := range []float64{s.lo, s.hi} {
			if err := a.SetConfig(ctx, s.key, fmtNum(math.Round(v))); err != nil {
				continue // a bound the layers' order refuses (capacities must grow)
			}
			st := must[*PersonDetail](t)(a.Show(ctx, "ada")).Strength
			if math.IsNaN(st) || st < 0 || st > 100 {
				t.Errorf("%s = %v: strength %v", s.key, v, st)
			}
			if err := a.SetConfig(ctx, s.key, "default"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if after := must[*PersonDetail](t)(a.Show(ctx, "ada")).Strength; after != before {
		t.Errorf("strength %v after restoring every default, was %v", after, before)
	}
}

// An import is not refused for one odd value: text is repaired, values over
// their limits are cut, and the summary says where.
func TestImportRepairsAndBoundsWhatItReads(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	emails := make([]string, rapport.MaxList+50)
	for i := range emails {
		emails[i] = fmt.Sprintf("list%d@example.com", i)
	}
	res := &importer.Result{Read: 2, People: []importer.Person{
		{Name: "Mallory \x1b[31mRed\x1b[0m", Org: strings.Repeat("o", rapport.MaxText+10), Notes: []string{strings.Repeat("n", rapport.MaxNote+10)},
			Emails: append([]string{"\u202amallory@example.com\u202c"}, emails...), Where: "contacts.vcf: record 1"},
		{Name: "Trent", Emails: []string{"trent@example.com"}, Where: "contacts.vcf: record 2"},
	}, Touches: []importer.Touch{
		{Key: "m1", At: time.Date(1850, 1, 1, 0, 0, 0, 0, time.UTC), Kind: "email", By: rapport.ByMe, People: []importer.Person{{Name: "Trent", Emails: []string{"trent@example.com"}}}, Where: "mail.mbox:1"},
	}}
	sum := must[*ImportSummary](t)(a.Import(ctx, "vcard", res, false))
	joined := strings.Join(sum.Errors, "\n")
	for _, want := range []string{"record 1: name: control characters", "record 1: org: 1010 bytes, cut to the 1000 allowed",
		"record 1: note: 20010 bytes, cut", "record 1: 251 emails; the first 200 kept", "mail.mbox:1: dated before 1900, left out"} {
		if !strings.Contains(joined, want) {
			t.Errorf("summary errors lack %q:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, "record 2") {
		t.Errorf("a clean record was reported:\n%s", joined)
	}
	m := must[*PersonDetail](t)(a.Show(ctx, "mallory@example.com"))
	if m.Name != "Mallory [31mRed[0m" || len(m.Org) != rapport.MaxText || len(m.Notes[0].Text) != rapport.MaxNote || len(m.Emails) != rapport.MaxList {
		t.Errorf("stored %q, org %d, note %d, %d emails", m.Name, len(m.Org), len(m.Notes[0].Text), len(m.Emails))
	}
	if tr := must[*PersonDetail](t)(a.Show(ctx, "trent")); tr.Interactions != 0 {
		t.Errorf("a touch from 1850 was stored")
	}
}

// Ties stored by an earlier model are rebuilt once, on open.
func TestEnsureModelRebuildsOldTies(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	must[*PersonDetail](t)(a.AddPerson(ctx, "Ada Lovelace", PersonEdit{}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "ada", Kind: "meeting", Minutes: 480, At: at(a, "2026-11-01")}))
	want := must[*PersonDetail](t)(a.Show(ctx, "ada")).Strength
	id := must[*PersonDetail](t)(a.Show(ctx, "ada")).ID
	// What an earlier Rapport stored: another state, and an older revision.
	if err := a.DB.Update(ctx, func(tx *store.Tx) error {
		tie, err := a.loadTie(ctx, tx, id)
		if err != nil {
			return err
		}
		tie.Depth /= 4
		if err := a.saveTie(ctx, tx, id, tie); err != nil {
			return err
		}
		return tx.SetSetting(ctx, modelRevKey, "1")
	}); err != nil {
		t.Fatal(err)
	}
	if got := must[*PersonDetail](t)(a.Show(ctx, "ada")).Strength; got == want {
		t.Fatal("the old state did not change the strength: the test proves nothing")
	}
	if err := a.EnsureModel(ctx); err != nil {
		t.Fatal(err)
	}
	if got := must[*PersonDetail](t)(a.Show(ctx, "ada")).Strength; got != want {
		t.Errorf("after EnsureModel: %.1f, want %.1f", got, want)
	}
}

// Calibration speaks plainly: with no evidence the fit is the threshold you
// set, and evidence moves it from there, not from the shipped default.
func TestCalibrationStartsFromYourThreshold(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	thirty := 30.0
	must[rapport.Kind](t)(a.LadderSet(ctx, "call", RungEdit{Threshold: &thirty}))
	for _, c := range must[[]RungCalibration](t)(a.Calibrate(ctx, false)) {
		if c.Action == "call" && (c.N != 0 || c.Fitted != 30 || c.Current != 30 || c.Default != 25) {
			t.Errorf("call with no evidence: %+v, want the fit at your 30", c)
		}
	}
}

// Eight processes' worth of writers log to the same person at once, each
// through its own connections: nothing is lost, and the tie each write
// updated in place equals the tie rebuilt from the whole history afterwards
// (on PostgreSQL this is what SERIALIZABLE and its retries are for).
func TestConcurrentLogsLoseNothing(t *testing.T) {
	ctx := context.Background()
	path := testDB(t)
	first := newAppAt(t, path)
	must[*PersonDetail](t)(first.AddPerson(ctx, "Ada Lovelace", PersonEdit{}))
	const writers, each = 8, 6
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		a := newAppAt(t, path)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				when := now.Add(-time.Duration(w*each+i) * time.Hour)
				if _, err := a.Log(ctx, LogInput{Ref: "ada", Kind: []string{"call", "meeting", "email"}[i%3], At: &when}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("a concurrent log failed: %v", err)
	}
	d := must[*PersonDetail](t)(first.Show(ctx, "ada"))
	if d.Interactions != writers*each {
		t.Fatalf("%d interactions, want %d", d.Interactions, writers*each)
	}
	p, err := first.params(ctx, first.DB.View())
	if err != nil {
		t.Fatal(err)
	}
	if err := first.DB.Update(ctx, func(tx *store.Tx) error { return first.rebuild(ctx, tx, p) }); err != nil {
		t.Fatal(err)
	}
	if r := must[*PersonDetail](t)(first.Show(ctx, "ada")); math.Abs(r.Strength-d.Strength) > 1e-9 {
		t.Errorf("strength %v as the writers left it, %v rebuilt from the history", d.Strength, r.Strength)
	}
}

// newAppAt opens another App on the same database, as another process would.
func newAppAt(t *testing.T, path string) *App {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return New(db, func() time.Time { return now })
}
