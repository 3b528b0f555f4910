// The method's records that are part of the JSON contract: favours, the
// monthly assignment, a tie's strength over time.

package rapport

import "time"

// Favour is a ladder action done between you and one person.
type Favour struct {
	At             time.Time
	Kind           string
	By             By
	Note           string
	StrengthBefore *float64
	MemberID       string // the teammate who logged it, on a team's server
}

// Slot is one of the ten places of a monthly assignment.
type Slot struct {
	Slot   int       `json:"slot"`
	Side   string    `json:"side"` // help or helper
	Person PersonRef `json:"person"`
	Offer  string    `json:"offer"`
	Action string    `json:"action"`
	Reason string    `json:"reason"`
}

// Assignment is the monthly two-part assignment (I3).
type Assignment struct {
	ID     string    `json:"id"`
	GoalID *string   `json:"goal_id"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Slots  []Slot    `json:"slots"`
}

// StrengthPoint is a tie's strength just before one of its touches.
type StrengthPoint struct {
	At       time.Time `json:"at"`
	Strength float64   `json:"strength"`
}

// TrustLine is one statement: truster trusts trustee on a topic, with a rank
// from 1 (most) to 5. The empty truster is you.
type TrustLine struct {
	Truster, Trustee string
	Rank             int
}
