package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/store/pgtest"
)

// A passkey ceremony is answered once, within five minutes, for the member
// it was started for; a bad answer changes nothing. (The whole ceremony, with
// a browser's authenticator, is TestBrowserPasskey in the web package.)
func TestPasskeyCeremonies(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	ctx := context.Background()
	dir, _, pat, ann := acme(t, "Pat <pat@acme.example>", "Ann <ann@acme.example>", "member")
	rp := RelyingParty{ID: "rapport.example", Origin: "https://rapport.example"}
	opts, secret, err := dir.BeginPasskeySignIn(ctx, rp)
	if err != nil || !strings.Contains(string(opts), `"rpId":"rapport.example"`) || !strings.Contains(string(opts), `"challenge"`) {
		t.Fatalf("sign-in options: %v %s", err, opts)
	}
	if _, err := dir.FinishPasskeySignIn(ctx, rp, secret, []byte(`{"id":"x"}`)); rapport.ErrorCode(err) != rapport.EINVALID || !strings.Contains(err.Error(), "answer") {
		t.Errorf("a bad answer: %v", err)
	}
	if _, err := dir.FinishPasskeySignIn(ctx, rp, secret, []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "already answered") {
		t.Errorf("the same ceremony answered twice: %v", err)
	}
	// A ceremony started for Pat is not Ann's to finish, nor a sign-in's.
	_, patSecret, err := dir.BeginPasskey(ctx, &pat, rp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dir.FinishPasskey(ctx, &ann, rp, patSecret, "phone", []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "expired or was already answered") {
		t.Errorf("ann finishing pat's ceremony: %v", err)
	}
	_, late, err := dir.BeginPasskeySignIn(ctx, rp)
	if err != nil {
		t.Fatal(err)
	}
	dir.Now = func() time.Time { return now.Add(ceremonyFor + time.Second) }
	if _, err := dir.FinishPasskeySignIn(ctx, rp, late, []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("an answer after five minutes: %v", err)
	}
	if keys := must[[]Passkey](t)(dir.Passkeys(ctx, &pat)); len(keys) != 0 {
		t.Errorf("passkeys after failed ceremonies: %+v", keys)
	}
	if err := dir.RemovePasskey(ctx, &pat, "nope"); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("removing a passkey that is not there: %v", err)
	}
	if _, _, err := dir.BeginPasskey(ctx, nil, rp); rapport.ErrorCode(err) != rapport.EINVALID {
		t.Errorf("a passkey for no one: %v", err)
	}
}
