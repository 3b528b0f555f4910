package rapport

import (
	"regexp"
)

// Mode is the family of channel a kind of interaction belongs to. The number of
// modes a tie spans is its breadth (multiplexity).
type Mode string

// The modes. Their order fixes the bit each one takes in a tie's mode set.
const (
	ModeOnline   Mode = "online"    // likes, follows, comments, shares
	ModeWritten  Mode = "written"   // messages, emails, replies
	ModeCall     Mode = "call"      // phone and video
	ModeInPerson Mode = "in_person" // meetings, meals, events
	ModeHelp     Mode = "help"      // favours: the upper rungs of the ladder
)

// Modes lists every mode in bit order.
var Modes = []Mode{ModeOnline, ModeWritten, ModeCall, ModeInPerson, ModeHelp}

// Bit returns the mode's bit in a mode set, or 0 for an unknown mode.
func (m Mode) Bit() uint8 {
	for i, x := range Modes {
		if x == m {
			return 1 << i
		}
	}
	return 0
}

// ParseMode validates a mode typed by a user.
func ParseMode(s string) (Mode, error) {
	if Mode(s).Bit() == 0 {
		return "", FieldErrorf(EINVALID, "mode", "%q: expected one of online, written, call, in_person, help", s)
	}
	return Mode(s), nil
}

// Kind is one entry of the catalogue of interactions. A kind with a Threshold
// is a rung of the action ladder: the tie strength at or above which a person
// would do that action for you; Minutes is what it costs you to do it for them.
type Kind struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Weight      float64  `json:"weight"`
	Shallow     bool     `json:"shallow"`
	Mode        Mode     `json:"mode"`
	Threshold   *float64 `json:"threshold"`
	Minutes     int      `json:"minutes"`
	Builtin     bool     `json:"builtin"`
}

// OnLadder reports whether the kind is a rung of the action ladder.
func (k Kind) OnLadder() bool { return k.Threshold != nil }

var kindName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)

// ValidateKindName checks the name of a new kind or rung.
func ValidateKindName(name string) error {
	if !kindName.MatchString(name) {
		return Errorf(EINVALID, "action %q: use lower-case letters, digits and dashes, starting with a letter", name)
	}
	return nil
}

// ValidateThreshold checks a rung's threshold.
func ValidateThreshold(t float64) error {
	if t < 0 || t > 100 || t != t {
		return FieldErrorf(EINVALID, "threshold", "%v: must be between 0 and 100", t)
	}
	return nil
}

func th(v float64) *float64 { return &v }

// DefaultKinds is the catalogue Rapport ships with, in ladder order. The rungs
// and their thresholds follow seed 002 ("how well do they have to know you in
// order to take a particular action on your behalf?"): thresholds rise with the
// value and the risk of the act; weights (how much a touch of that kind adds to
// a tie) rise with depth, so one guest post outweighs a dozen comments.
// docs/model.md gives the reasoning for each figure.
func DefaultKinds() []Kind {
	return []Kind{
		// Shallow touches: their total contribution is capped.
		{Name: "view", Description: "view a profile or a post", Weight: 0.05, Shallow: true, Mode: ModeOnline, Minutes: 1},
		{Name: "follow", Description: "follow or connect", Weight: 0.2, Shallow: true, Mode: ModeOnline, Minutes: 1},
		{Name: "share", Description: "share a post", Weight: 0.3, Shallow: true, Mode: ModeOnline, Minutes: 2},
		// Ordinary kinds of contact, not on the ladder.
		{Name: "message", Description: "a message", Weight: 0.8, Mode: ModeWritten, Minutes: 5},
		{Name: "email", Description: "an email", Weight: 1, Mode: ModeWritten, Minutes: 10},
		{Name: "video", Description: "a video call", Weight: 3, Mode: ModeCall, Minutes: 30},
		{Name: "event", Description: "an event together", Weight: 1.5, Mode: ModeInPerson, Minutes: 120},
		{Name: "meeting", Description: "a meeting in person", Weight: 4, Mode: ModeInPerson, Minutes: 60},
		{Name: "meal", Description: "a meal or a coffee together", Weight: 5, Mode: ModeInPerson, Minutes: 90},
		// The action ladder.
		{Name: "reply", Description: "reply to a message", Weight: 0.6, Mode: ModeWritten, Threshold: th(2), Minutes: 3},
		{Name: "like", Description: "like or share a post", Weight: 0.1, Shallow: true, Mode: ModeOnline, Threshold: th(4), Minutes: 1},
		{Name: "comment", Description: "comment on a post", Weight: 0.5, Mode: ModeOnline, Threshold: th(8), Minutes: 5},
		{Name: "answer", Description: "answer a question", Weight: 2, Mode: ModeWritten, Threshold: th(12), Minutes: 15},
		{Name: "lend-10", Description: "lend $10", Weight: 1.5, Mode: ModeHelp, Threshold: th(20), Minutes: 5},
		{Name: "call", Description: "take a call", Weight: 3, Mode: ModeCall, Threshold: th(25), Minutes: 30},
		{Name: "review", Description: "review your book or product", Weight: 4, Mode: ModeHelp, Threshold: th(32), Minutes: 45},
		{Name: "recommend", Description: "write a recommendation", Weight: 5, Mode: ModeHelp, Threshold: th(40), Minutes: 30},
		{Name: "introduce", Description: "introduce you to someone", Weight: 5, Mode: ModeHelp, Threshold: th(45), Minutes: 20},
		{Name: "help-hour", Description: "spend an hour helping", Weight: 8, Mode: ModeHelp, Threshold: th(50), Minutes: 60},
		{Name: "refer", Description: "refer a client", Weight: 8, Mode: ModeHelp, Threshold: th(58), Minutes: 30},
		{Name: "guest-post", Description: "write a guest post", Weight: 10, Mode: ModeHelp, Threshold: th(62), Minutes: 180},
		{Name: "lend-100", Description: "lend $100", Weight: 5, Mode: ModeHelp, Threshold: th(70), Minutes: 10},
		{Name: "lend-1000", Description: "lend $1,000", Weight: 12, Mode: ModeHelp, Threshold: th(85), Minutes: 15},
	}
}
