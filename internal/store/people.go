package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/rapport-app/rapport"
)

// SavePerson inserts p, or replaces the stored record with the same id, with
// all its handles, tags, notes, wants and offers. A handle that belongs to
// someone else is a conflict naming that person.
func (tx *Tx) SavePerson(ctx context.Context, p *rapport.Person) error {
	_, err := tx.q.ExecContext(ctx, `
		INSERT INTO people (id, name, name_key, org, title, met, created_ms, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key,
			org = excluded.org, title = excluded.title, met = excluded.met, updated_ms = excluded.updated_ms`,
		p.ID, p.Name, rapport.NameKey(p.Name), p.Org, p.Title, p.Met, ms(p.CreatedAt), ms(p.UpdatedAt))
	if err != nil {
		return fmt.Errorf("save person %s: %w", p.Name, mapErr(err))
	}
	for _, table := range []string{"handles", "tags", "person_items"} {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM `+table+` WHERE person_id = ?`, p.ID); err != nil {
			return fmt.Errorf("save person %s: clear %s: %w", p.Name, table, err)
		}
	}
	for kind, values := range map[string][]string{rapport.HandleEmail: p.Emails, rapport.HandlePhone: p.Phones, rapport.HandleURL: p.URLs} {
		for i, v := range values {
			norm, err := rapport.NormalizeHandle(kind, v)
			if err != nil {
				return err
			}
			// Asked before the insert, not after its failure: PostgreSQL
			// has aborted the transaction by then.
			if owner, err := tx.handleOwner(ctx, kind, norm); err != nil {
				return err
			} else if owner.ID == p.ID {
				return rapport.Errorf(rapport.EINVALID, "%s %s is given twice", kind, v)
			} else if owner.ID != "" {
				return rapport.Errorf(rapport.ECONFLICT, "%s %s already belongs to %s (%s)", kind, v, owner.Name, owner.ID)
			}
			_, err = tx.q.ExecContext(ctx, `INSERT INTO handles (person_id, kind, value, norm, ord) VALUES (?, ?, ?, ?, ?)`,
				p.ID, kind, v, norm, i)
			if err != nil {
				return fmt.Errorf("save person %s: %s %s: %w", p.Name, kind, v, err)
			}
		}
	}
	for _, t := range p.Tags {
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO tags (person_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING`, p.ID, t); err != nil {
			return fmt.Errorf("save person %s: tag %s: %w", p.Name, t, err)
		}
	}
	for kind, items := range map[string][]rapport.Item{rapport.ItemNote: p.Notes, rapport.ItemWant: p.Wants, rapport.ItemOffer: p.Offers, rapport.ItemAlias: p.Aliases} {
		for _, it := range items {
			_, err := tx.q.ExecContext(ctx, `INSERT INTO person_items (id, person_id, kind, text, at_ms, due_ms, done_ms, member_id, shared) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				it.ID, p.ID, kind, it.Text, ms(it.At), nullMs(it.Due), nullMs(it.Done), it.MemberID, boolInt(it.Shared || it.MemberID == ""))
			if err != nil {
				return fmt.Errorf("save person %s: %s: %w", p.Name, kind, err)
			}
		}
	}
	return nil
}

// PeopleNamed returns the people whose name is name, as names compare
// (case, accents and spacing aside).
func (tx *Tx) PeopleNamed(ctx context.Context, name string) ([]rapport.PersonRef, error) {
	return tx.refs(ctx, `SELECT id, name FROM people WHERE name_key = ? ORDER BY id`, rapport.NameKey(name))
}

// HandleOwner returns the person who has a handle (its normalised form), if
// anyone does.
func (tx *Tx) HandleOwner(ctx context.Context, kind, norm string) (rapport.PersonRef, bool, error) {
	r, err := tx.handleOwner(ctx, kind, norm)
	return r, err == nil && r.ID != "", err
}

func (tx *Tx) handleOwner(ctx context.Context, kind, norm string) (rapport.PersonRef, error) {
	var r rapport.PersonRef
	err := tx.q.QueryRowContext(ctx, `SELECT p.id, p.name FROM handles h JOIN people p ON p.id = h.person_id WHERE h.kind = ? AND h.norm = ?`,
		kind, norm).Scan(&r.ID, &r.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil // no one's
	}
	return r, err
}

// Person returns one whole person.
func (tx *Tx) Person(ctx context.Context, id string) (*rapport.Person, error) {
	p := &rapport.Person{ID: id, Emails: []string{}, Phones: []string{}, URLs: []string{}, Tags: []string{},
		Notes: []rapport.Item{}, Wants: []rapport.Item{}, Offers: []rapport.Item{}}
	var created, updated int64
	err := tx.q.QueryRowContext(ctx, `SELECT name, org, title, met, created_ms, updated_ms FROM people WHERE id = ?`, id).
		Scan(&p.Name, &p.Org, &p.Title, &p.Met, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rapport.Errorf(rapport.ENOTFOUND, "no person with id %s", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read person %s: %w", id, err)
	}
	p.CreatedAt, p.UpdatedAt = fromMs(created), fromMs(updated)

	err = tx.eachRow(ctx, "read handles of "+id, `SELECT kind, value FROM handles WHERE person_id = ? ORDER BY kind, ord`, []any{id}, func(r *sql.Rows) error {
		var kind, value string
		if err := r.Scan(&kind, &value); err != nil {
			return err
		}
		switch kind {
		case rapport.HandleEmail:
			p.Emails = append(p.Emails, value)
		case rapport.HandlePhone:
			p.Phones = append(p.Phones, value)
		case rapport.HandleURL:
			p.URLs = append(p.URLs, value)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	if p.Tags, err = tx.strings(ctx, `SELECT tag FROM tags WHERE person_id = ? ORDER BY tag`, id); err != nil {
		return nil, fmt.Errorf("read tags of %s: %w", id, err)
	}

	err = tx.eachRow(ctx, "read notes of "+id, `SELECT id, kind, text, at_ms, due_ms, done_ms, member_id, shared FROM person_items WHERE person_id = ? ORDER BY at_ms, id`, []any{id}, func(r *sql.Rows) error {
		var it rapport.Item
		var kind string
		var at int64
		var due, done sql.NullInt64
		var shared int
		if err := r.Scan(&it.ID, &kind, &it.Text, &at, &due, &done, &it.MemberID, &shared); err != nil {
			return err
		}
		it.Shared = shared != 0
		it.At, it.Due, it.Done = fromMs(at), msPtr(due), msPtr(done)
		switch kind {
		case rapport.ItemNote:
			p.Notes = append(p.Notes, it)
		case rapport.ItemWant:
			p.Wants = append(p.Wants, it)
		case rapport.ItemOffer:
			p.Offers = append(p.Offers, it)
		case rapport.ItemAlias:
			p.Aliases = append(p.Aliases, it)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (tx *Tx) strings(ctx context.Context, query string, args ...any) ([]string, error) {
	out := []string{}
	err := tx.eachRow(ctx, "", query, args, func(r *sql.Rows) error {
		var s string
		err := r.Scan(&s)
		out = append(out, s)
		return err
	})
	return out, err
}

// Resolve finds the one person a reference names: an id, a unique id prefix
// of at least 6 characters (or suffix: ids are time-ordered, so their random
// tail tells people apart sooner), an exact email, a case-insensitive name, or a
// unique fragment of a name. Several matches are an ambiguity listing them.
func (tx *Tx) Resolve(ctx context.Context, ref string) (rapport.PersonRef, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return rapport.PersonRef{}, rapport.Errorf(rapport.EINVALID, "empty person reference")
	}
	type step struct {
		ok    bool
		query string
		args  []any
	}
	hexID := len(ref) >= 6 && strings.Trim(strings.ToLower(ref), "0123456789abcdef-") == ""
	steps := []step{
		{true, `SELECT id, name FROM people WHERE id = ?`, []any{ref}},
		{hexID, `SELECT id, name FROM people WHERE id LIKE ? ESCAPE '\' ORDER BY name, id LIMIT 11`, []any{likeEscape(strings.ToLower(ref)) + "%"}},
		{hexID, `SELECT id, name FROM people WHERE id LIKE ? ESCAPE '\' ORDER BY name, id LIMIT 11`, []any{"%" + likeEscape(strings.ToLower(ref))}},
		{strings.Contains(ref, "@"),
			`SELECT p.id, p.name FROM handles h JOIN people p ON p.id = h.person_id WHERE h.kind = 'email' AND h.norm = ?`, []any{strings.ToLower(ref)}},
		{true, `SELECT id, name FROM people WHERE name_key = ? ORDER BY name, id LIMIT 11`, []any{rapport.NameKey(ref)}},
		// A name someone was also known by (a record merged into them).
		{true, `SELECT DISTINCT p.id, p.name FROM person_items i JOIN people p ON p.id = i.person_id
			WHERE i.kind = 'alias' AND LOWER(i.text) = ? ORDER BY p.name, p.id LIMIT 11`, []any{strings.ToLower(strings.Join(strings.Fields(ref), " "))}},
		{true, `SELECT id, name FROM people WHERE name_key LIKE ? ESCAPE '\' ORDER BY name, id LIMIT 11`, []any{"%" + likeEscape(rapport.NameKey(ref)) + "%"}},
	}
	// Last, every word of it in the name, in any order: "hamilton jamal".
	if words := strings.Fields(rapport.NameKey(ref)); len(words) > 1 && len(words) <= 8 {
		q := `SELECT id, name FROM people WHERE ` + strings.Repeat(`name_key LIKE ? ESCAPE '\' AND `, len(words)-1) +
			`name_key LIKE ? ESCAPE '\' ORDER BY name, id LIMIT 11`
		args := make([]any, len(words))
		for i, w := range words {
			args[i] = "%" + likeEscape(w) + "%"
		}
		steps = append(steps, step{true, q, args})
	}
	for _, s := range steps {
		if !s.ok {
			continue
		}
		found, err := tx.refs(ctx, s.query, s.args...)
		if err != nil {
			return rapport.PersonRef{}, fmt.Errorf("resolve %q: %w", ref, err)
		}
		if found, err = tx.visible(ctx, found); err != nil {
			return rapport.PersonRef{}, fmt.Errorf("resolve %q: %w", ref, err)
		}
		switch {
		case len(found) == 1:
			return found[0], nil
		case len(found) > 1:
			e := rapport.Errorf(rapport.EAMBIGUOUS, "%q matches several people; use an id or a fuller name", ref)
			for i, f := range found {
				if i == 10 {
					e.Candidates = append(e.Candidates, "…")
					break
				}
				e.Candidates = append(e.Candidates, f.ID+"  "+f.Name)
			}
			return rapport.PersonRef{}, e
		}
	}
	return rapport.PersonRef{}, rapport.Errorf(rapport.ENOTFOUND, "no person matches %q", ref)
}

// visible keeps of found the people whoever the transaction is for (its
// lens) may see: on a team's server, not those a teammate keeps to
// themselves, unless they know them too (a tie of their own).
func (tx *Tx) visible(ctx context.Context, found []rapport.PersonRef) ([]rapport.PersonRef, error) {
	if tx.lens == "" || len(found) == 0 {
		return found, nil
	}
	ids := make([]string, len(found))
	for i, f := range found {
		ids[i] = f.ID
	}
	hidden := map[string]bool{}
	err := tx.eachRow(ctx, "see who is private", `SELECT p.id FROM people p WHERE p.id IN `+placeholders(len(ids))+`
		AND p.private_to <> '' AND p.private_to <> ?
		AND NOT EXISTS (SELECT 1 FROM member_ties t WHERE t.member_id = ? AND t.person_id = p.id)`,
		append(anys(ids), tx.lens, tx.lens), func(rows *sql.Rows) error {
			var id string
			err := rows.Scan(&id)
			hidden[id] = true
			return err
		})
	if err != nil || len(hidden) == 0 {
		return found, err
	}
	out := found[:0:0]
	for _, f := range found {
		if !hidden[f.ID] {
			out = append(out, f)
		}
	}
	return out, nil
}

// SetPrivate keeps a person to a member ("" gives them back to the team).
func (tx *Tx) SetPrivate(ctx context.Context, personID, member string) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE people SET private_to = ? WHERE id = ?`, member, personID); err != nil {
		return fmt.Errorf("keep private: %w", mapErr(err))
	}
	return nil
}

// KeeperOf is the member who keeps a person private ("" for no one).
func (tx *Tx) KeeperOf(ctx context.Context, personID string) (string, error) {
	var m string
	err := tx.q.QueryRowContext(ctx, `SELECT private_to FROM people WHERE id = ?`, personID).Scan(&m)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read who keeps %s: %w", personID, err)
	}
	return m, nil
}

// PrivatePeople returns the people kept private, and by whom.
func (tx *Tx) PrivatePeople(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	err := tx.eachRow(ctx, "read who is private", `SELECT id, private_to FROM people WHERE private_to <> ''`, nil, func(rows *sql.Rows) error {
		var id, m string
		err := rows.Scan(&id, &m)
		out[id] = m
		return err
	})
	return out, err
}

func (tx *Tx) refs(ctx context.Context, query string, args ...any) ([]rapport.PersonRef, error) {
	var out []rapport.PersonRef
	err := tx.eachRow(ctx, "", query, args, func(r *sql.Rows) error {
		var ref rapport.PersonRef
		err := r.Scan(&ref.ID, &ref.Name)
		out = append(out, ref)
		return err
	})
	return out, err
}

// PersonRow is one line of the people listing: enough to filter and show.
type PersonRow struct {
	ID     string
	Name   string
	Org    string
	Title  string
	Tags   []string
	Emails []string
	// PrivateTo is the member who keeps them to themselves ("" when
	// everyone on the team may see them).
	PrivateTo string
}

// People returns every person, ordered by id.
func (tx *Tx) People(ctx context.Context) ([]PersonRow, error) {
	return tx.personRows(ctx, `SELECT id, name, org, title, private_to FROM people ORDER BY id`, nil, "")
}

// PeopleByID returns the people with the given ids, in that order.
func (tx *Tx) PeopleByID(ctx context.Context, ids []string) ([]PersonRow, error) {
	const batch = 500
	out := make([]PersonRow, 0, len(ids))
	for start := 0; start < len(ids); start += batch {
		chunk := ids[start:min(start+batch, len(ids))]
		in := placeholders(len(chunk))
		rows, err := tx.personRows(ctx, `SELECT id, name, org, title, private_to FROM people WHERE id IN `+in, anys(chunk), ` WHERE person_id IN `+in)
		if err != nil {
			return nil, err
		}
		byID := make(map[string]PersonRow, len(rows))
		for _, r := range rows {
			byID[r.ID] = r
		}
		for _, id := range chunk {
			if r, ok := byID[id]; ok {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// personRows runs query for the people and fills in their tags and emails,
// selected by where (over person_id) with the same args.
func (tx *Tx) personRows(ctx context.Context, query string, args []any, where string) ([]PersonRow, error) {
	var out []PersonRow
	index := map[string]int{}
	err := tx.eachRow(ctx, "list people", query, args, func(rows *sql.Rows) error {
		r := PersonRow{Tags: []string{}}
		if err := rows.Scan(&r.ID, &r.Name, &r.Org, &r.Title, &r.PrivateTo); err != nil {
			return err
		}
		index[r.ID] = len(out)
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	lists := []struct {
		query string
		add   func(r *PersonRow, kind, v string)
	}{
		{`SELECT person_id, '', tag FROM tags` + where, func(r *PersonRow, _, v string) { r.Tags = append(r.Tags, v) }},
		// The kind is checked here rather than in SQL so that the planner
		// keeps to the person_id index whatever its statistics say.
		{`SELECT person_id, kind, norm FROM handles` + where, func(r *PersonRow, kind, v string) {
			if kind == rapport.HandleEmail {
				r.Emails = append(r.Emails, v)
			}
		}},
	}
	for _, l := range lists {
		err := tx.eachRow(ctx, "list people", l.query, args, func(rows *sql.Rows) error {
			var id, kind, v string
			if err := rows.Scan(&id, &kind, &v); err != nil {
				return err
			}
			if i, ok := index[id]; ok {
				l.add(&out[i], kind, v)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for i := range out {
		sort.Strings(out[i].Tags)
	}
	return out, nil
}

// PersonIDs returns every person's id.
func (tx *Tx) PersonIDs(ctx context.Context) ([]string, error) {
	ids, err := tx.strings(ctx, `SELECT id FROM people`)
	if err != nil {
		return nil, fmt.Errorf("list people: %w", err)
	}
	return ids, nil
}

// PersonIDsTagged returns the ids of the people with a tag.
func (tx *Tx) PersonIDsTagged(ctx context.Context, tag string) ([]string, error) {
	ids, err := tx.strings(ctx, `SELECT person_id FROM tags WHERE tag = ?`, tag)
	if err != nil {
		return nil, fmt.Errorf("list people tagged %s: %w", tag, err)
	}
	return ids, nil
}

// CountPeople returns how many people there are.
func (tx *Tx) CountPeople(ctx context.Context) (int, error) {
	var n int
	if err := tx.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM people`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count people: %w", err)
	}
	return n, nil
}

