package app

import (
	"context"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// LogInput is one interaction as a user types it.
type LogInput struct {
	Ref     string
	With    []string
	Kind    string
	At      *time.Time // nil for now
	By      rapport.By // me, them or both ("" for both)
	Channel string
	Minutes int // 0 for not recorded
	Note    string
	// Favour marks a favour done (rapport give, got): a ladder action done
	// for someone. A plain touch records who started it and nothing more.
	Favour bool
	// Toward names one of the person's wants a give served (its id or the
	// start of its text): the want is marked served and leaves the plans.
	Toward string
	// Via names who introduced the person (the first of them): a warm
	// introduction lends them part of your trust in the introducer.
	Via string
}

// MaxMinutes bounds the time one interaction may record: a full day.
const MaxMinutes = 24 * 60

// Log records one interaction and updates each participant's tie in
// constant time, all in one transaction.
func (a *App) Log(ctx context.Context, in LogInput) (*rapport.Interaction, error) {
	it, err := a.parseLog(in)
	if err != nil {
		return nil, err
	}
	err = a.update(ctx, func(tx *store.Tx) error { return a.logTx(ctx, tx, it, in) })
	if err != nil {
		return nil, err
	}
	return it, nil
}

// parseLog checks what can be checked of an interaction before the database
// is touched: its time, its side, its minutes.
func (a *App) parseLog(in LogInput) (*rapport.Interaction, error) {
	now := a.now()
	it := &rapport.Interaction{ID: newID(), At: now, Favour: in.Favour,
		Channel: strings.TrimSpace(a.clean("channel", in.Channel, false)), Note: strings.TrimSpace(a.clean("note", in.Note, true))}
	var err error
	if in.At != nil {
		if it.At, err = checkAt(*in.At, now); err != nil {
			return nil, err
		}
	}
	if it.By, err = rapport.ParseBy(string(in.By)); err != nil {
		return nil, err
	}
	if it.Minutes, err = checkLogMinutes(in.Minutes); err != nil {
		return nil, err
	}
	if err := rapport.CheckText("note", it.Note, rapport.MaxNote); err != nil {
		return nil, err
	}
	if err := rapport.CheckText("channel", it.Channel, rapport.MaxText); err != nil {
		return nil, err
	}
	if err := rapport.CheckList("with", in.With, rapport.MaxText); err != nil {
		return nil, err
	}
	return it, nil
}

// checkAt checks when an interaction happened: a moment Rapport can store,
// not in the future. It returns it in UTC.
func checkAt(t, now time.Time) (time.Time, error) {
	t, err := checkMoment("at", t)
	if err != nil {
		return t, err
	}
	return t, notFuture("at", t, now)
}

// checkMoment checks that t is a moment Rapport stores (rapport.MinTime to
// MaxTime) and returns it in UTC.
func checkMoment(field string, t time.Time) (time.Time, error) {
	t = t.UTC()
	if t.Before(rapport.MinTime) || !t.Before(rapport.MaxTime) {
		return t, rapport.FieldErrorf(rapport.EINVALID, field, "%s: expected a moment between %d and %d", t.Format(time.RFC3339), rapport.MinTime.Year(), rapport.MaxTime.Year()-1)
	}
	return t, nil
}

// checkLogMinutes checks how long an interaction took: a day at most.
func checkLogMinutes(m int) (int, error) {
	switch {
	case m < 0:
		return 0, rapport.FieldErrorf(rapport.EINVALID, "minutes", "%d: must not be negative", m)
	case m > MaxMinutes:
		return 0, rapport.FieldErrorf(rapport.EINVALID, "minutes", "%d: more than a day; log long events day by day", m)
	}
	return m, nil
}

// notFuture refuses a moment later than now (a minute of clock skew aside).
func notFuture(field string, t, now time.Time) error {
	if t.After(now.Add(time.Minute)) {
		return rapport.FieldErrorf(rapport.EINVALID, field, "%s is in the future (now is %s)", t.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	return nil
}

// logTx stores the interaction it (made by parseLog) with the people in
// names, and updates their ties, inside tx.
func (a *App) logTx(ctx context.Context, tx *store.Tx, it *rapport.Interaction, in LogInput) error {
	it.MemberID = a.memberID(ctx)
	kind, err := tx.Kind(ctx, strings.ToLower(strings.TrimSpace(in.Kind)))
	if err != nil {
		return err
	}
	it.Kind = kind.Name
	it.People = nil
	seen := map[string]bool{}
	for _, ref := range append([]string{in.Ref}, in.With...) {
		r, err := tx.Resolve(ctx, ref)
		if err != nil {
			return err
		}
		if seen[r.ID] {
			return rapport.Errorf(rapport.EINVALID, "%s is named twice", r.Name)
		}
		seen[r.ID] = true
		it.People = append(it.People, r)
	}
	p, err := a.params(ctx, tx)
	if err != nil {
		return err
	}
	touch := model.TouchOf(kind, it.At, it.By, it.Minutes, len(it.People))
	before := make([]float64, len(it.People))
	for i, r := range it.People {
		tie, err := a.loadTie(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if !tie.Seen.After(it.At) {
			before[i] = tie.Strength(it.At, p)
		} else {
			before[i] = tie.Strength(tie.Seen, p) // logged late: the best estimate at hand
		}
		tie.Add(touch, p)
		if err := a.saveTie(ctx, tx, r.ID, tie); err != nil {
			return err
		}
	}
	if strings.TrimSpace(in.Via) != "" {
		by, err := tx.Resolve(ctx, in.Via)
		if err != nil {
			return err
		}
		if by.ID == it.People[0].ID {
			return rapport.FieldErrorf(rapport.EINVALID, "via", "%s: no one introduces themselves", by.Name)
		}
		tie, err := a.loadTie(ctx, tx, by.ID)
		if err != nil {
			return err
		}
		if err := tx.SetVia(ctx, it.People[0].ID, store.Via{By: by, Strength: round1(tie.Strength(it.At, p)), At: it.At}); err != nil {
			return err
		}
	}
	if strings.TrimSpace(in.Toward) != "" {
		if !it.Favour || it.By != rapport.ByMe {
			return rapport.FieldErrorf(rapport.EINVALID, "toward", "is for gives: only a give serves a want")
		}
		w, err := a.serveWant(ctx, tx, it.People[0].ID, in.Toward)
		if err != nil {
			return err
		}
		if it.Note == "" {
			it.Note = "toward " + w
		}
	}
	return tx.InsertInteraction(ctx, it, a.now().UnixMilli(), before)
}

// Why is the explanation of one tie.
type Why struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Strength   float64           `json:"strength"`
	Layer      string            `json:"layer"`
	Components []model.Component `json:"components"`
	Top        []WhyTouch        `json:"top"`
	// OneWay: nothing has come back yet, so the strength is held at the
	// one-way cap (config one_way_cap).
	OneWay bool `json:"one_way"`
}

// WhyTouch is one interaction's share of a strength.
type WhyTouch struct {
	At     time.Time  `json:"at"`
	Kind   string     `json:"kind"`
	By     rapport.By `json:"by"`
	Note   string     `json:"note,omitempty"`
	Points float64    `json:"points"`
}

// Why explains the strength of the tie with the person ref names: its
// components, which add up to it, and the interactions that gave most.
func (a *App) Why(ctx context.Context, ref string, top int) (*Why, error) {
	tx := a.view(ctx)
	r, err := tx.Resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	p, kinds, err := a.modelOf(ctx, tx)
	if err != nil {
		return nil, err
	}
	touches, hist, err := a.touches(ctx, tx, r.ID, kinds)
	if err != nil {
		return nil, err
	}
	b, contribs := model.Explain(touches, a.now(), p)
	b = b.Round()
	w := &Why{ID: r.ID, Name: r.Name, Strength: b.Strength, Components: b.Components, Top: []WhyTouch{}, OneWay: b.OneWay}
	for _, c := range contribs {
		if len(w.Top) == top {
			break
		}
		h := hist[c.Index]
		w.Top = append(w.Top, WhyTouch{At: h.At, Kind: h.Kind, By: h.By, Note: h.Note, Points: round1(c.Points)})
	}
	s, err := a.scoreOf(ctx, tx, p, r.ID)
	if err != nil {
		return nil, err
	}
	w.Layer = s.Layer
	return w, nil
}

// PlanDone is a plan item marked done: the person, the kind of interaction
// doing it logs, the action (noted), and the follow-up it keeps, if any.
type PlanDone struct {
	Ref, Kind, Action, Followup string
	Give                        bool   // the item is a give (a favour), not a plain touch
	Minutes                     int    // what it took (the plan's estimate, or what you say)
	Note                        string // what you add about it
}

// DonePlanItem logs a plan item as done, by you, now, and closes the
// follow-up it kept, in one transaction: an unknown follow-up logs nothing.
// The same item done twice on one day (a stale tab, a double click) is logged
// once; already reports that the second time.
func (a *App) DonePlanItem(ctx context.Context, d PlanDone) (it *rapport.Interaction, already bool, err error) {
	if strings.TrimSpace(d.Ref) == "" || strings.TrimSpace(d.Kind) == "" {
		return nil, false, rapport.Errorf(rapport.EINVALID, "person and kind are required")
	}
	note := d.Action
	if n := strings.TrimSpace(d.Note); n != "" {
		note += ": " + n
	}
	in := LogInput{Ref: d.Ref, Kind: d.Kind, By: rapport.ByMe, Note: note, Favour: d.Give, Minutes: d.Minutes}
	if it, err = a.parseLog(in); err != nil {
		return nil, false, err
	}
	err = a.update(ctx, func(tx *store.Tx) error {
		who, err := tx.Resolve(ctx, d.Ref)
		if err != nil {
			return err
		}
		var fu string
		if d.Followup != "" {
			if fu, err = tx.FollowupID(ctx, d.Followup); err != nil {
				return err
			}
		}
		key := strings.Join([]string{"plan", it.At.In(a.Zone()).Format("2006-01-02"), who.ID, strings.ToLower(d.Kind), d.Action, fu}, "\x00")
		if _, done, err := tx.ImportKey(ctx, key); err != nil {
			return err
		} else if done != "" {
			already = true
			it.Kind, it.People = strings.ToLower(d.Kind), []rapport.PersonRef{who}
			return nil
		}
		if err := a.logTx(ctx, tx, it, in); err != nil {
			return err
		}
		if err := tx.PutImportKey(ctx, key, "", it.ID); err != nil {
			return err
		}
		if fu != "" {
			return tx.SetFollowupDone(ctx, fu, a.now())
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return it, already, nil
}
