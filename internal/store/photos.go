package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"

	"github.com/rapport-app/rapport"
)

// Photo is a person's picture: its media type and its bytes.
type Photo struct {
	Type string
	Data []byte
}

// PutPhotos stores pictures by person id and says how many it stored. A
// person who has one keeps it unless replace is set: an import never
// overwrites what is there.
func (tx *Tx) PutPhotos(ctx context.Context, photos map[string]Photo, atMs int64, replace bool) (int, error) {
	ids := make([]string, 0, len(photos))
	for id := range photos {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	q := `INSERT INTO photos (person_id, type, data, added_ms) VALUES (?, ?, ?, ?) ON CONFLICT (person_id) DO NOTHING`
	if replace {
		q = `INSERT INTO photos (person_id, type, data, added_ms) VALUES (?, ?, ?, ?)
			ON CONFLICT (person_id) DO UPDATE SET type = excluded.type, data = excluded.data, added_ms = excluded.added_ms`
	}
	n := 0
	for _, id := range ids {
		p := photos[id]
		res, err := tx.q.ExecContext(ctx, q, id, p.Type, base64.StdEncoding.EncodeToString(p.Data), atMs)
		if err != nil {
			return n, fmt.Errorf("store the photo of %s: %w", id, mapErr(err))
		}
		if k, err := res.RowsAffected(); err == nil {
			n += int(k)
		}
	}
	return n, nil
}

// Photo returns a person's picture, or ENOTFOUND.
func (tx *Tx) Photo(ctx context.Context, personID string) (*Photo, error) {
	var typ, data string
	err := tx.q.QueryRowContext(ctx, `SELECT type, data FROM photos WHERE person_id = ?`, personID).Scan(&typ, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rapport.Errorf(rapport.ENOTFOUND, "no photo")
	}
	if err != nil {
		return nil, fmt.Errorf("read a photo: %w", err)
	}
	b, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return nil, fmt.Errorf("read the photo of %s: %w", personID, err)
	}
	return &Photo{Type: typ, Data: b}, nil
}

// Photos returns every picture by person id.
func (tx *Tx) Photos(ctx context.Context) (map[string]Photo, error) {
	out := map[string]Photo{}
	err := tx.eachRow(ctx, "read the photos", `SELECT person_id, type, data FROM photos`, nil, func(r *sql.Rows) error {
		var id, typ, data string
		if err := r.Scan(&id, &typ, &data); err != nil {
			return err
		}
		b, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			return fmt.Errorf("the photo of %s: %w", id, err)
		}
		out[id] = Photo{Type: typ, Data: b}
		return nil
	})
	return out, err
}

// HasPhoto reports whether a person has a picture.
func (tx *Tx) HasPhoto(ctx context.Context, personID string) (bool, error) {
	var n int
	if err := tx.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM photos WHERE person_id = ?`, personID).Scan(&n); err != nil {
		return false, fmt.Errorf("look for a photo: %w", err)
	}
	return n > 0, nil
}

// DeletePhoto removes a person's picture; none is not an error.
func (tx *Tx) DeletePhoto(ctx context.Context, personID string) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM photos WHERE person_id = ?`, personID); err != nil {
		return fmt.Errorf("remove a photo: %w", err)
	}
	return nil
}
