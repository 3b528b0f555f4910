package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/rapport-app/rapport"
)

// AppToken is an app password: a device signs in with its secret, of which
// only the hash is kept.
type AppToken struct {
	ID      string     `json:"id"`
	Name    string     `json:"name"`
	Created time.Time  `json:"created"`
	Used    *time.Time `json:"last_used"`
}

// InsertAppToken stores a new app password by its hash; a name in use is a
// conflict.
func (tx *Tx) InsertAppToken(ctx context.Context, t AppToken, hash string) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO app_tokens (id, name, hash, created_ms) VALUES (?, ?, ?, ?)`,
		t.ID, t.Name, hash, ms(t.Created))
	if isUniqueViolation(err) {
		return rapport.FieldErrorf(rapport.ECONFLICT, "name", "%q: an app password of that name exists (rapport token revoke %s, or choose another name)", t.Name, t.Name)
	} else if err != nil {
		return fmt.Errorf("store the app password: %w", mapErr(err))
	}
	return nil
}

// AppTokens lists the app passwords, by name.
func (tx *Tx) AppTokens(ctx context.Context) ([]AppToken, error) {
	out := []AppToken{}
	err := tx.eachRow(ctx, "list app passwords", `SELECT id, name, created_ms, used_ms FROM app_tokens ORDER BY name`, nil, func(rows *sql.Rows) error {
		var t AppToken
		var created int64
		var used sql.NullInt64
		if err := rows.Scan(&t.ID, &t.Name, &created, &used); err != nil {
			return err
		}
		t.Created = fromMs(created)
		if used.Valid {
			u := fromMs(used.Int64)
			t.Used = &u
		}
		out = append(out, t)
		return nil
	})
	return out, err
}

// DeleteAppToken removes the app password of that name, or whose id is or
// ends with ref.
func (tx *Tx) DeleteAppToken(ctx context.Context, ref string) (AppToken, error) {
	list, err := tx.AppTokens(ctx)
	if err != nil {
		return AppToken{}, err
	}
	for _, t := range list {
		if t.Name == ref || t.ID == ref || len(ref) >= 8 && len(t.ID) > len(ref) && t.ID[len(t.ID)-len(ref):] == ref {
			if _, err := tx.q.ExecContext(ctx, `DELETE FROM app_tokens WHERE id = ?`, t.ID); err != nil {
				return t, fmt.Errorf("revoke %s: %w", t.Name, mapErr(err))
			}
			return t, nil
		}
	}
	return AppToken{}, rapport.Errorf(rapport.ENOTFOUND, "no app password is named %q (rapport token list)", ref)
}

// AppTokenByHash returns the app password with that hash, if any.
func (tx *Tx) AppTokenByHash(ctx context.Context, hash string) (AppToken, bool, error) {
	var t AppToken
	var created int64
	var used sql.NullInt64
	err := tx.q.QueryRowContext(ctx, `SELECT id, name, created_ms, used_ms FROM app_tokens WHERE hash = ?`, hash).Scan(&t.ID, &t.Name, &created, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return t, false, nil
	}
	if err != nil {
		return t, false, fmt.Errorf("check an app password: %w", err)
	}
	t.Created = fromMs(created)
	if used.Valid {
		u := fromMs(used.Int64)
		t.Used = &u
	}
	return t, true, nil
}

// UseAppToken notes that an app password was used at a moment.
func (tx *Tx) UseAppToken(ctx context.Context, id string, at time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE app_tokens SET used_ms = ? WHERE id = ?`, ms(at), id); err != nil {
		return fmt.Errorf("note an app password's use: %w", mapErr(err))
	}
	return nil
}

// DavCard is a card of the address book as devices last saw it: its name in
// the book, its person, its ETag ("" once deleted or renamed: a tombstone)
// and the change that last touched it. A person has at most one live card.
type DavCard struct {
	PersonID, Href, ETag string
	Seq                  int64
}

