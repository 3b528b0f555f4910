package app

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/importer"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// ImportSummary says what an import did (or, dry, would do).
type ImportSummary struct {
	Source              string   `json:"source"`
	DryRun              bool     `json:"dry_run"`
	Read                int      `json:"read"`
	PeopleCreated       int      `json:"people_created"`
	PeopleMerged        int      `json:"people_merged"`
	InteractionsCreated int      `json:"interactions_created"`
	Skipped             int      `json:"skipped"`
	Errors              []string `json:"errors"` // values left out of records that were otherwise kept
}

var errDryRun = errors.New("dry run")

// Import merges what a parser read into the database, in one transaction:
// a person with the same email, phone or profile URL as someone already there
// is that someone (their details are completed, never overwritten); a person
// known by the same source key likewise; anyone else is created. A touch
// whose source key was imported before is skipped, so importing the same file
// twice creates nothing new. With dryRun everything is done and then rolled
// back, so the summary is exact.
func (a *App) Import(ctx context.Context, source string, res *importer.Result, dryRun bool) (*ImportSummary, error) {
	sum := &ImportSummary{Source: source, DryRun: dryRun, Read: res.Read, Skipped: res.Skipped, Errors: []string{}}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		p, err := a.params(ctx, tx)
		if err != nil {
			return err
		}
		kinds, err := a.kindMap(ctx, tx)
		if err != nil {
			return err
		}
		m := &merger{a: a, tx: tx, sum: sum, created: map[string]bool{}, merged: map[string]bool{}, handles: map[string]string{}, keys: map[string]string{}}
		for i := range res.People {
			if _, err := m.person(ctx, res.People[i]); err != nil {
				return err
			}
		}
		ties := map[string]*model.Tie{}
		now := a.now()
		for _, t := range res.Touches {
			if t.Key != "" {
				_, iid, err := tx.ImportKey(ctx, t.Key)
				if err != nil {
					return err
				}
				if iid != "" {
					continue
				}
			}
			k, ok := kinds[t.Kind]
			if !ok {
				return importer.Error(t.Where, "unknown kind %q", t.Kind)
			}
			if t.At.After(now) {
				sum.Errors = append(sum.Errors, t.Where+": in the future, left out")
				continue
			}
			in := &rapport.Interaction{ID: newID(), At: t.At.UTC(), Kind: k.Name, By: t.By, Channel: t.Channel, Minutes: t.Minutes, Note: t.Note}
			seen := map[string]bool{}
			for _, ip := range t.People {
				id, err := m.person(ctx, ip)
				if err != nil {
					return err
				}
				if id != "" && !seen[id] {
					seen[id] = true
					in.People = append(in.People, rapport.PersonRef{ID: id, Name: ip.Name})
				}
			}
			if len(in.People) == 0 {
				continue
			}
			touch := model.TouchOf(k, in.At, in.By, in.Minutes, len(in.People))
			before := make([]float64, len(in.People))
			for i, r := range in.People {
				tie := ties[r.ID]
				if tie == nil {
					stored, err := tx.Tie(ctx, r.ID)
					if err != nil {
						return err
					}
					tie = &stored
					ties[r.ID] = tie
				}
				at := in.At
				if tie.Seen.After(at) {
					at = tie.Seen
				}
				before[i] = tie.Strength(at, p)
				tie.Add(touch, p)
			}
			if err := tx.InsertInteraction(ctx, in, now.UnixMilli(), before); err != nil {
				return err
			}
			if t.Key != "" {
				if err := tx.PutImportKey(ctx, t.Key, "", in.ID); err != nil {
					return err
				}
			}
			sum.InteractionsCreated++
		}
		ids := make([]string, 0, len(ties))
		for id := range ties {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			if err := tx.PutTie(ctx, id, *ties[id]); err != nil {
				return err
			}
		}
		sum.PeopleCreated, sum.PeopleMerged = len(m.created), len(m.merged)
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, err
	}
	return sum, nil
}

// merger finds or creates the people of one import, remembering what it saw.
type merger struct {
	a       *App
	tx      *store.Tx
	sum     *ImportSummary
	created map[string]bool   // people made by this import
	merged  map[string]bool   // people already there that this import matched
	handles map[string]string // "kind\x00norm" → person id
	keys    map[string]string // source key → person id
}

func (m *merger) owner(ctx context.Context, kind, norm string) (string, error) {
	k := kind + "\x00" + norm
	if id, ok := m.handles[k]; ok {
		return id, nil
	}
	id, err := m.tx.HandleOwner(ctx, kind, norm)
	if err != nil {
		return "", err
	}
	if id != "" {
		m.handles[k] = id
	}
	return id, nil
}

