package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/store"
)

// Members' passwords are kept as argon2id hashes in the PHC string format
// ($argon2id$v=19$m=65536,t=3,p=2$salt$hash), with RFC 9106's second
// recommended parameters: 64 MiB, three passes, two lanes, a 16-byte salt.
const (
	argonMemory  = 64 * 1024
	argonTime    = 3
	argonThreads = 2
	argonKeyLen  = 32
	minPassword  = 12
)

func hashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding.EncodeToString
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads, b64(salt), b64(key)), nil
}

// checkPassword reports whether pw matches a PHC argon2id hash (with the
// parameters it names, so that stronger ones later still read older hashes).
func checkPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || m > 1<<20 || t == 0 || t > 16 || p == 0 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// SetPassword sets the member's password: at least 12 characters.
func (a *App) SetPassword(ctx context.Context, m *Member, pw string) error {
	if m == nil {
		return rapport.Errorf(rapport.EINVALID, "only a member signed in sets a password")
	}
	if len([]rune(pw)) < minPassword {
		return rapport.FieldErrorf(rapport.EINVALID, "password", "is too short: use at least %d characters (a few words make a good one)", minPassword)
	}
	if len(pw) > 1024 {
		return rapport.FieldErrorf(rapport.ETOOLARGE, "password", "is over 1024 bytes")
	}
	h, err := hashPassword(pw)
	if err != nil {
		return err
	}
	return a.directory().Update(ctx, func(tx *store.Tx) error { return tx.SetMemberPassword(ctx, m.ID, h) })
}

// CheckPassword returns the member with that email and password. The same
// answer, after the same work, whether the email is unknown or the password
// wrong.
func (a *App) CheckPassword(ctx context.Context, email, pw string) (*Member, bool, error) {
	addr, _, err := checkEmail(email)
	if err != nil {
		addr = ""
	}
	ms, hashes, err := a.directory().View().MembersByEmail(ctx, addr)
	if err != nil {
		return nil, false, err
	}
	var found *Member
	for i := range ms {
		if hashes[i] != "" && checkPassword(hashes[i], pw) && found == nil {
			found = &ms[i]
		}
	}
	if len(ms) == 0 {
		checkPassword(dummyHash, pw) // as long as a real check
	}
	return found, found != nil, nil
}

// dummyHash is a hash no password matches, checked for an unknown email.
const dummyHash = "$argon2id$v=19$m=65536,t=3,p=2$c29tZXNhbHRzb21lc2FsdA$mbWYcJGWLjbfVgSyXgnoPKgpbUaAhh7KCPhxYnOTuRo"
