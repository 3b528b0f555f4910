package app

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/importer"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// ImportSummary says what an import did (or, dry, would do).
type ImportSummary struct {
	Source              string         `json:"source"`
	DryRun              bool           `json:"dry_run"`
	Read                int            `json:"read"`
	PeopleCreated       int            `json:"people_created"`
	PeopleMerged        int            `json:"people_merged"`
	InteractionsCreated int            `json:"interactions_created"`
	PhotosAdded         int            `json:"photos_added"` // pictures kept for people who had none (import vcard --photos)
	Skipped             int            `json:"skipped"`
	SkippedWhy          map[string]int `json:"skipped_why"` // why records were left out, with how many each
	Errors              []string       `json:"errors"`      // values left out of records that were otherwise kept
	// Merges lists every record taken as someone already known (in the
	// database or earlier in the file) under another name, and why.
	Merges []ImportMerge `json:"merges"`
	// Rows counts what a JSON backup restored, table by table (import json).
	Rows map[string]int `json:"rows,omitempty"`
}

// ImportMerge is one record merged into a person of another name.
type ImportMerge struct {
	Record string            `json:"record"` // the name in the file
	Where  string            `json:"where"`
	Into   rapport.PersonRef `json:"into"`
	By     string            `json:"by"` // the handle they share
}

var errDryRun = errors.New("dry run")

// Import merges what a parser read into the database, in one transaction:
// a person with the same email, phone or profile URL as someone already there
// is that someone (their details are completed, never overwritten); a person
// known by the same source key likewise; anyone else is created. A touch
// whose source key was imported before is skipped, so importing the same file
// twice creates nothing new. With dryRun everything is done and then rolled
// back, so the summary is exact. What the import matches against (handles,
// keys, ties) is read once, and what it writes goes in multi-row batches.
func (a *App) Import(ctx context.Context, source string, res *importer.Result, dryRun bool) (*ImportSummary, error) {
	return a.importThen(ctx, source, res, dryRun, nil)
}

