// Passkeys: a member of a team's server signs in with a WebAuthn credential
// (a phone, a laptop's fingerprint reader, a security key) besides a
// password. go-webauthn checks the ceremonies; the credentials and the
// challenges of ceremonies under way are in the directory.

package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/store"
)

// RelyingParty is the site a passkey belongs to, as the browser sees it: its
// host name (ID) and origin (scheme, host and port).
type RelyingParty struct {
	ID, Origin string
}

// Passkey is one of a member's passkeys, as their settings list it.
type Passkey struct {
	ID      string     `json:"id"`
	Name    string     `json:"name"`
	Created time.Time  `json:"created"`
	Used    *time.Time `json:"used,omitempty"`
}

// ceremonyFor is how long a passkey ceremony may take, from the options to
// the browser's answer.
const ceremonyFor = 5 * time.Minute

// passkeyUser is a member as go-webauthn sees them: their id as the user
// handle their passkeys carry, and their credentials.
type passkeyUser struct {
	m     *Member
	creds []webauthn.Credential
	ids   []string // the stored ids, index for index
}

func (u *passkeyUser) WebAuthnID() []byte                         { return []byte(u.m.ID) }
func (u *passkeyUser) WebAuthnName() string                       { return u.m.Email }
func (u *passkeyUser) WebAuthnDisplayName() string                { return u.m.Name }
func (u *passkeyUser) WebAuthnCredentials() []webauthn.Credential { return u.creds }

func (a *App) relyingParty(rp RelyingParty) (*webauthn.WebAuthn, error) {
	w, err := webauthn.New(&webauthn.Config{RPID: rp.ID, RPDisplayName: "Rapport", RPOrigins: []string{rp.Origin}})
	if err != nil {
		return nil, rapport.Errorf(rapport.EINVALID, "passkeys on %s: %v", rp.Origin, err)
	}
	return w, nil
}

