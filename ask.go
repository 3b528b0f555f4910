package rapport

import "time"

// Verdicts of the ask guard.
const (
	VerdictGo        = "go"
	VerdictGiveFirst = "give-first"
	VerdictWait      = "wait"
)

// Outcomes of an ask.
const (
	OutcomePending = ""
	OutcomeYes     = "yes"
	OutcomeNo      = "no"
	OutcomeNone    = "none" // no answer
)

// ParseOutcome validates an outcome typed by a user.
func ParseOutcome(s string) (string, error) {
	switch s {
	case OutcomeYes, OutcomeNo, OutcomeNone:
		return s, nil
	}
	return "", FieldErrorf(EINVALID, "outcome", "%q: expected yes, no or none", s)
}

// Ask is a request you made of a person for a ladder action.
type Ask struct {
	ID         string     `json:"id"`
	Person     PersonRef  `json:"person"`
	Action     string     `json:"action"`
	At         time.Time  `json:"at"`
	Note       string     `json:"note"`
	Verdict    string     `json:"verdict"`
	Forced     bool       `json:"forced"`
	Strength   float64    `json:"strength"`
	Outcome    string     `json:"outcome"`
	AnsweredAt *time.Time `json:"answered_at"`
	// AskedBy names the teammate who asked, on a team's server ("" for you,
	// and in one person's Rapport); MemberID is theirs.
	AskedBy  string `json:"asked_by,omitempty"`
	MemberID string `json:"-"`
}

// Goal is one of your own objectives.
type Goal struct {
	ID        string     `json:"id"`
	Text      string     `json:"text"`
	Tags      []string   `json:"tags"`
	Due       *time.Time `json:"due"`
	Done      *time.Time `json:"done"`
	CreatedAt time.Time  `json:"created_at"`
}

// Followup is a promise with a due date: "we'll be in touch".
type Followup struct {
	ID        string     `json:"id"`
	Person    PersonRef  `json:"person"`
	Text      string     `json:"text"`
	Due       time.Time  `json:"due"`
	CreatedAt time.Time  `json:"created_at"`
	Done      *time.Time `json:"done"`
}
