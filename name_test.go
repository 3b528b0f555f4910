package rapport

import (
	"math/rand/v2"
	"testing"
)

// NameKey's shortcut for plain ASCII names gives what the full folding gives.
func TestNameKeyASCIIShortcut(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 5000 {
		b := make([]byte, rng.IntN(20))
		for i := range b {
			b[i] = byte(rng.IntN(0x80))
		}
		if s := string(b); NameKey(s) != foldName(s) {
			t.Fatalf("NameKey(%q) = %q, folding gives %q", s, NameKey(s), foldName(s))
		}
	}
	if NameKey("José  GARCÍA") != "jose garcia" {
		t.Errorf("accents: %q", NameKey("José  GARCÍA"))
	}
}