// passkeyUserOf reads a member's passkeys.
func (a *App) passkeyUserOf(ctx context.Context, tx *store.Tx, m *Member) (*passkeyUser, error) {
	ps, err := tx.Passkeys(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	u := &passkeyUser{m: m}
	for _, p := range ps {
		var c webauthn.Credential
		if err := json.Unmarshal(p.Credential, &c); err != nil {
			return nil, fmt.Errorf("the passkey %s of %s: %w", p.ID, m.Email, err)
		}
		u.creds, u.ids = append(u.creds, c), append(u.ids, p.ID)
	}
	return u, nil
}

// startCeremony keeps a ceremony's state under a new secret, which the
// browser holds until it answers.
func (a *App) startCeremony(ctx context.Context, memberID string, session *webauthn.SessionData) (string, error) {
	b, err := json.Marshal(session)
	if err != nil {
		return "", err
	}
	secret, err := NewSecret()
	if err != nil {
		return "", err
	}
	now := a.now()
	err = a.directory().Update(ctx, func(tx *store.Tx) error {
		return tx.PutCeremony(ctx, secretHash(secret), memberID, b, now.Add(ceremonyFor), now)
	})
	return secret, err
}

// endCeremony takes a ceremony's state back, once, for the member it was
// for (” for a sign-in).
func (a *App) endCeremony(ctx context.Context, secret, memberID string) (*webauthn.SessionData, error) {
	var session webauthn.SessionData
	var b []byte
	var ok bool
	var who string
	err := a.directory().Update(ctx, func(tx *store.Tx) error {
		var err error
		who, b, ok, err = tx.TakeCeremony(ctx, secretHash(secret), a.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	if !ok || who != memberID {
		return nil, rapport.Errorf(rapport.EINVALID, "this passkey request expired or was already answered: try again")
	}
	if err := json.Unmarshal(b, &session); err != nil {
		return nil, fmt.Errorf("a passkey ceremony: %w", err)
	}
	return &session, nil
}

// BeginPasskey starts adding a passkey for a member: the options their
// browser passes to navigator.credentials.create (JSON), and the secret it
// sends back with the answer.
func (a *App) BeginPasskey(ctx context.Context, m *Member, rp RelyingParty) ([]byte, string, error) {
	if m == nil {
		return nil, "", rapport.Errorf(rapport.EINVALID, "only a member signed in adds a passkey")
	}
	w, err := a.relyingParty(rp)
	if err != nil {
		return nil, "", err
	}
	u, err := a.passkeyUserOf(ctx, a.directory().View(), m)
	if err != nil {
		return nil, "", err
	}
	var have []protocol.CredentialDescriptor
	for i := range u.creds {
		have = append(have, u.creds[i].Descriptor())
	}
	// A discoverable credential: the sign-in page asks for no email.
	opts, session, err := w.BeginRegistration(u, webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementRequired), webauthn.WithExclusions(have))
	if err != nil {
		return nil, "", rapport.Errorf(rapport.EINVALID, "start adding a passkey: %v", err)
	}
	secret, err := a.startCeremony(ctx, m.ID, session)
	if err != nil {
		return nil, "", err
	}
	b, err := json.Marshal(opts)
	return b, secret, err
}

// FinishPasskey checks the browser's answer (the credential, JSON) and
// stores the member's new passkey under name.
func (a *App) FinishPasskey(ctx context.Context, m *Member, rp RelyingParty, secret, name string, answer []byte) (*Passkey, error) {
	if m == nil {
		return nil, rapport.Errorf(rapport.EINVALID, "only a member signed in adds a passkey")
	}
	if name = strings.TrimSpace(name); name == "" {
		name = "passkey"
	}
	if err := a.text("name", &name); err != nil {
		return nil, err
	}
	session, err := a.endCeremony(ctx, secret, m.ID)
	if err != nil {
		return nil, err
	}
	w, err := a.relyingParty(rp)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(answer)
	if err != nil {
		return nil, rapport.Errorf(rapport.EINVALID, "the passkey's answer: %v", protocolDetail(err))
	}
	u, err := a.passkeyUserOf(ctx, a.directory().View(), m)
	if err != nil {
		return nil, err
	}
	cred, err := w.CreateCredential(u, *session, parsed)
	if err != nil {
		return nil, rapport.Errorf(rapport.EINVALID, "the passkey was not accepted: %v", protocolDetail(err))
	}
	b, err := json.Marshal(cred)
	if err != nil {
		return nil, err
	}
	p := store.Passkey{ID: base64.RawURLEncoding.EncodeToString(cred.ID), MemberID: m.ID, Name: name, Credential: b, Created: a.now()}
	if err := a.directory().Update(ctx, func(tx *store.Tx) error { return tx.InsertPasskey(ctx, p) }); err != nil {
		return nil, err
	}
	return &Passkey{ID: p.ID, Name: p.Name, Created: p.Created}, nil
}

// Passkeys lists a member's passkeys.
func (a *App) Passkeys(ctx context.Context, m *Member) ([]Passkey, error) {
	out := []Passkey{}
	if m == nil {
		return out, nil
	}
	ps, err := a.directory().View().Passkeys(ctx, m.ID)
	for _, p := range ps {
		out = append(out, Passkey{ID: p.ID, Name: p.Name, Created: p.Created, Used: p.Used})
	}
	return out, err
}

// RemovePasskey removes one of a member's passkeys.
func (a *App) RemovePasskey(ctx context.Context, m *Member, id string) error {
	if m == nil {
		return rapport.Errorf(rapport.EINVALID, "only a member signed in removes a passkey")
	}
	return a.directory().Update(ctx, func(tx *store.Tx) error {
		ok, err := tx.DeletePasskey(ctx, m.ID, id)
		if err == nil && !ok {
			err = rapport.Errorf(rapport.ENOTFOUND, "no passkey %s of yours", id)
		}
		return err
	})
}

// BeginPasskeySignIn starts a sign-in with a passkey, for whoever the
// browser's passkey says: the options for navigator.credentials.get (JSON)
// and the secret it sends back with the answer.
func (a *App) BeginPasskeySignIn(ctx context.Context, rp RelyingParty) ([]byte, string, error) {
	w, err := a.relyingParty(rp)
	if err != nil {
		return nil, "", err
	}
	opts, session, err := w.BeginDiscoverableLogin()
	if err != nil {
		return nil, "", rapport.Errorf(rapport.EINVALID, "start a passkey sign-in: %v", err)
	}
	secret, err := a.startCeremony(ctx, "", session)
	if err != nil {
		return nil, "", err
	}
	b, err := json.Marshal(opts)
	return b, secret, err
}

// FinishPasskeySignIn checks the browser's answer and returns the member
// whose passkey signed it.
func (a *App) FinishPasskeySignIn(ctx context.Context, rp RelyingParty, secret string, answer []byte) (*Member, error) {
	session, err := a.endCeremony(ctx, secret, "")
	if err != nil {
		return nil, err
	}
	w, err := a.relyingParty(rp)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(answer)
	if err != nil {
		return nil, rapport.Errorf(rapport.EINVALID, "the passkey's answer: %v", protocolDetail(err))
	}
	tx := a.directory().View()
	var who *passkeyUser
	user, cred, err := w.ValidatePasskeyLogin(func(_, handle []byte) (webauthn.User, error) {
		m, err := a.MemberByID(ctx, string(handle))
		if err != nil {
			return nil, err
		}
		who, err = a.passkeyUserOf(ctx, tx, m)
		return who, err
	}, *session, parsed)
	if err != nil || user == nil || who == nil {
		return nil, rapport.Errorf(rapport.EINVALID, "this passkey does not sign anyone in here")
	}
	for i := range who.creds {
		if bytes.Equal(who.creds[i].ID, cred.ID) {
			b, err := json.Marshal(cred)
			if err != nil {
				return nil, err
			}
			if err := a.directory().Update(ctx, func(tx *store.Tx) error { return tx.UsePasskey(ctx, who.ids[i], b, a.now()) }); err != nil {
				return nil, err
			}
		}
	}
	return who.m, nil
}

// protocolDetail is what went wrong in a WebAuthn answer, in go-webauthn's
// words.
func protocolDetail(err error) string {
	if pe := (*protocol.Error)(nil); errors.As(err, &pe) && pe.Details != "" {
		return pe.Details
	}
	return err.Error()
}
