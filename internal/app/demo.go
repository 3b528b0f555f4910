package app

import (
	"context"
	"strconv"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/demo"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// DemoResult says what `rapport demo` made.
type DemoResult struct {
	People       int  `json:"people"`
	Interactions int  `json:"interactions"`
	Existing     bool `json:"existing"` // the database already held a demo network: nothing was done
}

// Demo fills an empty database with a generated network, in one transaction.
// It refuses a database that already holds people, so a real network is never
// mixed with invented ones.
func (a *App) Demo(ctx context.Context, opts demo.Options, progress func(done, total int)) (*DemoResult, error) {
	now := a.now()
	net, err := demo.Generate(opts, now)
	if err != nil {
		return nil, err
	}
	res := &DemoResult{People: len(net.People)}
	err = a.bulk(ctx, func(tx *store.Tx) error {
		n, err := tx.CountPeople(ctx)
		if err != nil {
			return err
		}
		settings, err := tx.Settings(ctx)
		if err != nil {
			return err
		}
		if _, demoDB := settings["demo.seed"]; n > 0 && demoDB {
			res.People, res.Existing = n, true
			return nil
		}
		if n > 0 {
			return rapport.Errorf(rapport.ECONFLICT, "the database %s already has %d people: run the demo on another file (--db demo.db)", a.DB.Path(), n)
		}
		p, kinds, err := a.modelOf(ctx, tx)
		if err != nil {
			return err
		}
		refs := make([]rapport.PersonRef, len(net.People))
		for i := range net.People {
			person := &net.People[i]
			person.ID = newID()
			for _, items := range [][]rapport.Item{person.Wants, person.Offers} {
				for j := range items {
					items[j].ID = newID()
				}
			}
			if err := tx.SavePerson(ctx, person); err != nil {
				return err
			}
			refs[i] = rapport.PersonRef{ID: person.ID, Name: person.Name}
		}
		ties := make([]model.Tie, len(net.People))
		var pending []rapport.Interaction
		var before [][]float64
		flush := func() error {
			err := tx.InsertInteractions(ctx, pending, now.UnixMilli(), before)
			pending, before = pending[:0], before[:0]
			return err
		}
		total := opts.Interactions
		err = net.Interactions(func(in rapport.Interaction, people []int) error {
			in.ID = newID()
			for _, i := range people {
				in.People = append(in.People, refs[i])
			}
			touch := model.TouchOf(kinds[in.Kind], in.At, in.By, in.Minutes, len(people))
			b := make([]float64, len(people))
			for j, i := range people {
				at := in.At
				if ties[i].Seen.After(at) { // group events come after each person's own history
					at = ties[i].Seen
				}
				b[j] = ties[i].Strength(at, p)
				ties[i].Add(touch, p)
			}
			pending, before = append(pending, in), append(before, b)
			res.Interactions++
			if len(pending) == 2000 {
				if progress != nil {
					progress(res.Interactions, total)
				}
				return flush()
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
		}
		for i, t := range ties {
			if err := a.saveTie(ctx, tx, refs[i].ID, t); err != nil {
				return err
			}
		}
		// A goal and your offers, so that plans and assignments have something to serve.
		goal := &rapport.Goal{ID: newID(), Text: "raise a seed round", Tags: []string{"investor"}, CreatedAt: now}
		if err := tx.InsertGoal(ctx, goal); err != nil {
			return err
		}
		if err := tx.SetSetting(ctx, "me.offers", "Go code review\nhiring network\ndesign feedback"); err != nil {
			return err
		}
		return tx.SetSetting(ctx, "demo.seed", strconv.FormatUint(opts.Seed, 10))
	})
	if err != nil {
		return nil, err
	}
	// What the report reads the past from, built now rather than by the
	// first report.
	if err := a.buildSnapshots(ctx, now); err != nil {
		return nil, err
	}
	return res, nil
}