// Items returns every person's wants not yet served and offers (text and
// date only), by person id, in the order they were stored.
func (tx *Tx) Items(ctx context.Context) (map[string][]rapport.Item, map[string][]rapport.Item, error) {
	return tx.items(ctx, "")
}

// ItemsOf is Items for some people only.
func (tx *Tx) ItemsOf(ctx context.Context, ids []string) (map[string][]rapport.Item, map[string][]rapport.Item, error) {
	if len(ids) == 0 {
		return map[string][]rapport.Item{}, map[string][]rapport.Item{}, nil
	}
	return tx.items(ctx, ` AND person_id IN `+placeholders(len(ids)), anys(ids)...)
}

func (tx *Tx) items(ctx context.Context, where string, args ...any) (map[string][]rapport.Item, map[string][]rapport.Item, error) {
	wants, offers := map[string][]rapport.Item{}, map[string][]rapport.Item{}
	err := tx.eachRow(ctx, "read wants and offers", `SELECT person_id, kind, text, due_ms FROM person_items
		WHERE kind IN ('want', 'offer') AND done_ms IS NULL`+where+` ORDER BY at_ms, id`, args, func(rows *sql.Rows) error {
		var pid, kind string
		var it rapport.Item
		var due sql.NullInt64
		if err := rows.Scan(&pid, &kind, &it.Text, &due); err != nil {
			return err
		}
		it.Due = msPtr(due)
		if kind == rapport.ItemWant {
			wants[pid] = append(wants[pid], it)
		} else {
			offers[pid] = append(offers[pid], it)
		}
		return nil
	})
	return wants, offers, err
}

