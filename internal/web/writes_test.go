package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"

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
