package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/store"
)

// AppToken is an app password, as listed: never its secret.
type AppToken = store.AppToken

// App passwords let a device (a phone's Contacts, Thunderbird, vdirsyncer)
// sign in to the address book: each is 32 random bytes shown once, of which
// only the SHA-256 is kept (a slow hash adds nothing to a secret that
// random), named for the device and revocable on its own. They are never the
// web's token, and the web's token never opens the address book.

// NewSecret makes a random secret: 32 bytes, URL-safe base64.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func secretHash(secret string) string {
	h := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	return hex.EncodeToString(h[:])
}

// CreateAppToken makes an app password for a device and returns it with its
// secret, which is shown this once.
func (a *App) CreateAppToken(ctx context.Context, name string) (*AppToken, string, error) {
	if err := a.text("name", &name); err != nil {
		return nil, "", err
	}
	if name = strings.TrimSpace(name); name == "" {
		return nil, "", rapport.FieldErrorf(rapport.EINVALID, "name", "is required: name the device (phone, laptop)")
	}
	secret, err := NewSecret()
	if err != nil {
		return nil, "", err
	}
	if m := a.deviceOwner(ctx); m != "" {
		var t AppToken
		err := a.directory().Update(ctx, func(tx *store.Tx) error {
			var err error
			t, err = tx.InsertMemberDevice(ctx, secretHash(secret), m, name, a.now())
			return err
		})
		if err != nil {
			return nil, "", err
		}
		return &t, secret, nil
	}
	t := store.AppToken{ID: newID(), Name: name, Created: a.now()}
	err = a.update(ctx, func(tx *store.Tx) error { return tx.InsertAppToken(ctx, t, secretHash(secret)) })
	if err != nil {
		return nil, "", err
	}
	return &t, secret, nil
}

// deviceOwner is, on a team's server, the member whose devices app
// passwords are for (” elsewhere): there each member's are their own, kept
// in the directory, where the address book finds whose they are.
func (a *App) deviceOwner(ctx context.Context) string {
	if a.space == nil {
		return ""
	}
	return a.memberID(ctx)
}

// AppTokens lists the app passwords (on a team's server, the member's).
func (a *App) AppTokens(ctx context.Context) ([]AppToken, error) {
	if m := a.deviceOwner(ctx); m != "" {
		return a.directory().View().MemberDevices(ctx, m)
	}
	return a.view(ctx).AppTokens(ctx)
}

// RevokeAppToken removes an app password, by its name or id: the device
// signed in with it is refused from its next request.
func (a *App) RevokeAppToken(ctx context.Context, ref string) (*AppToken, error) {
	var t AppToken
	del := func(tx *store.Tx) error {
		var err error
		t, err = tx.DeleteAppToken(ctx, strings.TrimSpace(ref))
		return err
	}
	up := a.update
	if m := a.deviceOwner(ctx); m != "" {
		del = func(tx *store.Tx) error {
			var err error
			t, err = tx.DeleteMemberDevice(ctx, m, strings.TrimSpace(ref))
			return err
		}
		up = a.directory().Update
	}
	err := up(ctx, del)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// CheckAppToken returns the app password whose secret this is, if any, and
// notes its use (at most once a minute, so that signing in rarely writes).
func (a *App) CheckAppToken(ctx context.Context, secret string) (*AppToken, bool, error) {
	if strings.TrimSpace(secret) == "" {
		return nil, false, nil
	}
	t, ok, err := a.view(ctx).AppTokenByHash(ctx, secretHash(secret))
	if err != nil || !ok {
		return nil, false, err
	}
	now := a.now()
	if (t.Used == nil || now.Sub(*t.Used) >= time.Minute) && !a.DB.ReadOnly() {
		if err := a.update(ctx, func(tx *store.Tx) error { return tx.UseAppToken(ctx, t.ID, now) }); err != nil {
			return nil, false, err
		}
		t.Used = &now
	}
	return &t, true, nil
}
