package app

import (
	"context"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/store"
)

// serveWant marks the open want of person id that which names (its id, or
// its text or the start of it, in any case) as served at now. A want served
// leaves plans and suggestions.
func (a *App) serveWant(ctx context.Context, tx *store.Tx, id, which string) (string, error) {
	p, err := tx.Person(ctx, id)
	if err != nil {
		return "", err
	}
	key := strings.ToLower(strings.TrimSpace(which))
	now := a.now()
	var open []string
	for i, w := range p.Wants {
		if w.Done != nil {
			continue
		}
		open = append(open, w.Text)
		if strings.HasPrefix(strings.ToLower(w.Text), key) || len(key) >= 6 && strings.HasPrefix(w.ID, key) {
			p.Wants[i].Done = &now
			return w.Text, tx.SavePerson(ctx, p)
		}
	}
	nf := rapport.Errorf(rapport.ENOTFOUND, "%s has no open want starting %q", p.Name, which)
	nf.Candidates = open
	return "", nf
}

// WantDone marks one of a person's wants as served.
func (a *App) WantDone(ctx context.Context, ref, which string) (*PersonDetail, error) {
	var id string
	err := a.update(ctx, func(tx *store.Tx) error {
		r, err := tx.Resolve(ctx, ref)
		if err != nil {
			return err
		}
		id = r.ID
		_, err = a.serveWant(ctx, tx, r.ID, which)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a.Show(ctx, id)
}

// Snooze keeps a person out of plans and the overdue list until a moment
// (nil wakes them now). Promises (follow-ups) still come due.
func (a *App) Snooze(ctx context.Context, ref string, until *time.Time) (*rapport.PersonRef, *time.Time, error) {
	var t *time.Time
	if until != nil {
		v, err := checkMoment("until", *until)
		if err != nil {
			return nil, nil, err
		}
		if !v.After(a.now()) {
			return nil, nil, rapport.FieldErrorf(rapport.EINVALID, "until", "%s is not in the future", v.In(a.Zone()).Format("2006-01-02 15:04"))
		}
		t = &v
	}
	var who rapport.PersonRef
	err := a.update(ctx, func(tx *store.Tx) error {
		var err error
		if who, err = tx.Resolve(ctx, ref); err != nil {
			return err
		}
		return tx.SetSnooze(ctx, who.ID, t)
	})
	if err != nil {
		return nil, nil, err
	}
	return &who, t, nil
}

// promises are the phrases by which a note records something you said you
// would do ("we'll be in touch", "I'll send the deck").
var promises = []string{"we'll be in touch", "we will be in touch", "i'll send", "i will send", "i'll get back", "i will get back",
	"get back to you", "follow up", "i'll introduce", "i will introduce", "i'll intro", "let's catch up", "i'll call", "i'll write",
	"i owe", "i promised", "will be in touch", "talk next week", "speak next week"}

// PromiseIn returns the sentence of a note that sounds like a promise, or "":
// the CLI and the web offer to turn it into a follow-up (seed 000, comments:
// follow through on "we'll be in touch").
func PromiseIn(note string) string {
	low := strings.ToLower(strings.ReplaceAll(note, "’", "'"))
	for _, p := range promises {
		i := strings.Index(low, p)
		if i < 0 {
			continue
		}
		start := strings.LastIndexAny(note[:i], ".!?\n") + 1
		end := len(note)
		if j := strings.IndexAny(note[i:], ".!?\n"); j >= 0 {
			end = i + j
		}
		return strings.TrimSpace(note[start:end])
	}
	return ""
}