// Untied lists the people no member of a team has a history with (a fresh
// import): on a team's server, they and a member's own ties are whom the
// member's plan draws on.
func (tx *Tx) Untied(ctx context.Context) ([]string, error) {
	ids, err := tx.strings(ctx, `SELECT p.id FROM people p WHERE NOT EXISTS (SELECT 1 FROM member_ties t WHERE t.person_id = p.id) ORDER BY p.id`)
	if err != nil {
		return nil, fmt.Errorf("list the people no member knows: %w", err)
	}
	return ids, nil
}

// DistinctTags lists every tag in use.
func (tx *Tx) DistinctTags(ctx context.Context) ([]string, error) {
	tags, err := tx.strings(ctx, `SELECT DISTINCT tag FROM tags ORDER BY tag`)
	if err != nil {
		return nil, fmt.Errorf("list tags: %w", err)
	}
	return tags, nil
}

// TagsAmong returns, by person id, the tags of the people tagged with any of
// the given tags (only those tags).
func (tx *Tx) TagsAmong(ctx context.Context, tags []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(tags) == 0 {
		return out, nil
	}
	err := tx.eachRow(ctx, "read tags", `SELECT person_id, tag FROM tags WHERE tag IN `+placeholders(len(tags))+` ORDER BY person_id, tag`, anys(tags), func(rows *sql.Rows) error {
		var id, tag string
		err := rows.Scan(&id, &tag)
		out[id] = append(out[id], tag)
		return err
	})
	return out, err
}

