package rapport

import "time"

// By says who initiated or gave an interaction.
type By string

// The sides of an interaction.
const (
	ByMe   By = "me"
	ByThem By = "them"
	ByBoth By = "both"
)

// ParseBy validates a side typed by a user.
func ParseBy(s string) (By, error) {
	switch By(s) {
	case ByMe, ByThem, ByBoth:
		return By(s), nil
	case "":
		return ByBoth, nil
	}
	return "", FieldErrorf(EINVALID, "by", "%q: expected me, them or both", s)
}

// Interaction is one touch with one or more people: the conversation history.
type Interaction struct {
	ID      string    `json:"id"`
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"`
	By      By        `json:"by"`
	Channel string    `json:"channel"`
	Minutes int       `json:"minutes"`
	Note    string    `json:"note"`
	// Favour is true for a favour done (give, got, an ask answered yes),
	// false for a plain touch, whoever started it.
	Favour bool        `json:"favour"`
	People []PersonRef `json:"people"`
	// MemberID is the teammate who logged or imported it, on a team's
	// server ("" in one person's Rapport); Teammate names them when the
	// reader is someone else (By is then the teammate's side).
	MemberID string `json:"-"`
	Teammate string `json:"teammate,omitempty"`
}

// PersonRef names a person in a listing.
type PersonRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}
