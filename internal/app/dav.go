package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	govcard "github.com/emersion/go-vcard"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/importer"
	"github.com/rapport-app/rapport/internal/importer/vcard"
	"github.com/rapport-app/rapport/internal/store"
)

// The address book devices sync (CardDAV, served by the web package): one
// card a person, with what a vCard carries of them (name, organisation,
// title, emails, phones, links, tags as CATEGORIES, photo) and nothing of
// what stays in Rapport (history, notes, wants, offers, figures). A card's
// ETag is a hash of its content, so an edit made anywhere (the CLI, an
// import, another device) shows; the book's change counter and tombstones
// (store.DavCard) are brought in step by DavSync, from which sync tokens and
// ctags are answered.

// DavCardObject is a card of the book: its name (href), ETag, content.
type DavCardObject struct {
	Href    string
	ETag    string
	Row     store.CardRow
	Updated time.Time
}

// DavChange is a card changed since a sync token: its href and ETag, or no
// ETag when it was deleted.
type DavChange struct {
	Href, ETag string
}

// vCard versions a device may ask for: Apple's need 3.0.
const (
	VCard3 = "3.0"
	VCard4 = "4.0"
)

// newCard is a person's card in a vCard version, with photo (the bytes)
// when there is one: what the address book serves and `export vcard`
// writes (which adds the notes).
func newCard(r store.CardRow, photo *store.Photo, version string) govcard.Card {
	c := govcard.Card{}
	c.SetValue(govcard.FieldVersion, version)
	c.SetValue(govcard.FieldFormattedName, r.Name)
	words := strings.Fields(r.Name)
	name := &govcard.Name{GivenName: r.Name}
	if len(words) > 1 {
		name = &govcard.Name{GivenName: strings.Join(words[:len(words)-1], " "), FamilyName: words[len(words)-1]}
	}
	c.SetName(name)
	c.SetValue(govcard.FieldUID, "urn:uuid:"+r.ID)
	for _, e := range r.Emails {
		c.AddValue(govcard.FieldEmail, e)
	}
	for _, t := range r.Phones {
		c.AddValue(govcard.FieldTelephone, t)
	}
	for _, u := range r.URLs {
		if !strings.Contains(u, "://") {
			u = "https://" + u
		}
		c.AddValue(govcard.FieldURL, u)
	}
	if r.Org != "" {
		c.SetValue(govcard.FieldOrganization, r.Org)
	}
	if r.Title != "" {
		c.SetValue(govcard.FieldTitle, r.Title)
	}
	for _, t := range r.Tags {
		c.AddValue(govcard.FieldCategories, t)
	}
	if photo != nil {
		data := base64.StdEncoding.EncodeToString(photo.Data)
		if version == VCard3 {
			kind := strings.ToUpper(strings.TrimPrefix(photo.Type, "image/"))
			c.Add(govcard.FieldPhoto, &govcard.Field{Value: data, Params: govcard.Params{"ENCODING": {"b"}, "TYPE": {kind}}})
		} else {
			c.SetValue(govcard.FieldPhoto, "data:"+photo.Type+";base64,"+data)
		}
	}
	return c
}

// renderCard writes a person's card (newCard) as text.
func renderCard(r store.CardRow, photo *store.Photo, version string) []byte {
	c := newCard(r, photo, version)
	var buf bytes.Buffer
	_ = govcard.NewEncoder(&buf).Encode(c) // a card made here always encodes
	return escapeOrg(buf.Bytes())
}

// RenderCard writes a person's card without their photo (for listings).
func RenderCard(r store.CardRow, version string) []byte { return renderCard(r, nil, version) }