// Core is what an import compares before it loads a whole person.
type Core struct {
	Name, Org, Title, Met string
	Tags, Notes           []string
}

// Cores returns every person's name, organisation, title, how you met, tags and
// note texts, by id, in three scans.
func (tx *Tx) Cores(ctx context.Context) (map[string]*Core, error) {
	out := map[string]*Core{}
	err := tx.eachRow(ctx, "read people", `SELECT id, name, org, title, met FROM people`, nil, func(rows *sql.Rows) error {
		var id string
		c := &Core{}
		err := rows.Scan(&id, &c.Name, &c.Org, &c.Title, &c.Met)
		out[id] = c
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, q := range []struct {
		query string
		add   func(c *Core, v string)
	}{
		{`SELECT person_id, tag FROM tags`, func(c *Core, v string) { c.Tags = append(c.Tags, v) }},
		{`SELECT person_id, text FROM person_items WHERE kind = 'note'`, func(c *Core, v string) { c.Notes = append(c.Notes, v) }},
	} {
		err := tx.eachRow(ctx, "read people", q.query, nil, func(rows *sql.Rows) error {
			var id, v string
			if err := rows.Scan(&id, &v); err != nil {
				return err
			}
			if c := out[id]; c != nil {
				q.add(c, v)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// MergePeople folds the person drop into keep: handles, tags, notes, wants,
// offers, every interaction, ask, follow-up, assignment slot and import key.
// keep's own details win; empty ones are filled from drop. The caller
// rebuilds keep's tie.
func (tx *Tx) MergePeople(ctx context.Context, keep, drop string) error {
	// keep's history now holds drop's: the snapshots built since drop's first
	// touch no longer hold.
	if err := tx.staleFrom(ctx, drop); err != nil {
		return fmt.Errorf("merge people: %w", err)
	}
	// The touches follow: drop's become keep's, except in interactions
	// both took part in, which have one participant fewer.
	if _, err := tx.q.ExecContext(ctx, `UPDATE touches SET participants = participants - 1
		WHERE interaction_id IN (SELECT a.interaction_id FROM interaction_people a JOIN interaction_people b ON b.interaction_id = a.interaction_id
			WHERE a.person_id = ? AND b.person_id = ?)`, drop, keep); err != nil {
		return fmt.Errorf("merge people: %w", mapErr(err))
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM touches WHERE person_id = ? AND interaction_id IN (
		SELECT interaction_id FROM interaction_people WHERE person_id = ?)`, drop, keep); err != nil {
		return fmt.Errorf("merge people: %w", mapErr(err))
	}
	if _, err := tx.q.ExecContext(ctx, `UPDATE touches SET person_id = ? WHERE person_id = ?`, keep, drop); err != nil {
		return fmt.Errorf("merge people: %w", mapErr(err))
	}
	stmts := []struct {
		q    string
		args []any
	}{
		{`UPDATE handles SET person_id = ? WHERE person_id = ?`, []any{keep, drop}},
		// A picture follows the person, unless keep has one already.
		{`INSERT INTO photos (person_id, type, data, added_ms) SELECT ?, type, data, added_ms FROM photos WHERE person_id = ? ON CONFLICT DO NOTHING`, []any{keep, drop}},
		{`INSERT INTO tags (person_id, tag) SELECT ?, tag FROM tags WHERE person_id = ? ON CONFLICT DO NOTHING`, []any{keep, drop}},
		{`DELETE FROM tags WHERE person_id = ?`, []any{drop}},
		{`UPDATE person_items SET person_id = ? WHERE person_id = ?`, []any{keep, drop}},
		// The name it had stays findable, as an alias of the one kept.
		{`INSERT INTO person_items (id, person_id, kind, text, at_ms) SELECT ? || id, ?, 'alias', name, updated_ms FROM people
			WHERE id = ? AND name_key <> (SELECT name_key FROM people WHERE id = ?)`, []any{"alias-", keep, drop, keep}},
		// Interactions both took part in now have one participant fewer.
		{`UPDATE interactions SET participants = participants - 1 WHERE id IN (
			SELECT a.interaction_id FROM interaction_people a JOIN interaction_people b ON b.interaction_id = a.interaction_id
			WHERE a.person_id = ? AND b.person_id = ?)`, []any{drop, keep}},
		{`DELETE FROM interaction_people WHERE person_id = ? AND interaction_id IN (
			SELECT interaction_id FROM interaction_people WHERE person_id = ?)`, []any{drop, keep}},
		{`UPDATE interaction_people SET person_id = ? WHERE person_id = ?`, []any{keep, drop}},
		{`UPDATE asks SET person_id = ? WHERE person_id = ?`, []any{keep, drop}},
		{`UPDATE followups SET person_id = ? WHERE person_id = ?`, []any{keep, drop}},
		{`UPDATE assignment_slots SET person_id = ? WHERE person_id = ?`, []any{keep, drop}},
		{`UPDATE import_keys SET person_id = ? WHERE person_id = ?`, []any{keep, drop}},
		// Trust lines follow the person, unless keep already has the same one.
		{`DELETE FROM trust WHERE trustee = ? AND EXISTS (SELECT 1 FROM trust t
			WHERE t.topic = trust.topic AND t.truster = trust.truster AND t.trustee = ?)`, []any{drop, keep}},
		{`UPDATE trust SET trustee = ? WHERE trustee = ?`, []any{keep, drop}},
		{`DELETE FROM trust WHERE truster = ? AND EXISTS (SELECT 1 FROM trust t
			WHERE t.topic = trust.topic AND t.truster = ? AND t.trustee = trust.trustee)`, []any{drop, keep}},
		{`UPDATE trust SET truster = ? WHERE truster = ?`, []any{keep, drop}},
		{`DELETE FROM trust WHERE truster = trustee`, nil},
		{`UPDATE people SET
			org = CASE WHEN org = '' THEN (SELECT org FROM people WHERE id = ?) ELSE org END,
			title = CASE WHEN title = '' THEN (SELECT title FROM people WHERE id = ?) ELSE title END,
			met = CASE WHEN met = '' THEN (SELECT met FROM people WHERE id = ?) ELSE met END,
			cadence_days = COALESCE(cadence_days, (SELECT cadence_days FROM people WHERE id = ?)),
			created_ms = CASE WHEN created_ms <= (SELECT created_ms FROM people WHERE id = ?) THEN created_ms ELSE (SELECT created_ms FROM people WHERE id = ?) END
			WHERE id = ?`, []any{drop, drop, drop, drop, drop, drop, keep}},
		{`DELETE FROM ties WHERE person_id = ? OR person_id = ?`, []any{keep, drop}},
		{`DELETE FROM member_ties WHERE person_id = ? OR person_id = ?`, []any{keep, drop}},
		{`DELETE FROM people WHERE id = ?`, []any{drop}},
	}
	// Whom drop knew, keep now knows (edges are stored with a < b, so they
	// are read, removed and written again).
	known, err := tx.KnownBy(ctx, drop, 1<<30, 0)
	if err != nil {
		return err
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM knows WHERE a = ? OR b = ?`, drop, drop); err != nil {
		return fmt.Errorf("merge people: %w", mapErr(err))
	}
	for id, k := range known {
		if id != keep {
			if err := tx.PutKnows(ctx, keep, id, k.Strength); err != nil {
				return err
			}
		}
	}
	for _, s := range stmts {
		if _, err := tx.q.ExecContext(ctx, s.q, s.args...); err != nil {
			return fmt.Errorf("merge people: %w", mapErr(err))
		}
	}
	return nil
}
