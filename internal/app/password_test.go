package app

import (
	"strings"
	"testing"
)

func TestPasswordHashes(t *testing.T) {
	h, err := hashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("hash %s", h)
	}
	h2, _ := hashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are the same: no salt")
	}
	if !checkPassword(h, "correct horse battery") || checkPassword(h, "correct horse batterz") || checkPassword(h, "") {
		t.Error("checks wrong")
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA", "$argon2id$v=19$m=0,t=3,p=2$c2FsdA$aGFzaA",
		"$argon2id$v=19$m=65536,t=3,p=2$!!$aGFzaA", h[:len(h)-4], dummyHash} {
		if checkPassword(bad, "correct horse battery") {
			t.Errorf("%q accepted", bad)
		}
	}
}
