package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/store"
)

// Taking things back: a mistaken interaction, the last one logged, a person
// with their history. Each is one transaction, and the ties it touched are
// rebuilt from what remains.

// DeleteInteraction removes one interaction (by id, or a prefix or suffix
// of 6+ characters) and rebuilds its people's ties.
func (a *App) DeleteInteraction(ctx context.Context, ref string) (*rapport.Interaction, error) {
	var in rapport.Interaction
	err := a.update(ctx, func(tx *store.Tx) error {
		var err error
		if in, err = a.ownInteraction(ctx, tx, ref); err != nil {
			return err
		}
		return a.removeInteraction(ctx, tx, in)
	})
	if err != nil {
		return nil, err
	}
	return &in, nil
}

// Undo takes back the interaction logged last, whatever it was.
func (a *App) Undo(ctx context.Context) (*rapport.Interaction, error) {
	var in rapport.Interaction
	err := a.update(ctx, func(tx *store.Tx) error {
		id, err := tx.LastLogged(ctx, a.memberID(ctx))
		if err != nil {
			return err
		}
		if id == "" {
			return rapport.Errorf(rapport.ENOTFOUND, "nothing logged yet: nothing to undo")
		}
		if in, err = tx.Interaction(ctx, id); err != nil {
			return err
		}
		return a.removeInteraction(ctx, tx, in)
	})
	if err != nil {
		return nil, err
	}
	return &in, nil
}

// ownInteraction reads an interaction the one acting may change: on a
// team's server, one they logged or imported themselves.
func (a *App) ownInteraction(ctx context.Context, tx *store.Tx, ref string) (rapport.Interaction, error) {
	in, err := tx.Interaction(ctx, ref)
	if err != nil {
		return in, err
	}
	if a.space != nil && in.MemberID != a.memberID(ctx) {
		return in, rapport.Errorf(rapport.EINVALID, "a teammate logged that interaction: only they can change or remove it")
	}
	return in, nil
}

func (a *App) removeInteraction(ctx context.Context, tx *store.Tx, in rapport.Interaction) error {
	if err := tx.DeleteInteraction(ctx, in.ID); err != nil {
		return err
	}
	for _, p := range in.People {
		if err := a.retie(ctx, tx, p.ID); err != nil {
			return err
		}
	}
	return nil
}

// InteractionEdit is a change to a logged interaction: nil leaves a field
// as it is. Values are read as `log` reads them.
type InteractionEdit struct {
	Kind    *string
	At      *time.Time
	By      *rapport.By
	Minutes *int
	Note    *string
}

// EditInteraction changes an interaction and rebuilds its people's ties.
func (a *App) EditInteraction(ctx context.Context, ref string, e InteractionEdit) (*rapport.Interaction, error) {
	now := a.now()
	var in rapport.Interaction
	err := a.update(ctx, func(tx *store.Tx) error {
		var err error
		if in, err = a.ownInteraction(ctx, tx, ref); err != nil {
			return err
		}
		old := in.At
		if e.Kind != nil {
			k, err := tx.Kind(ctx, strings.ToLower(strings.TrimSpace(*e.Kind)))
			if err != nil {
				return err
			}
			in.Kind = k.Name
			if !k.OnLadder() || k.Shallow || k.Weight < 1 {
				in.Favour = false // only a ladder action is a favour
			}
		}
		if e.At != nil {
			if in.At, err = checkAt(*e.At, now); err != nil {
				return err
			}
		}
		if e.By != nil {
			if in.By, err = rapport.ParseBy(string(*e.By)); err != nil {
				return err
			}
		}
		if e.Minutes != nil {
			if in.Minutes, err = checkLogMinutes(*e.Minutes); err != nil {
				return err
			}
		}
		if e.Note != nil {
			in.Note = strings.TrimSpace(a.clean("note", *e.Note, true))
			if err := rapport.CheckText("note", in.Note, rapport.MaxNote); err != nil {
				return err
			}
		}
		if err := tx.UpdateInteraction(ctx, in, old); err != nil {
			return err
		}
		for _, p := range in.People {
			if err := a.retie(ctx, tx, p.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &in, nil
}

// DeleteResult says what deleting a person took with them.
type DeleteResult struct {
	Person       rapport.PersonRef `json:"person"`
	Interactions int               `json:"interactions"` // theirs, alone or shared
}

// DeletePerson removes a person with their history: the interactions they
// had alone, their part in shared ones (the others keep them), their wants,
// notes, asks and follow-ups. With force false, a person with a history is
// refused, saying what would go.
func (a *App) DeletePerson(ctx context.Context, ref string, force bool) (*DeleteResult, error) {
	res := &DeleteResult{}
	err := a.update(ctx, func(tx *store.Tx) error {
		var err error
		if res.Person, err = tx.Resolve(ctx, ref); err != nil {
			return err
		}
		if res.Interactions, err = tx.CountInteractions(ctx, res.Person.ID); err != nil {
			return err
		}
		if res.Interactions > 0 && !force {
			n := "1 interaction"
			if res.Interactions != 1 {
				n = fmt.Sprintf("%d interactions", res.Interactions)
			}
			return rapport.Errorf(rapport.ECONFLICT, "%s has %s: deleting them deletes that history too; confirm to go on", res.Person.Name, n)
		}
		others, err := tx.DeletePerson(ctx, res.Person.ID)
		if err != nil {
			return err
		}
		for _, o := range others {
			if err := a.retie(ctx, tx, o); err != nil {
				return fmt.Errorf("rebuild the tie of %s: %w", o, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