// person returns the id of the person ip is, creating or completing them.
func (m *merger) person(ctx context.Context, ip importer.Person) (string, error) {
	name := strings.Join(strings.Fields(ip.Name), " ")
	type handle struct{ kind, value, norm string }
	var hs []handle
	for kind, values := range map[string][]string{rapport.HandleEmail: ip.Emails, rapport.HandlePhone: ip.Phones, rapport.HandleURL: ip.URLs} {
		for _, v := range values {
			if strings.TrimSpace(v) == "" {
				continue
			}
			norm, err := rapport.NormalizeHandle(kind, v)
			if err != nil {
				m.sum.Errors = append(m.sum.Errors, ip.Where+": "+rapport.ErrorMessage(err)+" (left out)")
				continue
			}
			hs = append(hs, handle{kind, strings.TrimSpace(v), norm})
		}
	}
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].kind < hs[j].kind })
	id := ""
	for _, h := range hs {
		owner, err := m.owner(ctx, h.kind, h.norm)
		if err != nil {
			return "", err
		}
		if owner != "" {
			id = owner
			break
		}
	}
	if id == "" && ip.Key != "" {
		if cached, ok := m.keys[ip.Key]; ok {
			id = cached
		} else {
			pid, _, err := m.tx.ImportKey(ctx, ip.Key)
			if err != nil {
				return "", err
			}
			id = pid
		}
	}
	if name == "" && id == "" {
		if len(hs) == 0 {
			return "", nil // nothing to know them by
		}
		name = hs[0].value // an address with no name: name them by it
		if i := strings.Index(name, "@"); i > 0 && hs[0].kind == rapport.HandleEmail {
			name = name[:i]
		}
	}
	if id != "" && len(ip.Tags)+len(ip.Notes) == 0 && ip.Org+ip.Title+ip.Met == "" {
		// Nothing to add unless a handle is new: the common case of a known
		// correspondent on yet another message.
		fresh := false
		for _, h := range hs {
			owner, err := m.owner(ctx, h.kind, h.norm)
			if err != nil {
				return "", err
			}
			fresh = fresh || owner == ""
		}
		if !fresh {
			if !m.created[id] {
				m.merged[id] = true
			}
			return id, m.remember(ctx, ip.Key, id)
		}
	}
	now := m.a.now()
	var p *rapport.Person
	if id != "" {
		var err error
		if p, err = m.tx.Person(ctx, id); err != nil {
			return "", err
		}
		if !m.created[id] {
			m.merged[id] = true
		}
	} else {
		p = &rapport.Person{ID: newID(), Name: name, CreatedAt: now, Emails: []string{}, Phones: []string{}, URLs: []string{}, Tags: []string{},
			Notes: []rapport.Item{}, Wants: []rapport.Item{}, Offers: []rapport.Item{}}
		if err := rapport.ValidateName(p.Name); err != nil {
			return "", importer.Error(ip.Where, "%s", rapport.ErrorMessage(err))
		}
		m.created[p.ID] = true
	}
	changed := id == ""
	for _, h := range hs {
		owner, err := m.owner(ctx, h.kind, h.norm)
		if err != nil {
			return "", err
		}
		if owner != "" {
			continue // theirs already, or someone else's: never taken from them
		}
		switch h.kind {
		case rapport.HandleEmail:
			p.Emails = append(p.Emails, h.value)
		case rapport.HandlePhone:
			p.Phones = append(p.Phones, h.value)
		case rapport.HandleURL:
			p.URLs = append(p.URLs, h.value)
		}
		m.handles[h.kind+"\x00"+h.norm] = p.ID
		changed = true
	}
	for _, f := range []struct {
		dst *string
		v   string
	}{{&p.Org, ip.Org}, {&p.Title, ip.Title}, {&p.Met, ip.Met}} {
		if *f.dst == "" && strings.TrimSpace(f.v) != "" {
			*f.dst, changed = strings.TrimSpace(f.v), true
		}
	}
	for _, t := range ip.Tags {
		n, err := rapport.NormalizeTag(t)
		if err != nil || slices.Contains(p.Tags, n) {
			continue
		}
		p.Tags, changed = append(p.Tags, n), true
	}
	for _, note := range ip.Notes {
		note = strings.TrimSpace(note)
		if note == "" || slices.ContainsFunc(p.Notes, func(it rapport.Item) bool { return it.Text == note }) {
			continue
		}
		p.Notes, changed = append(p.Notes, rapport.Item{ID: newID(), Text: note, At: now}), true
	}
	if changed {
		p.UpdatedAt = now
		sort.Strings(p.Tags)
		if err := m.tx.SavePerson(ctx, p); err != nil {
			return "", err
		}
	}
	return p.ID, m.remember(ctx, ip.Key, p.ID)
}

// remember records that a source key names a person.
func (m *merger) remember(ctx context.Context, key, id string) error {
	if key == "" || m.keys[key] == id {
		return nil
	}
	m.keys[key] = id
	return m.tx.PutImportKey(ctx, key, id, "")
}