// importThen is Import with then run last in the same transaction (a sync
// records how far it read with what it read).
func (a *App) importThen(ctx context.Context, source string, res *importer.Result, dryRun bool, then func(*store.Tx) error) (*ImportSummary, error) {
	sum := &ImportSummary{Source: source, DryRun: dryRun, Read: res.Read, Skipped: res.Skipped, SkippedWhy: map[string]int{}, Errors: []string{}, Merges: []ImportMerge{}}
	for why, n := range res.Why {
		sum.SkippedWhy[why] = n
	}
	screened, err := a.screen(ctx, res)
	if err != nil {
		return nil, err
	}
	for why, n := range screened {
		sum.SkippedWhy[why] += n
		sum.Skipped += n
	}
	sum.Errors = append(sum.Errors, res.Notes...)
	sum.Errors = append(sum.Errors, cleanImport(res)...)
	read := sum.Errors
	err = a.bulk(ctx, func(tx *store.Tx) error {
		// A transaction run again (PostgreSQL, after losing to a concurrent
		// one) starts its summary over.
		sum.Errors, sum.Merges, sum.InteractionsCreated = append([]string(nil), read...), []ImportMerge{}, 0
		p, kinds, err := a.modelOf(ctx, tx)
		if err != nil {
			return err
		}
		m := &merger{a: a, member: a.lensMember(ctx), tx: tx, sum: sum, created: map[string]*rapport.Person{}, updated: map[string]*rapport.Person{}, merged: map[string]bool{}, norms: map[string]normed{},
			source: source, sharedPhones: sharedPhones(res), aliases: map[string][]string{}, nameKeys: map[string]string{}, mergesSeen: map[[2]string]bool{}}
		if m.handles, err = tx.Handles(ctx); err != nil {
			return err
		}
		if m.keys, err = tx.ImportKeys(ctx); err != nil {
			return err
		}
		if m.cores, err = tx.Cores(ctx); err != nil {
			return err
		}
		stored, err := a.allTies(ctx, tx)
		if err != nil {
			return err
		}
		ties := make(map[string]model.Tie, len(stored))
		for _, r := range stored {
			ties[r.ID] = r.Tie
		}
		photos := map[string]store.Photo{}
		for i := range res.People {
			id, err := m.person(ctx, res.People[i])
			if err != nil {
				return err
			}
			if ph := res.People[i].Photo; ph != nil && id != "" {
				if _, ok := photos[id]; !ok { // the first picture of a person in the file
					photos[id] = store.Photo{Type: ph.Type, Data: ph.Data}
				}
			}
		}
		now := a.now()
		// A keyed touch has an id made from its key: if that id is stored,
		// the touch was imported before.
		ids := make([]string, len(res.Touches))
		var keyed []string
		for i, t := range res.Touches {
			if t.Key != "" {
				ids[i] = touchID(t.Key, t.At)
				keyed = append(keyed, ids[i])
			}
		}
		exists, err := tx.ExistingInteractions(ctx, keyed)
		if err != nil {
			return err
		}
		// The interactions are stored while the rest are matched and scored.
		w, err := tx.NewInteractionWriter(ctx, len(res.Touches)-len(exists), now.UnixMilli())
		if err != nil {
			return err
		}
		defer w.Close()
		const chunk = 8192
		var ins []rapport.Interaction
		var before [][]float64
		touched := map[string]bool{}
		for ti, t := range res.Touches {
			if exists[ids[ti]] {
				continue
			}
			k, ok := kinds[t.Kind]
			if !ok {
				return importer.Error(t.Where, "unknown kind %q", t.Kind)
			}
			if t.At.After(now) {
				sum.Errors = append(sum.Errors, t.Where+": in the future, left out")
				continue
			}
			if t.At.Before(rapport.MinTime) {
				sum.Errors = append(sum.Errors, fmt.Sprintf("%s: dated before %d, left out", t.Where, rapport.MinTime.Year()))
				continue
			}
			in := rapport.Interaction{ID: ids[ti], At: t.At.UTC(), Kind: k.Name, By: t.By, Channel: t.Channel, Minutes: t.Minutes, Note: t.Note,
				MemberID: a.memberID(ctx)}
			if in.ID == "" {
				in.ID = newID()
			} else {
				exists[in.ID] = true // the same touch twice in one import
			}
			seen := map[string]bool{}
			for _, ip := range t.People {
				id, err := m.personOnce(ctx, ip)
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
			b := make([]float64, len(in.People))
			for i, r := range in.People {
				tie := ties[r.ID]
				at := in.At
				if tie.Seen.After(at) {
					at = tie.Seen
				}
				b[i] = tie.Strength(at, p)
				tie.Add(touch, p)
				ties[r.ID] = tie
				touched[r.ID] = true
			}
			ins, before = append(ins, in), append(before, b)
			if len(ins) == chunk {
				w.Add(ins, before)
				sum.InteractionsCreated += len(ins)
				ins, before = make([]rapport.Interaction, 0, chunk), make([][]float64, 0, chunk)
			}
		}
		w.Add(ins, before)
		sum.InteractionsCreated += len(ins)
		if err := w.Close(); err != nil {
			return err
		}
		// Write: new people, then changed ones, then the history that
		// refers to them, then the keys that refer to both.
		if err := tx.InsertPeople(ctx, m.createdList); err != nil {
			return err
		}
		for _, id := range sortedKeys(m.updated) {
			if err := tx.SavePerson(ctx, m.updated[id]); err != nil {
				return err
			}
		}
		if err := tx.PutImportKeys(ctx, m.newKeys); err != nil {
			return err
		}
		if sum.PhotosAdded, err = tx.PutPhotos(ctx, photos, now.UnixMilli(), false); err != nil {
			return err
		}
		changed := make(map[string]model.Tie, len(touched))
		for id := range touched {
			changed[id] = ties[id]
		}
		if err := a.saveTies(ctx, tx, changed); err != nil {
			return err
		}
		sum.PeopleCreated, sum.PeopleMerged = len(m.created), len(m.merged)
		if dryRun {
			return errDryRun
		}
		if then != nil {
			return then(tx)
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, err
	}
	return sum, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// merger finds or creates the people of one import, in memory, for the
// import to write at the end.
type merger struct {
	a           *App
	member      string // who imports, on a team's server (their notes are theirs)
	tx          *store.Tx
	sum         *ImportSummary
	handles     map[string]string    // "kind\x00norm" → person id, the database's and this import's
	keys        map[string][2]string // source key → person id, interaction id
	created     map[string]*rapport.Person
	createdList []*rapport.Person
	updated     map[string]*rapport.Person // people already there that this import completes
	merged      map[string]bool            // people already there that this import matched
	cores       map[string]*store.Core     // what people already there have, to tell if ip adds anything
	newKeys     [][3]string
	norms       map[string]normed // "kind\x00value" → its normal form: a mailbox names the same people thousands of times
	source      string
	aliases     map[string][]string // person id → names records merged into them had
	nameKeys    map[string]string   // name → rapport.NameKey(name): a mailbox repeats the same names
	mergesSeen  map[[2]string]bool  // record name key, person id: each pair decided once
	// known remembers what a record of a name and one address resolved to:
	// a mailbox names the same correspondent in thousands of touches, and
	// the same record always resolves to the same person.
	known map[[2]string]string
	// sharedPhones are the numbers that differently named records of this
	// import share (a family landline, a switchboard): they prove nothing.
	sharedPhones map[string]bool
}

// sharedPhones finds the phone numbers that records of different names
// carry in one import.
func sharedPhones(res *importer.Result) map[string]bool {
	names := map[string]string{}
	out := map[string]bool{}
	see := func(p importer.Person) {
		if len(p.Phones) == 0 {
			return // most records of a mailbox: nothing to compare, and no name to fold
		}
		key := rapport.NameKey(p.Name)
		for _, v := range p.Phones {
			n, err := rapport.NormalizeHandle(rapport.HandlePhone, v)
			if err != nil {
				continue
			}
			if prev, ok := names[n]; ok && prev != key && prev != "" && key != "" {
				out[n] = true
			} else if !ok {
				names[n] = key
			}
		}
	}
	for _, p := range res.People {
		see(p)
	}
	for _, t := range res.Touches {
		for _, p := range t.People {
			see(p)
		}
	}
	return out
}

type normed struct {
	norm string
	err  error
}

type handle struct{ kind, value, norm string }

// person returns the id of the person ip is, creating or completing them.
// personOnce is person, remembered for records that are a name and one
// address and nothing else (a correspondent in a mailbox).
func (m *merger) personOnce(ctx context.Context, ip importer.Person) (string, error) {
	if len(ip.Emails) != 1 || len(ip.Phones)+len(ip.URLs)+len(ip.Tags)+len(ip.Notes) > 0 || ip.Org != "" || ip.Title != "" || ip.Met != "" || ip.Key != "" || ip.Photo != nil {
		return m.person(ctx, ip)
	}
	k := [2]string{ip.Name, ip.Emails[0]}
	if id, ok := m.known[k]; ok {
		return id, nil
	}
	id, err := m.person(ctx, ip)
	if err == nil {
		if m.known == nil {
			m.known = map[[2]string]string{}
		}
		m.known[k] = id
	}
	return id, err
}

func (m *merger) person(ctx context.Context, ip importer.Person) (string, error) {
	name := strings.Join(strings.Fields(ip.Name), " ")
	var hs []handle
	var rejected []string
	for _, kv := range []struct {
		kind   string
		values []string
	}{{rapport.HandleEmail, ip.Emails}, {rapport.HandlePhone, ip.Phones}, {rapport.HandleURL, ip.URLs}} {
		for _, v := range kv.values {
			if strings.TrimSpace(v) == "" {
				continue
			}
			n, ok := m.norms[kv.kind+"\x00"+v]
			if !ok {
				n.norm, n.err = rapport.NormalizeHandle(kv.kind, v)
				m.norms[kv.kind+"\x00"+v] = n
			}
			norm, err := n.norm, n.err
			if err != nil {
				m.sum.Errors = append(m.sum.Errors, ip.Where+": "+rapport.ErrorMessage(err)+" (left out)")
				rejected = append(rejected, strings.TrimSpace(v))
				continue
			}
			hs = append(hs, handle{kv.kind, strings.TrimSpace(v), norm})
		}
	}
	// Merge only on what proves one person: an email, a profile URL, or a
	// valid full international phone number that no differently named
	// record of this import shares. Short codes and invalid numbers never
	// merge; look-alikes go to `rapport dupes`.
	id, by := "", ""
	if ip.Ref != "" {
		id = m.keys[ip.Ref][0]
	}
	for _, h := range hs {
		if id != "" {
			break
		}
		if h.kind == rapport.HandlePhone && (!rapport.PhoneMergeable(h.norm) || m.sharedPhones[h.norm]) {
			continue
		}
		if owner := m.handles[h.kind+"\x00"+h.norm]; owner != "" {
			id, by = owner, h.kind+" "+h.value
			break
		}
	}
	// A record with nothing to merge on still has a stable key, so that
	// importing the same file again finds it instead of adding it again.
	proven := slices.ContainsFunc(hs, func(h handle) bool {
		return h.kind != rapport.HandlePhone || rapport.PhoneMergeable(h.norm) && !m.sharedPhones[h.norm]
	})
	if ip.Key == "" && !proven && name != "" {
		ip.Key = m.source + "\x00name\x00" + rapport.NameKey(name) + "\x00" + strings.Join(rejected, "\x00")
		for _, h := range hs {
			ip.Key += "\x00" + h.norm
		}
	}
	if id == "" && ip.Key != "" {
		id = m.keys[ip.Key][0]
	}
	aliased := false
	if id != "" && by != "" && name != "" {
		aliased = m.noteMerge(ctx, ip, name, id, by)
	}
	var p *rapport.Person
	now := m.a.now()
	switch {
	case id == "":
		if name == "" {
			if len(hs) == 0 {
				return "", nil // nothing to know them by
			}
			name = hs[0].value // an address with no name: name them by it
			if i := strings.Index(name, "@"); i > 0 && hs[0].kind == rapport.HandleEmail {
				name = name[:i]
			}
		}
		if err := rapport.ValidateName(name); err != nil {
			return "", importer.Error(ip.Where, "%s", rapport.ErrorMessage(err))
		}
		p = &rapport.Person{ID: newID(), Name: name, CreatedAt: now, UpdatedAt: now, Emails: []string{}, Phones: []string{}, URLs: []string{},
			Tags: []string{}, Notes: []rapport.Item{}, Wants: []rapport.Item{}, Offers: []rapport.Item{}}
		m.created[p.ID] = p
		m.createdList = append(m.createdList, p)
	case m.created[id] != nil:
		p = m.created[id]
	case m.updated[id] != nil:
		p = m.updated[id]
		m.merged[id] = true
	default:
		m.merged[id] = true
		if !m.adds(id, ip, hs) && !aliased {
			if err := m.remember(ip.Ref, id); err != nil || proven {
				return id, err
			}
			return id, m.remember(ip.Key, id)
		}
		loaded, err := m.tx.Person(ctx, id)
		if err != nil {
			return "", err
		}
		p = loaded
		m.updated[id] = p
	}
	m.complete(p, ip, hs, now)
	for _, al := range m.aliases[p.ID] {
		if m.nameKey(al) != m.nameKey(p.Name) && !slices.ContainsFunc(p.Aliases, func(it rapport.Item) bool {
			return m.nameKey(it.Text) == m.nameKey(al)
		}) {
			p.Aliases = append(p.Aliases, rapport.Item{ID: newID(), Text: al, At: now})
		}
	}
	delete(m.aliases, p.ID)
	if err := m.remember(ip.Ref, p.ID); err != nil {
		return "", err
	}
	if proven {
		return p.ID, nil // a handle knows them: no key needed
	}
	return p.ID, m.remember(ip.Key, p.ID)
}

// nameKey is rapport.NameKey, remembered.
func (m *merger) nameKey(name string) string {
	k, ok := m.nameKeys[name]
	if !ok {
		k = rapport.NameKey(name)
		m.nameKeys[name] = k
	}
	return k
}

// noteMerge reports a record taken as a person of another name, and
// reports whether it did (the name is then kept as an alias).
func (m *merger) noteMerge(ctx context.Context, ip importer.Person, name, id, by string) bool {
	seen := [2]string{m.nameKey(name), id}
	if m.mergesSeen[seen] {
		return false // decided the first time this name met this person
	}
	m.mergesSeen[seen] = true
	var into string
	switch {
	case m.created[id] != nil:
		into = m.created[id].Name
	case m.updated[id] != nil:
		into = m.updated[id].Name
	case m.cores[id] != nil:
		into = m.cores[id].Name
	default:
		r, err := m.tx.Resolve(ctx, id)
		if err != nil {
			return false
		}
		into = r.Name
	}
	if m.nameKey(into) == m.nameKey(name) {
		return false
	}
	m.aliases[id] = append(m.aliases[id], name)
	m.sum.Merges = append(m.sum.Merges, ImportMerge{Record: name, Where: ip.Where, Into: rapport.PersonRef{ID: id, Name: into}, By: by})
	return true
}

// adds reports whether ip would add anything to the person id already stored.
func (m *merger) adds(id string, ip importer.Person, hs []handle) bool {
	c := m.cores[id]
	if c == nil {
		return true
	}
	if c.Org == "" && strings.TrimSpace(ip.Org) != "" || c.Title == "" && strings.TrimSpace(ip.Title) != "" || c.Met == "" && strings.TrimSpace(ip.Met) != "" {
		return true
	}
	for _, t := range ip.Tags {
		if n, err := rapport.NormalizeTag(t); err == nil && !slices.Contains(c.Tags, n) {
			return true
		}
	}
	for _, n := range ip.Notes {
		if n = strings.TrimSpace(n); n != "" && !slices.Contains(c.Notes, n) {
			return true
		}
	}
	for _, h := range hs {
		if m.handles[h.kind+"\x00"+h.norm] == "" {
			return true
		}
	}
	return false
}

// complete adds to p what ip knows and p lacks, never overwriting.
func (m *merger) complete(p *rapport.Person, ip importer.Person, hs []handle, now time.Time) {
	for _, h := range hs {
		k := h.kind + "\x00" + h.norm
		if m.handles[k] != "" {
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
		m.handles[k] = p.ID
	}
	for _, f := range []struct {
		dst *string
		v   string
	}{{&p.Org, ip.Org}, {&p.Title, ip.Title}, {&p.Met, ip.Met}} {
		if *f.dst == "" && strings.TrimSpace(f.v) != "" {
			*f.dst = strings.TrimSpace(f.v)
		}
	}
	for _, t := range ip.Tags {
		if n, err := rapport.NormalizeTag(t); err == nil && !slices.Contains(p.Tags, n) {
			p.Tags = append(p.Tags, n)
		}
	}
	sort.Strings(p.Tags)
	for _, note := range ip.Notes {
		note = strings.TrimSpace(note)
		if note != "" && !slices.ContainsFunc(p.Notes, func(it rapport.Item) bool { return it.Text == note }) {
			// An imported note is the importer's, private on a team's server.
			p.Notes = append(p.Notes, rapport.Item{ID: newID(), Text: note, At: now, MemberID: m.member})
		}
	}
	p.UpdatedAt = now
}

// remember records that a source key names a person.
func (m *merger) remember(key, id string) error {
	if key == "" || m.keys[key][0] == id {
		return nil
	}
	m.keys[key] = [2]string{id, m.keys[key][1]}
	m.newKeys = append(m.newKeys, [3]string{key, id, ""})
	return nil
}

// touchID is the id of an imported touch: a UUIDv7 whose time is the touch's
// and whose random part is a hash of its source key, so importing the same
// touch again finds it by its primary key, with no bookkeeping.
func touchID(key string, at time.Time) string {
	h := sha256.Sum256([]byte(key))
	var u uuid.UUID
	ms := uint64(max(0, at.UnixMilli()))
	for i := range 6 {
		u[i] = byte(ms >> (40 - 8*i))
	}
	copy(u[6:], h[:10])
	u[6] = u[6]&0x0f | 0x70 // version 7
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u.String()
}
