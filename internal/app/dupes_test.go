package app

import (
	"context"
	"testing"

	"github.com/rapport-app/rapport"
)

func TestDupesAndMerge(t *testing.T) {
	a := newApp(t, now)
	ctx := context.Background()
	ada := must[*PersonDetail](t)(a.AddPerson(ctx, "Ada Lovelace", PersonEdit{AddEmails: []string{"ada@example.com"}, AddTags: []string{"mentor"}}))
	adaL := must[*PersonDetail](t)(a.AddPerson(ctx, "Ada L.", PersonEdit{AddPhones: []string{"+44 20 7946 0000"}, Org: ptr("AE"), AddTags: []string{"math"}}))
	jose := must[*PersonDetail](t)(a.AddPerson(ctx, "José García", PersonEdit{}))
	if _, err := a.AddPerson(ctx, "jose  garcia", PersonEdit{}); rapport.ErrorCode(err) != rapport.ECONFLICT {
		t.Fatalf("a second José García was added without force: %v", err)
	}
	must[*PersonDetail](t)(a.AddPerson(ctx, "jose  garcia", PersonEdit{Force: true}))
	must[*PersonDetail](t)(a.AddPerson(ctx, "Grace Hopper", PersonEdit{}))
	list := must[[]Dupe](t)(a.Dupes(ctx))
	if len(list) != 2 {
		t.Fatalf("dupes = %+v, want Ada's pair and José's", list)
	}

	// Both were at one meeting; each has their own history too.
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: ada.ID, Kind: "meeting", With: []string{adaL.ID, "grace"}, At: at(a, "2026-11-01")}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: ada.ID, Kind: "call", At: at(a, "2026-11-10")}))
	must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: adaL.ID, Kind: "meal", At: at(a, "2026-11-15")}))
	must[*rapport.Followup](t)(a.AddFollowup(ctx, adaL.ID, "send the deck", at(a, "2026-12-01")))

	merged := must[*PersonDetail](t)(a.Merge(ctx, ada.ID, adaL.ID))
	if merged.Interactions != 3 || len(merged.Phones) != 1 || merged.Org != "AE" || len(merged.Tags) != 2 || merged.Name != "Ada Lovelace" {
		t.Errorf("merged = %+v (%d interactions)", merged.Person, merged.Interactions)
	}
	if fs := must[[]FollowupView](t)(a.Followups(ctx, false)); len(fs) != 1 || fs[0].Person.ID != ada.ID {
		t.Errorf("the follow-up did not follow: %+v", fs)
	}
	// The meeting now has Ada once, so it is a meeting of two: the tie is what
	// a fresh history would give.
	fresh := newApp(t, now)
	must[*PersonDetail](t)(fresh.AddPerson(ctx, "Ada", PersonEdit{}))
	must[*PersonDetail](t)(fresh.AddPerson(ctx, "Grace", PersonEdit{}))
	must[*rapport.Interaction](t)(fresh.Log(ctx, LogInput{Ref: "ada", Kind: "meeting", With: []string{"grace"}, At: at(a, "2026-11-01")}))
	must[*rapport.Interaction](t)(fresh.Log(ctx, LogInput{Ref: "ada", Kind: "call", At: at(a, "2026-11-10")}))
	must[*rapport.Interaction](t)(fresh.Log(ctx, LogInput{Ref: "ada", Kind: "meal", At: at(a, "2026-11-15")}))
	if want := must[*PersonDetail](t)(fresh.Show(ctx, "ada")).Strength; merged.Strength != want {
		t.Errorf("merged strength %.1f, want %.1f", merged.Strength, want)
	}
	if _, err := a.Show(ctx, adaL.ID); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("the merged-away person still answers: %v", err)
	}
	if _, err := a.Merge(ctx, jose.ID, jose.ID); err == nil {
		t.Error("merging a person with themselves was accepted")
	}
	if list := must[[]Dupe](t)(a.Dupes(ctx)); len(list) != 1 {
		t.Errorf("after the merge: %+v", list)
	}
}