// etagOf is a card's ETag: a hash of its content (the photo by its type and
// when it was set, not its bytes, so that listing the book reads no photo).
func etagOf(r store.CardRow) string {
	h := sha256.New()
	h.Write(renderCard(r, nil, VCard4))
	fmt.Fprintf(h, "\x00%s\x00%d", r.PhotoType, r.PhotoAdded)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// DavCard returns the card at href, in a vCard version.
func (a *App) DavCard(ctx context.Context, href, version string) (*DavCardObject, []byte, error) {
	tx := a.view(ctx)
	c, err := tx.DavCardByHref(ctx, href)
	if err != nil {
		return nil, nil, err
	}
	rows, err := tx.CardRows(ctx, c.PersonID)
	if err != nil {
		return nil, nil, err
	}
	if len(rows) == 0 {
		return nil, nil, rapport.Errorf(rapport.ENOTFOUND, "no card %s", href)
	}
	var photo *store.Photo
	if rows[0].PhotoType != "" {
		if photo, err = tx.Photo(ctx, c.PersonID); err != nil {
			return nil, nil, err
		}
	}
	o := &DavCardObject{Href: c.Href, ETag: etagOf(rows[0]), Row: rows[0], Updated: rows[0].Updated}
	return o, renderCard(rows[0], photo, version), nil
}

// DavCards lists the book's cards (without photos), as the last DavSync
// named them.
func (a *App) DavCards(ctx context.Context) ([]DavCardObject, error) {
	tx := a.view(ctx)
	rows, err := tx.CardRows(ctx, "")
	if err != nil {
		return nil, err
	}
	cards, err := tx.DavCards(ctx)
	if err != nil {
		return nil, err
	}
	live := map[string]store.DavCard{}
	for _, c := range cards {
		if c.ETag != "" {
			live[c.PersonID] = c
		}
	}
	// The ETags are the ones DavSync just compared and stored: rendering
	// every card again here doubled a listing's work.
	out := make([]DavCardObject, 0, len(rows))
	for _, r := range rows {
		if c, ok := live[r.ID]; ok {
			out = append(out, DavCardObject{Href: c.Href, ETag: c.ETag, Row: r, Updated: r.Updated})
		}
	}
	return out, nil
}

// DavSync brings the book's change counter in step with the people and
// returns it: a card whose content changed, or that is new, gets the next
// change; a person gone (deleted, merged away, removed on a device) leaves a
// tombstone. It writes only when something changed.
func (a *App) DavSync(ctx context.Context) (int64, error) {
	seq, changed, err := davSyncTx(ctx, a.view(ctx), false)
	if err != nil || !changed || a.DB.ReadOnly() {
		return seq, err
	}
	err = a.update(ctx, func(tx *store.Tx) error {
		seq, _, err = davSyncTx(ctx, tx, true)
		return err
	})
	return seq, err
}

// davSyncTx compares the book with the people and, if write, records the
// changes; it reports whether there were any.
func davSyncTx(ctx context.Context, tx *store.Tx, write bool) (int64, bool, error) {
	rows, err := tx.CardRows(ctx, "")
	if err != nil {
		return 0, false, err
	}
	cards, err := tx.DavCards(ctx)
	if err != nil {
		return 0, false, err
	}
	var seq int64
	live, dead := map[string]store.DavCard{}, map[string]store.DavCard{}
	for _, c := range cards {
		seq = max(seq, c.Seq)
		if c.ETag != "" {
			live[c.PersonID] = c
		} else if d, ok := dead[c.PersonID]; !ok || c.Href == c.PersonID+".vcf" && d.Href != c.Href {
			dead[c.PersonID] = c // a card of theirs to bring back, their own name first
		}
	}
	changed := false
	put := func(c store.DavCard) error {
		changed = true
		if !write {
			return nil
		}
		seq++
		c.Seq = seq
		return tx.PutDavCard(ctx, c)
	}
	here := make(map[string]bool, len(rows))
	for _, r := range rows {
		here[r.ID] = true
		etag := etagOf(r)
		c, ok := live[r.ID]
		if !ok {
			if c, ok = dead[r.ID]; !ok {
				c = store.DavCard{PersonID: r.ID, Href: r.ID + ".vcf"}
			}
		} else if c.ETag == etag {
			continue
		}
		c.ETag = etag
		if err := put(c); err != nil {
			return 0, false, err
		}
	}
	for _, c := range cards {
		if c.ETag != "" && !here[c.PersonID] {
			c.ETag = ""
			if err := put(c); err != nil {
				return 0, false, err
			}
		}
	}
	return seq, changed, nil
}

// DavChanges returns what changed in the book after the change since (a
// sync token's), up to the last DavSync, and the book's current change.
func (a *App) DavChanges(ctx context.Context, since int64) ([]DavChange, int64, error) {
	seq, err := a.view(ctx).DavSeq(ctx)
	if err != nil {
		return nil, 0, err
	}
	if since < 0 || since > seq {
		return nil, 0, rapport.Errorf(rapport.EINVALID, "sync token %d: not one this address book gave", since)
	}
	cards, err := a.view(ctx).DavChangesSince(ctx, since)
	if err != nil {
		return nil, 0, err
	}
	out := make([]DavChange, 0, len(cards))
	for _, c := range cards {
		if c.Seq <= seq {
			out = append(out, DavChange{Href: c.Href, ETag: c.ETag})
		}
	}
	return out, seq, nil
}

// DavPut is a card a device wrote: ifMatch is the ETag it last saw ("" for
// none, "*" for any), ifNoneMatch "*" when it means to create.
type DavPut struct {
	Href, IfMatch, IfNoneMatch string
	Card                       []byte
	Device                     string // the app password's name
}

// errStale is a write made against a card that changed since the device
// read it: the device must read it again (HTTP 412).
func errStale(href string) error {
	return rapport.Errorf(rapport.ECONFLICT, "precondition: %s changed since the device read it", href)
}

// IsStale reports whether err is a failed If-Match or If-None-Match.
func IsStale(err error) bool {
	var e *rapport.Error
	return errors.As(err, &e) && e.Code == rapport.ECONFLICT && strings.HasPrefix(e.Message, "precondition: ")
}

// PutDavCard writes a card a device sent. An edit merges into the person:
// what the card carries (name, organisation, title, emails, phones, links,
// tags, photo) becomes theirs, what it cannot (history, notes, wants,
// offers) stays; a NOTE the device added is kept as a private note. A new
// card whose email, phone or link is someone's joins that person. It returns
// the card's ETag and whether a person was made.
func (a *App) PutDavCard(ctx context.Context, in DavPut) (string, bool, error) {
	res, err := vcard.ReadWith(bytes.NewReader(in.Card), in.Href, vcard.Options{Photos: true})
	if err != nil {
		return "", false, err
	}
	if len(res.People) != 1 {
		return "", false, rapport.Errorf(rapport.EINVALID, "%s: expected one card with a name, email, phone or link (%s)", in.Href, strings.Join(res.Notes, "; "))
	}
	card := res.People[0]
	now := a.now()
	var etag string
	created := false
	err = a.update(ctx, func(tx *store.Tx) error {
		c, err := tx.DavCardByHref(ctx, in.Href)
		exists := err == nil && c.ETag != ""
		if err != nil && rapport.ErrorCode(err) != rapport.ENOTFOUND {
			return err
		}
		var p *rapport.Person
		if exists {
			if in.IfNoneMatch == "*" {
				return errStale(in.Href)
			}
			rows, err := tx.CardRows(ctx, c.PersonID)
			if err != nil {
				return err
			}
			if len(rows) == 0 || in.IfMatch != "" && in.IfMatch != "*" && unquote(in.IfMatch) != etagOf(rows[0]) {
				return errStale(in.Href)
			}
			if p, err = tx.Person(ctx, c.PersonID); err != nil {
				return err
			}
		} else {
			if in.IfMatch != "" {
				return errStale(in.Href)
			}
			if p, err = a.owner(ctx, tx, card); err != nil {
				return err
			}
			if p == nil {
				p = &rapport.Person{ID: newID(), CreatedAt: now}
				created = true
			} else if err := a.renameCard(ctx, tx, p.ID); err != nil {
				return err
			}
			c = store.DavCard{PersonID: p.ID, Href: in.Href}
		}
		e := cardEdit(p, card, exists || created)
		if err := a.cleanEdit(&e); err != nil {
			return err
		}
		e.by = a.lensMember(ctx)
		if err := applyEdit(p, e, now); err != nil {
			return err
		}
		if err := tx.SavePerson(ctx, p); err != nil {
			return err
		}
		if err := a.cardPhoto(ctx, tx, p.ID, card.Photo, exists || created, now); err != nil {
			return err
		}
		if _, err := tx.DeleteDeviceRemoval(ctx, p.ID); err != nil {
			return err
		}
		rows, err := tx.CardRows(ctx, p.ID)
		if err != nil || len(rows) == 0 {
			return fmt.Errorf("read back %s: %w", in.Href, err)
		}
		etag = etagOf(rows[0])
		seq, err := tx.DavSeq(ctx)
		if err != nil {
			return err
		}
		c.ETag, c.Seq = etag, seq+1
		return tx.PutDavCard(ctx, c)
	})
	if err != nil {
		return "", false, err
	}
	return etag, created, nil
}

// renameCard leaves a tombstone where a person's card was: a device gave
// them a card of its own naming.
func (a *App) renameCard(ctx context.Context, tx *store.Tx, id string) error {
	cards, err := tx.DavCards(ctx)
	if err != nil {
		return err
	}
	var seq int64
	for _, c := range cards {
		seq = max(seq, c.Seq)
	}
	for _, c := range cards {
		if c.PersonID == id && c.ETag != "" {
			seq++
			c.ETag, c.Seq = "", seq
			if err := tx.PutDavCard(ctx, c); err != nil {
				return err
			}
		}
	}
	return nil
}

// owner is the person a new card's email, phone or link already belongs
// to, or nil.
func (a *App) owner(ctx context.Context, tx *store.Tx, card importer.Person) (*rapport.Person, error) {
	for _, h := range []struct {
		kind string
		vs   []string
	}{{rapport.HandleEmail, card.Emails}, {rapport.HandlePhone, card.Phones}, {rapport.HandleURL, card.URLs}} {
		for _, v := range h.vs {
			norm, err := rapport.NormalizeHandle(h.kind, v)
			if err != nil {
				continue
			}
			r, ok, err := tx.HandleOwner(ctx, h.kind, norm)
			if err != nil {
				return nil, err
			}
			if ok {
				return tx.Person(ctx, r.ID)
			}
		}
	}
	return nil, nil
}

// cardEdit is the change that makes p what the card says. A card that
// replaces p's (whole) sets every field it carries, removing what it no
// longer has; a card joining p only adds.
func cardEdit(p *rapport.Person, card importer.Person, whole bool) PersonEdit {
	e := PersonEdit{Force: true}
	if card.Name != "" && (whole || p.Name == "") {
		e.Name = &card.Name
	}
	if whole {
		e.Org, e.Title = &card.Org, &card.Title
	}
	diff := func(kind string, have, want []string) (add, rm []string) {
		norm := func(v string) string { n, _ := rapport.NormalizeHandle(kind, v); return n }
		for _, w := range want {
			if !slices.ContainsFunc(have, func(h string) bool { return norm(h) == norm(w) }) && !slices.ContainsFunc(add, func(h string) bool { return norm(h) == norm(w) }) {
				add = append(add, w)
			}
		}
		if whole {
			for _, h := range have {
				if !slices.ContainsFunc(want, func(w string) bool { return norm(h) == norm(w) }) {
					rm = append(rm, h)
				}
			}
		}
		return add, rm
	}
	e.AddEmails, e.RmEmails = diff(rapport.HandleEmail, p.Emails, card.Emails)
	e.AddPhones, e.RmPhones = diff(rapport.HandlePhone, p.Phones, card.Phones)
	e.AddURLs, e.RmURLs = diff(rapport.HandleURL, p.URLs, card.URLs)
	var tags []string
	for _, t := range card.Tags {
		if n, err := rapport.NormalizeTag(t); err == nil && !slices.Contains(tags, n) {
			tags = append(tags, n)
		}
	}
	for _, t := range tags {
		if !slices.Contains(p.Tags, t) {
			e.AddTags = append(e.AddTags, t)
		}
	}
	if whole {
		for _, t := range p.Tags {
			if !slices.Contains(tags, t) {
				e.RmTags = append(e.RmTags, t)
			}
		}
	}
	for _, n := range card.Notes {
		if !slices.ContainsFunc(p.Notes, func(it rapport.Item) bool { return it.Text == n }) {
			e.AddNotes = append(e.AddNotes, n)
		}
	}
	return e
}

// cardPhoto makes a person's photo the card's: set, replaced, or (for a
// whole card without one) removed.
func (a *App) cardPhoto(ctx context.Context, tx *store.Tx, id string, photo *importer.Photo, whole bool, now time.Time) error {
	if photo == nil {
		if whole {
			return tx.DeletePhoto(ctx, id)
		}
		return nil
	}
	if cur, err := tx.Photo(ctx, id); err != nil {
		return err
	} else if cur != nil && cur.Type == photo.Type && bytes.Equal(cur.Data, photo.Data) {
		return nil
	}
	_, err := tx.PutPhotos(ctx, map[string]store.Photo{id: {Type: photo.Type, Data: photo.Data}}, now.UnixMilli(), true)
	return err
}

// DeleteDavCard is a device deleting a card: the person is not deleted but
// kept out of the book until the user decides (DeviceRemovals), so that a
// mis-swipe never loses a history.
func (a *App) DeleteDavCard(ctx context.Context, href, ifMatch, device string) error {
	return a.update(ctx, func(tx *store.Tx) error {
		c, err := tx.DavCardByHref(ctx, href)
		if err != nil {
			return err
		}
		if c.ETag == "" {
			return rapport.Errorf(rapport.ENOTFOUND, "no card %s", href)
		}
		if ifMatch != "" && ifMatch != "*" {
			rows, err := tx.CardRows(ctx, c.PersonID)
			if err != nil {
				return err
			}
			if len(rows) == 0 || unquote(ifMatch) != etagOf(rows[0]) {
				return errStale(href)
			}
		}
		if err := tx.PutDeviceRemoval(ctx, c.PersonID, a.now(), device); err != nil {
			return err
		}
		seq, err := tx.DavSeq(ctx)
		if err != nil {
			return err
		}
		c.ETag, c.Seq = "", seq+1
		return tx.PutDavCard(ctx, c)
	})
}

// DeviceRemoval is a person a device deleted (see store.DeviceRemoval).
type DeviceRemoval = store.DeviceRemoval

// DeviceRemovals lists the people a device deleted, for the user to decide.
func (a *App) DeviceRemovals(ctx context.Context) ([]DeviceRemoval, error) {
	return a.view(ctx).DeviceRemovals(ctx)
}

// KeepOnDevices puts a person a device deleted back in the address book.
func (a *App) KeepOnDevices(ctx context.Context, ref string) (*rapport.PersonRef, error) {
	var who rapport.PersonRef
	err := a.update(ctx, func(tx *store.Tx) error {
		var err error
		if who, err = tx.Resolve(ctx, ref); err != nil {
			return err
		}
		ok, err := tx.DeleteDeviceRemoval(ctx, who.ID)
		if err == nil && !ok {
			err = rapport.Errorf(rapport.ENOTFOUND, "%s was not removed on a device", who.Name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &who, nil
}

func unquote(etag string) string {
	etag = strings.TrimPrefix(strings.TrimSpace(etag), "W/")
	if s, err := strconv.Unquote(etag); err == nil {
		return s
	}
	return strings.Trim(etag, `"`)
}
