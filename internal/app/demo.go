package app

import (
	"context"
	"fmt"
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
		if err := a.demoTx(ctx, tx, net, opts, nil, res, progress); err != nil {
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

// demoTx writes a generated network in tx: its people, its interactions
// (each, on a team, a member's: see memberOf) and the ties they make, a
// goal and offers.
func (a *App) demoTx(ctx context.Context, tx *store.Tx, net *demo.Network, opts demo.Options, members []string, res *DemoResult, progress func(done, total int)) error {
	now := a.now()
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
		refs[i] = rapport.PersonRef{ID: person.ID, Name: person.Name}
	}
	people := make([]*rapport.Person, len(net.People))
	for i := range net.People {
		people[i] = &net.People[i]
	}
	for len(people) > 0 {
		n := min(len(people), 10000)
		if err := tx.InsertPeople(ctx, people[:n]); err != nil {
			return err
		}
		people = people[n:]
	}
	// One person's ties, or on a team each member's with each person they
	// know: a person has a home member, and one in five a second who meets
	// them a third of the time (who knows them best differs).
	ties := make([]model.Tie, len(net.People))
	memberTies := map[[2]int]*model.Tie{}
	// ownerOf is the member whose interaction the n-th one with person i is.
	ownerOf := func(i, n int) int {
		if i%5 == 0 && n%3 == 0 {
			return (i/5 + 1 + i%len(members)) % len(members)
		}
		return i % len(members)
	}
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
		// A group event is the first person's member's; each tie it
		// touches is that member's.
		owner := -1
		b := make([]float64, len(people))
		for j, i := range people {
			t := &ties[i]
			if len(members) > 0 {
				if owner < 0 {
					owner = ownerOf(i, res.Interactions)
					in.MemberID = members[owner]
				}
				k := [2]int{owner, i}
				if memberTies[k] == nil {
					memberTies[k] = &model.Tie{}
				}
				t = memberTies[k]
			}
			at := in.At
			if t.Seen.After(at) { // group events come after each person's own history
				at = t.Seen
			}
			b[j] = t.Strength(at, p)
			t.Add(touch, p)
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
	if len(members) == 0 {
		for i, t := range ties {
			if err := a.saveTie(ctx, tx, refs[i].ID, t); err != nil {
				return err
			}
		}
	} else {
		err := tx.ReplaceMemberTies(ctx, func(yield func([2]string, []byte) bool) {
			for k, t := range memberTies {
				if !yield([2]string{members[k[0]], refs[k[1]].ID}, tieBytes(*t)) {
					return
				}
			}
		})
		if err != nil {
			return err
		}
	}
	// A goal and offers, so that plans and assignments have something to
	// serve (each member's goal, on a team).
	for _, m := range append([]string{""}, members...)[min(1, len(members)):] {
		goal := &rapport.Goal{ID: newID(), Text: "raise a seed round", Tags: []string{"investor"}, CreatedAt: now}
		if err := tx.Lens(m).InsertGoal(ctx, goal); err != nil {
			return err
		}
	}
	return tx.SetSetting(ctx, "me.offers", "Go code review\nhiring network\ndesign feedback")
}

// TeamDemoResult says what `rapport demo --team` made: the workspace, its
// members and a personal API token for each (for load tests and scripts).
type TeamDemoResult struct {
	Workspace    string         `json:"workspace"`
	People       int            `json:"people"`
	Interactions int            `json:"interactions"`
	Members      []DemoMemberID `json:"members"`
}

// DemoMemberID is a demo team's member and their token.
type DemoMemberID struct {
	Email string `json:"email"`
	Token string `json:"token"`
}

// DemoTeam makes a workspace named name with members members (the first
// the owner) on the server's database, and fills it with a generated
// network whose interactions are the members' (see demoTx), in one
// transaction on the workspace's schema.
func (a *App) DemoTeam(ctx context.Context, name string, members int, opts demo.Options, progress func(done, total int)) (*TeamDemoResult, error) {
	if members < 1 || members > 1000 {
		return nil, rapport.FieldErrorf(rapport.EINVALID, "members", "%d: expected 1 to 1000", members)
	}
	now := a.now()
	net, err := demo.Generate(opts, now)
	if err != nil {
		return nil, err
	}
	owner, err := a.TeamInit(ctx, name, "Member 01 <m01@demo.example>")
	if err != nil {
		return nil, err
	}
	res := &TeamDemoResult{Workspace: name, People: len(net.People)}
	ids := []string{owner.Member.ID}
	for i := 2; i <= members; i++ {
		inv, err := a.TeamInvite(ctx, name, fmt.Sprintf("Member %02d <m%02d@demo.example>", i, i), RoleMember)
		if err != nil {
			return nil, err
		}
		ids = append(ids, inv.Member.ID)
	}
	for i := 1; i <= members; i++ {
		email := fmt.Sprintf("m%02d@demo.example", i)
		tok, err := a.TeamToken(ctx, name, email)
		if err != nil {
			return nil, err
		}
		res.Members = append(res.Members, DemoMemberID{Email: email, Token: tok})
	}
	ws, err := a.Workspace(ctx, owner.Member.Workspace.ID)
	if err != nil {
		return nil, err
	}
	defer ws.Close()
	one := &DemoResult{}
	err = ws.DB.BulkUpdate(ctx, func(tx *store.Tx) error {
		*one = DemoResult{People: len(net.People)}
		if err := ws.demoTx(ctx, tx, net, opts, ids, one, progress); err != nil {
			return err
		}
		return tx.SetSetting(ctx, "demo.seed", strconv.FormatUint(opts.Seed, 10))
	})
	if err != nil {
		return nil, err
	}
	res.Interactions = one.Interactions
	return res, ws.buildSnapshots(ctx, now)
}