// DavCards returns every card and tombstone, by href.
func (tx *Tx) DavCards(ctx context.Context) ([]DavCard, error) {
	var out []DavCard
	err := tx.eachRow(ctx, "read the address book", `SELECT person_id, href, etag, seq FROM dav_cards WHERE member_id = ? ORDER BY href`, []any{tx.lens}, func(rows *sql.Rows) error {
		var c DavCard
		err := rows.Scan(&c.PersonID, &c.Href, &c.ETag, &c.Seq)
		out = append(out, c)
		return err
	})
	return out, err
}

// DavCardByHref returns the card (or tombstone) of that name.
func (tx *Tx) DavCardByHref(ctx context.Context, href string) (DavCard, error) {
	var c DavCard
	err := tx.q.QueryRowContext(ctx, `SELECT person_id, href, etag, seq FROM dav_cards WHERE member_id = ? AND href = ?`, tx.lens, href).Scan(&c.PersonID, &c.Href, &c.ETag, &c.Seq)
	if errors.Is(err, sql.ErrNoRows) {
		return c, rapport.Errorf(rapport.ENOTFOUND, "no card %s", href)
	}
	if err != nil {
		return c, fmt.Errorf("read card %s: %w", href, err)
	}
	return c, nil
}

// DavChangesSince returns the cards and tombstones changed after seq, in
// the order of their changes.
func (tx *Tx) DavChangesSince(ctx context.Context, seq int64) ([]DavCard, error) {
	var out []DavCard
	err := tx.eachRow(ctx, "read the address book's changes", `SELECT person_id, href, etag, seq FROM dav_cards WHERE member_id = ? AND seq > ? ORDER BY seq, href`, []any{tx.lens, seq}, func(rows *sql.Rows) error {
		var c DavCard
		err := rows.Scan(&c.PersonID, &c.Href, &c.ETag, &c.Seq)
		out = append(out, c)
		return err
	})
	return out, err
}

// DavSeq is the address book's last change (0 for none).
func (tx *Tx) DavSeq(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	if err := tx.q.QueryRowContext(ctx, `SELECT MAX(seq) FROM dav_cards WHERE member_id = ?`, tx.lens).Scan(&n); err != nil {
		return 0, fmt.Errorf("read the address book's version: %w", err)
	}
	return n.Int64, nil
}

// PutDavCard stores a card's state (a tombstone with an empty ETag).
func (tx *Tx) PutDavCard(ctx context.Context, c DavCard) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO dav_cards (member_id, href, person_id, etag, seq) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (member_id, href) DO UPDATE SET person_id = excluded.person_id, etag = excluded.etag, seq = excluded.seq`, tx.lens, c.Href, c.PersonID, c.ETag, c.Seq)
	if err != nil {
		return fmt.Errorf("update the address book: %w", mapErr(err))
	}
	return nil
}

// DeviceRemoval is a person a device deleted, kept out of the address book
// until the user decides: delete them in Rapport, or keep them.
type DeviceRemoval struct {
	Person rapport.PersonRef `json:"person"`
	At     time.Time         `json:"at"`
	Device string            `json:"device"`
}

// PutDeviceRemoval records that a device deleted a person.
func (tx *Tx) PutDeviceRemoval(ctx context.Context, personID string, at time.Time, device string) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO device_removals (member_id, person_id, at_ms, device) VALUES (?, ?, ?, ?)
		ON CONFLICT (member_id, person_id) DO UPDATE SET at_ms = excluded.at_ms, device = excluded.device`, tx.lens, personID, ms(at), device)
	if err != nil {
		return fmt.Errorf("record a removal on a device: %w", mapErr(err))
	}
	return nil
}

// DeleteDeviceRemoval forgets a removal (the user keeps the person); it
// reports whether there was one.
func (tx *Tx) DeleteDeviceRemoval(ctx context.Context, personID string) (bool, error) {
	r, err := tx.q.ExecContext(ctx, `DELETE FROM device_removals WHERE member_id = ? AND person_id = ?`, tx.lens, personID)
	if err != nil {
		return false, fmt.Errorf("keep %s: %w", personID, mapErr(err))
	}
	n, _ := r.RowsAffected()
	return n > 0, nil
}

