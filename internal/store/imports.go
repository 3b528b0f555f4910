package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/rapport-app/rapport"
)

// ImportKey returns what an import key names: a person, an interaction, or
// neither ("", "").
func (tx *Tx) ImportKey(ctx context.Context, key string) (personID, interactionID string, err error) {
	var p, i sql.NullString
	err = tx.q.QueryRowContext(ctx, `SELECT person_id, interaction_id FROM import_keys WHERE key = ?`, tx.storedKey(key)).Scan(&p, &i)
	if err == sql.ErrNoRows {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("find import key: %w", err)
	}
	return p.String, i.String, nil
}

// PutImportKey records what an import key names.
func (tx *Tx) PutImportKey(ctx context.Context, key, personID, interactionID string) error {
	var p, i any
	if personID != "" {
		p = personID
	}
	if interactionID != "" {
		i = interactionID
	}
	_, err := tx.q.ExecContext(ctx, `INSERT INTO import_keys (key, person_id, interaction_id) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET person_id = excluded.person_id, interaction_id = excluded.interaction_id`, tx.storedKey(key), p, i)
	if err != nil {
		return fmt.Errorf("record import key: %w", mapErr(err))
	}
	return nil
}

// Handles returns every handle's owner, keyed by kind, a zero byte and the
// normalised value: what an import matches people against, read once.
func (tx *Tx) Handles(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	err := tx.eachRow(ctx, "read handles", `SELECT kind, norm, person_id FROM handles`, nil, func(r *sql.Rows) error {
		var kind, norm, id string
		err := r.Scan(&kind, &norm, &id)
		out[kind+"\x00"+norm] = id
		return err
	})
	return out, err
}

// ImportKeys returns every import key with the person and interaction it names.
func (tx *Tx) ImportKeys(ctx context.Context) (map[string][2]string, error) {
	out := map[string][2]string{}
	err := tx.eachRow(ctx, "read import keys", `SELECT key, COALESCE(person_id, ''), COALESCE(interaction_id, '') FROM import_keys`, nil, func(r *sql.Rows) error {
		var k, p, i string
		err := r.Scan(&k, &p, &i)
		out[tx.readKey(k)] = [2]string{p, i}
		return err
	})
	return out, err
}

// InsertPeople stores new people in multi-row batches: the fast path for
// imports (SavePerson replaces one person at a time).
func (tx *Tx) InsertPeople(ctx context.Context, people []*rapport.Person) error {
	var pRows, hRows, tRows, iRows [][]any
	for _, p := range people {
		pRows = append(pRows, []any{p.ID, p.Name, rapport.NameKey(p.Name), p.Org, p.Title, p.Met, ms(p.CreatedAt), ms(p.UpdatedAt)})
		for kind, values := range map[string][]string{rapport.HandleEmail: p.Emails, rapport.HandlePhone: p.Phones, rapport.HandleURL: p.URLs} {
			for i, v := range values {
				norm, err := rapport.NormalizeHandle(kind, v)
				if err != nil {
					return err
				}
				hRows = append(hRows, []any{p.ID, kind, v, norm, i})
			}
		}
		for _, t := range p.Tags {
			tRows = append(tRows, []any{p.ID, t})
		}
		for kind, items := range map[string][]rapport.Item{rapport.ItemNote: p.Notes, rapport.ItemWant: p.Wants, rapport.ItemOffer: p.Offers, rapport.ItemAlias: p.Aliases} {
			for _, it := range items {
				iRows = append(iRows, []any{it.ID, p.ID, kind, it.Text, ms(it.At), nullMs(it.Due), it.MemberID, boolInt(it.Shared || it.MemberID == "")})
			}
		}
	}
	for _, b := range []struct {
		table, cols string
		rows        [][]any
	}{
		{"people", "id, name, name_key, org, title, met, created_ms, updated_ms", pRows},
		{"handles", "person_id, kind, value, norm, ord", hRows},
		{"tags", "person_id, tag", tRows},
		{"person_items", "id, person_id, kind, text, at_ms, due_ms, member_id, shared", iRows},
	} {
		if err := tx.insertRows(ctx, b.table, b.cols, "", b.rows); err != nil {
			return err
		}
	}
	return nil
}

// PutImportKeys records many import keys: [key, person id, interaction id].
func (tx *Tx) PutImportKeys(ctx context.Context, keys [][3]string) error {
	rows := make([][]any, len(keys))
	for i, k := range keys {
		var p, in any
		if k[1] != "" {
			p = k[1]
		}
		if k[2] != "" {
			in = k[2]
		}
		rows[i] = []any{tx.storedKey(k[0]), p, in}
	}
	return tx.insertRows(ctx, "import_keys", "key, person_id, interaction_id",
		" ON CONFLICT (key) DO UPDATE SET person_id = excluded.person_id, interaction_id = excluded.interaction_id", rows)
}
