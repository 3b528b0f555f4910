package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
)

// A form that fails changes nothing: every field is checked before the first
// write.
func TestSettingsFormIsOneTransaction(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	before, _ := f.app.Budget(ctx)
	w := f.postForm("/settings", url.Values{"day": {"33"}, "cfg.half_life": {"abc"}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("a bad setting: %d", w.Code)
	}
	after, _ := f.app.Budget(ctx)
	if after.DayMinutes != before.DayMinutes {
		t.Errorf("a refused form changed the budget: %d → %d", before.DayMinutes, after.DayMinutes)
	}
	for _, bad := range []url.Values{
		{"cfg.half_life": {"NaN"}}, {"cfg.scale": {"Inf"}}, {"cfg.scale": {"1e300"}}, {"day": {"20"}, "cfg.layer.inner.capacity": {"-4"}},
	} {
		if w := f.postForm("/settings", bad); w.Code != http.StatusBadRequest {
			t.Errorf("%v: %d", bad, w.Code)
		}
	}
	cfg, _ := f.app.Config(ctx)
	for _, s := range cfg {
		if s.Value != s.Default {
			t.Errorf("a refused form changed %s to %s", s.Key, s.Value)
		}
	}
	if w := f.postForm("/settings", url.Values{"day": {"33"}, "cfg.half_life": {"90"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("a good form: %d %s", w.Code, w.Body)
	}
	if b, _ := f.app.Budget(ctx); b.DayMinutes != 33 {
		t.Errorf("budget after a good form: %d", b.DayMinutes)
	}
}

func TestPlanDoneIsOneTransactionAndOnce(t *testing.T) {
	f := newFixture(t, 120)
	ctx := context.Background()
	plan := decodeJSON[app.PlanView](t, f.get("/api/v1/today"))
	item := plan.Items[0]
	count := func() int {
		d, err := f.app.Show(ctx, item.Person.ID)
		if err != nil {
			t.Fatal(err)
		}
		return d.Interactions
	}
	n := count()
	form := url.Values{"person": {item.Person.ID}, "kind": {item.LogKind}, "action": {item.Action}, "followup": {"ffffffffffff"}}
	if w := f.postForm("/plan/done", form); w.Code != http.StatusNotFound {
		t.Errorf("an unknown follow-up: %d", w.Code)
	}
	if count() != n {
		t.Fatalf("a refused done logged an interaction")
	}
	form.Del("followup")
	for i := range 3 { // a double click, then a stale tab
		if w := f.postForm("/plan/done", form); w.Code != http.StatusSeeOther {
			t.Fatalf("done #%d: %d %s", i+1, w.Code, w.Body)
		}
	}
	if got := count(); got != n+1 {
		t.Errorf("the same plan item done three times logged %d interactions", got-n)
	}
}

// Input is bounded where it enters: a list or a field over its limit is a
// 413 naming the field and the limit, quickly, and changes nothing.
func TestOversizedInputIsRefused(t *testing.T) {
	f := newFixture(t, 0)
	n := f.count()
	var tags strings.Builder
	for i := range 60000 {
		if i > 0 {
			tags.WriteString(",")
		}
		fmt.Fprintf(&tags, `"t%d"`, i)
	}
	start := time.Now()
	w := f.postJSON("/api/v1/people", `{"name": "Tag Bomb", "tags": [`+tags.String()+`]}`)
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "tags") || !strings.Contains(w.Body.String(), "200") {
		t.Errorf("60,000 tags: %d %s", w.Code, w.Body)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("60,000 tags took %v to refuse", d)
	}
	long := strings.Repeat("x", rapport.MaxText+1)
	for _, body := range []string{`{"name": "` + long + `"}`, `{"name": "Ok", "org": "` + long + `"}`, `{"name": "Ok", "notes": ["` + strings.Repeat("y", rapport.MaxNote+1) + `"]}`} {
		if w := f.postJSON("/api/v1/people", body); w.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("a long field: %d %.100s", w.Code, w.Body)
		}
	}
	if w := f.postForm("/people", url.Values{"name": {"Form Bomb"}, "tags": {strings.Repeat("t,", 500)}}); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("a form with 500 tags: %d", w.Code)
	}
	if f.count() != n {
		t.Errorf("oversized input added people")
	}
}

// Text is repaired on the way in, by every path: nothing stored can restyle
// a terminal, and the JSON backup holds exactly what the database holds.
func TestControlCharactersAreRemovedOnTheWayIn(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	w := f.postJSON("/api/v1/people", `{"name": "Eve\u001b[2J \u202eLovelace", "org": "A\u0000B", "notes": ["line\r\nnext\u0007"]}`)
	if w.Code != http.StatusCreated {
		t.Fatalf("add: %d %s", w.Code, w.Body)
	}
	d := decodeJSON[app.PersonDetail](t, w)
	got, _ := f.app.Show(ctx, d.ID)
	if got.Name != "Eve[2J Lovelace" || got.Org != "AB" || got.Notes[0].Text != "line\nnext" {
		t.Errorf("stored %q, %q, %q", got.Name, got.Org, got.Notes[0].Text)
	}
	w = f.postForm("/people/"+d.ID+"/log", url.Values{"kind": {"call"}, "note": {"\x1b]0;title\x07hi \xff"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("log: %d %s", w.Code, w.Body)
	}
	got, _ = f.app.Show(ctx, d.ID)
	if got.Timeline[0].Note != "]0;titlehi \uFFFD" {
		t.Errorf("stored note %q", got.Timeline[0].Note)
	}
}