// DeviceRemovals lists the people devices deleted, latest first.
func (tx *Tx) DeviceRemovals(ctx context.Context) ([]DeviceRemoval, error) {
	out := []DeviceRemoval{}
	err := tx.eachRow(ctx, "list removals on devices", `SELECT p.id, p.name, d.at_ms, d.device FROM device_removals d JOIN people p ON p.id = d.person_id
		WHERE d.member_id = ? ORDER BY d.at_ms DESC, p.name`, []any{tx.lens}, func(rows *sql.Rows) error {
		var r DeviceRemoval
		var at int64
		err := rows.Scan(&r.Person.ID, &r.Person.Name, &at, &r.Device)
		r.At = fromMs(at)
		out = append(out, r)
		return err
	})
	return out, err
}

// CardRow is what the address book serves of a person: the fields a vCard
// carries (no notes: they stay private), and when their photo was set.
type CardRow struct {
	ID, Name, Org, Title       string
	Emails, Phones, URLs, Tags []string
	PhotoType                  string // "" for none
	PhotoAdded                 int64  // Unix ms
	Updated                    time.Time
}

// CardRows reads the address book: everyone but the people a device
// removed (until the user decides), or only the person id names.
func (tx *Tx) CardRows(ctx context.Context, id string) ([]CardRow, error) {
	// On a team's server each member has their own book (the transaction's
	// lens): a person a teammate keeps private is not in it, unless the
	// member knows them too; one they keep private themselves is.
	seen := ` AND (p.private_to = '' OR p.private_to = ? OR EXISTS (SELECT 1 FROM member_ties t WHERE t.member_id = ? AND t.person_id = p.id))`
	where, args := ` WHERE p.id NOT IN (SELECT person_id FROM device_removals WHERE member_id = ?)`+seen, []any{tx.lens, tx.lens, tx.lens}
	sub, subArgs := ` WHERE person_id NOT IN (SELECT person_id FROM device_removals WHERE member_id = ?)`, []any{tx.lens}
	if id != "" {
		where, sub, args, subArgs = ` WHERE p.id = ?`+seen, ` WHERE person_id = ?`, []any{id, tx.lens, tx.lens}, []any{id}
	}
	var out []CardRow
	index := map[string]int{}
	err := tx.eachRow(ctx, "read the address book", `SELECT p.id, p.name, p.org, p.title, p.updated_ms, COALESCE(ph.type, ''), COALESCE(ph.added_ms, 0)
		FROM people p LEFT JOIN photos ph ON ph.person_id = p.id`+where+` ORDER BY p.id`, args, func(rows *sql.Rows) error {
		var r CardRow
		var updated int64
		if err := rows.Scan(&r.ID, &r.Name, &r.Org, &r.Title, &updated, &r.PhotoType, &r.PhotoAdded); err != nil {
			return err
		}
		r.Updated = fromMs(updated)
		index[r.ID] = len(out)
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tx.eachRow(ctx, "read the address book", `SELECT person_id, kind, value FROM handles`+sub+` ORDER BY person_id, kind, ord`, subArgs, func(rows *sql.Rows) error {
		var pid, kind, v string
		if err := rows.Scan(&pid, &kind, &v); err != nil {
			return err
		}
		i, ok := index[pid]
		if !ok {
			return nil
		}
		switch kind {
		case rapport.HandleEmail:
			out[i].Emails = append(out[i].Emails, v)
		case rapport.HandlePhone:
			out[i].Phones = append(out[i].Phones, v)
		case rapport.HandleURL:
			out[i].URLs = append(out[i].URLs, v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tx.eachRow(ctx, "read the address book", `SELECT person_id, tag FROM tags`+sub+` ORDER BY person_id, tag`, subArgs, func(rows *sql.Rows) error {
		var pid, tag string
		if err := rows.Scan(&pid, &tag); err != nil {
			return err
		}
		if i, ok := index[pid]; ok {
			out[i].Tags = append(out[i].Tags, tag)
		}
		return nil
	})
	return out, err
}
