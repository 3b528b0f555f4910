package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
)

// InsertInteraction stores one interaction and who took part in it, with each
// participant's tie strength just before it (before[i] for in.People[i]).
func (tx *Tx) InsertInteraction(ctx context.Context, in *rapport.Interaction, createdMs int64, before []float64) error {
	if err := tx.stale(ctx, in.At); err != nil {
		return err
	}
	_, err := tx.q.ExecContext(ctx, `
		INSERT INTO interactions (id, at_ms, kind, by_side, channel, minutes, note, participants, created_ms, favour, member_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.ID, ms(in.At), in.Kind, string(in.By), in.Channel, in.Minutes, in.Note, len(in.People), createdMs, boolInt(in.Favour), in.MemberID)
	if err != nil {
		return fmt.Errorf("log %s: %w", in.Kind, mapErr(err))
	}
	for i, p := range in.People {
		var b any
		if i < len(before) {
			b = before[i]
		}
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO interaction_people (interaction_id, person_id, strength_before) VALUES (?, ?, ?)`, in.ID, p.ID, b); err != nil {
			if isUniqueViolation(err) {
				return rapport.Errorf(rapport.EINVALID, "%s is named twice in one interaction", p.Name)
			}
			return fmt.Errorf("log %s with %s: %w", in.Kind, p.Name, mapErr(err))
		}
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO touches (at_ms, person_id, interaction_id, kind, by_side, minutes, participants)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, ms(in.At), p.ID, in.ID, in.Kind, string(in.By), in.Minutes, len(in.People)); err != nil {
			return fmt.Errorf("log %s: %w", in.Kind, mapErr(err))
		}
	}
	return nil
}

// HistoryItem is an interaction as one person's history sees it.
type HistoryItem struct {
	rapport.Interaction
	Participants int
}

// History returns a person's interactions, oldest first, without participant names.
func (tx *Tx) History(ctx context.Context, personID string) ([]HistoryItem, error) {
	var out []HistoryItem
	err := tx.eachRow(ctx, "read history of "+personID, `
		SELECT i.id, i.at_ms, i.kind, i.by_side, i.channel, i.minutes, i.note, i.participants, i.favour, i.member_id
		FROM interaction_people ip JOIN interactions i ON i.id = ip.interaction_id
		WHERE ip.person_id = ? ORDER BY i.at_ms, i.id`, []any{personID}, func(rows *sql.Rows) error {
		var h HistoryItem
		var at int64
		var by string
		if err := rows.Scan(&h.ID, &at, &h.Kind, &by, &h.Channel, &h.Minutes, &h.Note, &h.Participants, &h.Favour, &h.MemberID); err != nil {
			return err
		}
		h.At, h.By = fromMs(at), rapport.By(by)
		out = append(out, h)
		return nil
	})
	return out, err
}

// Participants fills in the people of each interaction.
func (tx *Tx) Participants(ctx context.Context, items []rapport.Interaction) error {
	if len(items) == 0 {
		return nil
	}
	index := map[string]int{}
	args := make([]any, len(items))
	for i, in := range items {
		index[in.ID] = i
		args[i] = in.ID
		items[i].People = []rapport.PersonRef{}
	}
	return tx.eachRow(ctx, "read participants", `
		SELECT ip.interaction_id, p.id, p.name FROM interaction_people ip JOIN people p ON p.id = ip.person_id
		WHERE ip.interaction_id IN `+placeholders(len(items))+` ORDER BY p.name, p.id`, args, func(rows *sql.Rows) error {
		var iid string
		var r rapport.PersonRef
		if err := rows.Scan(&iid, &r.ID, &r.Name); err != nil {
			return err
		}
		items[index[iid]].People = append(items[index[iid]].People, r)
		return nil
	})
}

// CountInteractions counts a person's interactions.
func (tx *Tx) CountInteractions(ctx context.Context, personID string) (int, error) {
	var n int
	err := tx.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM interaction_people WHERE person_id = ?`, personID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count interactions of %s: %w", personID, err)
	}
	return n, nil
}

// InsertInteractions stores many interactions at once, in multi-row batches:
// the fast path for generated and imported history. before[i][j] is the
// strength of items[i].People[j]'s tie just before it.
func (tx *Tx) InsertInteractions(ctx context.Context, items []rapport.Interaction, createdMs int64, before [][]float64) error {
	w, err := tx.NewInteractionWriter(ctx, len(items), createdMs)
	if err != nil {
		return err
	}
	w.Add(items, before)
	return w.Close()
}

// InteractionWriter stores interactions handed to it in chunks, on a
// goroutine of its own, so that an import matches and scores its next
// touches while SQLite stores the last ones. Each chunk is stored in id
// order. Close must be called, and its error checked, before anything else
// is written in the transaction: in BulkUpdate a conflict ends the
// transaction at once (see inserter).
type InteractionWriter struct {
	chunks   chan interactionChunk
	ack      chan struct{} // on PostgreSQL: each chunk is written before Add returns
	done     chan error
	rebuild  func() error
	closed   bool
	earliest time.Time                              // the earliest interaction handed over
	stale    func(context.Context, time.Time) error // cuts the built snapshots back to it
	ctx      context.Context
}

type interactionChunk struct {
	items  []rapport.Interaction
	before [][]float64
}

// NewInteractionWriter starts a writer for about expected interactions; when
// they at least double the table, its indexes are built once at the end
// rather than kept up row by row.
func (tx *Tx) NewInteractionWriter(ctx context.Context, expected int, createdMs int64) (*InteractionWriter, error) {
	w := &InteractionWriter{chunks: make(chan interactionChunk, 2), done: make(chan error, 1), rebuild: func() error { return nil },
		stale: tx.stale, ctx: ctx}
	if tx.pg {
		// One connection cannot read and write at once on PostgreSQL: the
		// caller waits while each chunk is written.
		w.ack = make(chan struct{})
	}
	if tx.bulk && expected >= 1000 { // SQLite only: PostgreSQL's bulk transaction is a plain one
		var there int
		if err := tx.q.QueryRowContext(ctx, `SELECT COALESCE(MAX(rowid), 0) FROM interactions`).Scan(&there); err != nil {
			return nil, fmt.Errorf("count interactions: %w", err)
		}
		if expected >= there {
			var err error
			if w.rebuild, err = tx.deferIndexes(ctx, "interactions", "interaction_people"); err != nil {
				return nil, err
			}
		}
	}
	go func() {
		ins := tx.newInserter("interactions", "id, at_ms, kind, by_side, channel, minutes, note, participants, created_ms, favour, member_id", "", 11)
		links := tx.newInserter("interaction_people", "interaction_id, person_id, strength_before", "", 3)
		touches := tx.newInserter("touches", "at_ms, person_id, interaction_id, kind, by_side, minutes, participants", "", 7)
		writeChunk := func(c interactionChunk) error {
			order := make([]int, len(c.items))
			for i := range order {
				order[i] = i
			}
			// In id order, so the B-trees grow at their end rather than everywhere.
			sort.Slice(order, func(i, j int) bool { return c.items[order[i]].ID < c.items[order[j]].ID })
			for _, i := range order {
				in := c.items[i]
				if err := ins.add(ctx, in.ID, ms(in.At), in.Kind, string(in.By), in.Channel, in.Minutes, in.Note, len(in.People), createdMs, boolInt(in.Favour), in.MemberID); err != nil {
					return err
				}
				for j, p := range in.People {
					var b any
					if i < len(c.before) && j < len(c.before[i]) {
						b = c.before[i][j]
					}
					if err := links.add(ctx, in.ID, p.ID, b); err != nil {
						return err
					}
				}
			}
			// Touches in time order: their table is kept in it.
			sort.SliceStable(order, func(i, j int) bool { return c.items[order[i]].At.Before(c.items[order[j]].At) })
			for _, i := range order {
				in := c.items[i]
				for _, p := range in.People {
					if err := touches.add(ctx, ms(in.At), p.ID, in.ID, in.Kind, string(in.By), in.Minutes, len(in.People)); err != nil {
						return err
					}
				}
			}
			return nil
		}
		err := func() error {
			for c := range w.chunks {
				err := writeChunk(c)
				if w.ack != nil {
					w.ack <- struct{}{}
				}
				if err != nil {
					return err
				}
			}
			if err := ins.flush(ctx); err != nil {
				return err
			}
			if err := links.flush(ctx); err != nil {
				return err
			}
			return touches.flush(ctx)
		}()
		ins.close()
		links.close()
		touches.close()
		for range w.chunks { // after an error: let Add return
			if w.ack != nil {
				w.ack <- struct{}{}
			}
		}
		w.done <- err
	}()
	return w, nil
}

// Add hands a chunk to the writer; it keeps the slices.
func (w *InteractionWriter) Add(items []rapport.Interaction, before [][]float64) {
	for _, in := range items {
		if w.earliest.IsZero() || in.At.Before(w.earliest) {
			w.earliest = in.At
		}
	}
	if len(items) > 0 {
		w.chunks <- interactionChunk{items, before}
		if w.ack != nil {
			<-w.ack
		}
	}
}

// Close waits for every chunk to be stored and builds any deferred indexes.
func (w *InteractionWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	close(w.chunks)
	if err := <-w.done; err != nil {
		return err
	}
	if !w.earliest.IsZero() {
		if err := w.stale(w.ctx, w.earliest); err != nil {
			return err
		}
	}
	return w.rebuild()
}

// deferIndexes drops the secondary indexes of tables and returns what builds
// them again. For an insert that at least doubles a table this is faster:
// SQLite builds an index from sorted keys in one pass, where inserting a
// person's keys one by one lands all over the index and splits its pages
// (0.5 s of an mbox import's 3). Within a transaction, so a failed or
// killed import leaves the indexes as they were.
func (tx *Tx) deferIndexes(ctx context.Context, tables ...string) (func() error, error) {
	var names, creates []string
	err := tx.eachRow(ctx, "list indexes", `SELECT name, sql FROM sqlite_master
		WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN `+placeholders(len(tables))+` ORDER BY name`, anys(tables), func(rows *sql.Rows) error {
		var name, create string
		err := rows.Scan(&name, &create)
		names, creates = append(names, name), append(creates, create)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, err := tx.q.ExecContext(ctx, `DROP INDEX `+name); err != nil {
			return nil, fmt.Errorf("drop index %s: %w", name, err)
		}
	}
	return func() error {
		for i, create := range creates {
			if _, err := tx.q.ExecContext(ctx, create); err != nil {
				return fmt.Errorf("build index %s: %w", names[i], err)
			}
		}
		return nil
	}, nil
}

// rowsOf returns "(?, ?), (?, ?)" for n rows of width columns.
func rowsOf(n, width int) string {
	row := placeholders(width)
	return row + strings.Repeat(", "+row, n-1)
}

// CountPeopleBefore counts the people added by t.
func (tx *Tx) CountPeopleBefore(ctx context.Context, t time.Time) (int, error) {
	var n int
	if err := tx.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE created_ms <= ?`, ms(t)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count people: %w", err)
	}
	return n, nil
}

// ExistingInteractions returns which of the ids are already stored.
func (tx *Tx) ExistingInteractions(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	var some bool // a first import into an empty database asks nothing more
	if err := tx.q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM interactions)`).Scan(&some); err != nil {
		return nil, fmt.Errorf("find interactions: %w", err)
	}
	if !some {
		return out, nil
	}
	const batch = 500
	for start := 0; start < len(ids); start += batch {
		chunk := ids[start:min(start+batch, len(ids))]
		found, err := tx.strings(ctx, `SELECT id FROM interactions WHERE id IN `+placeholders(len(chunk)), anys(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("find interactions: %w", err)
		}
		for _, id := range found {
			out[id] = true
		}
	}
	return out, nil
}

// StrengthHistory returns the strength recorded before each of a person's
// touches since t, oldest first.
func (tx *Tx) StrengthHistory(ctx context.Context, personID string, since time.Time) ([]rapport.StrengthPoint, error) {
	var out []rapport.StrengthPoint
	err := tx.eachRow(ctx, "strength history of "+personID, `
		SELECT i.at_ms, ip.strength_before FROM interaction_people ip JOIN interactions i ON i.id = ip.interaction_id
		WHERE ip.person_id = ? AND i.at_ms >= ? AND ip.strength_before IS NOT NULL ORDER BY i.at_ms`, []any{personID, ms(since)}, func(rows *sql.Rows) error {
		var at int64
		var s float64
		err := rows.Scan(&at, &s)
		out = append(out, rapport.StrengthPoint{At: fromMs(at), Strength: s})
		return err
	})
	return out, err
}

// DeleteInteraction removes one interaction and who took part in it; the
// caller rebuilds the ties it counted in.
func (tx *Tx) DeleteInteraction(ctx context.Context, id string) error {
	var at int64
	if err := tx.q.QueryRowContext(ctx, `SELECT at_ms FROM interactions WHERE id = ?`, id).Scan(&at); err == nil {
		if err := tx.stale(ctx, fromMs(at)); err != nil {
			return err
		}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("delete interaction: %w", mapErr(err))
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM interaction_people WHERE interaction_id = ?`, id); err != nil {
		return fmt.Errorf("delete interaction: %w", mapErr(err))
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM touches WHERE at_ms = ? AND interaction_id = ?`, at, id); err != nil {
		return fmt.Errorf("delete interaction: %w", mapErr(err))
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM import_keys WHERE interaction_id = ?`, id); err != nil {
		return fmt.Errorf("delete interaction: %w", mapErr(err))
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM interactions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete interaction: %w", mapErr(err))
	}
	return nil
}

// TouchedBetween returns the people with an interaction in [from, to).
func (tx *Tx) TouchedBetween(ctx context.Context, from, to time.Time) (map[string]bool, error) {
	out := map[string]bool{}
	q, args := `SELECT DISTINCT ip.person_id FROM interactions i JOIN interaction_people ip ON ip.interaction_id = i.id
		WHERE i.at_ms >= ? AND i.at_ms < ?`, []any{ms(from), ms(to)}
	if tx.lens != "" { // whom a member was in touch with
		q, args = q+` AND i.member_id = ?`, append(args, tx.lens)
	}
	err := tx.eachRow(ctx, "read who was touched", q, args, func(rows *sql.Rows) error {
		var id string
		err := rows.Scan(&id)
		out[id] = true
		return err
	})
	return out, err
}

// copyTouches fills touches afresh from the interactions and who took part.
func (tx *Tx) copyTouches(ctx context.Context) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM touches`); err != nil {
		return fmt.Errorf("copy touches: %w", mapErr(err))
	}
	if _, err := tx.q.ExecContext(ctx, `INSERT INTO touches (at_ms, person_id, interaction_id, kind, by_side, minutes, participants)
		SELECT i.at_ms, ip.person_id, i.id, i.kind, i.by_side, i.minutes, i.participants
		FROM interactions i JOIN interaction_people ip ON ip.interaction_id = i.id ORDER BY i.at_ms, ip.person_id, i.id`); err != nil {
		return fmt.Errorf("copy touches: %w", mapErr(err))
	}
	return nil
}

// Interaction returns one interaction by id (or a prefix or suffix of at
// least 6 characters of it), with its people.
func (tx *Tx) Interaction(ctx context.Context, ref string) (rapport.Interaction, error) {
	id, err := tx.resolveID(ctx, "interactions", "interaction", ref)
	if err != nil {
		return rapport.Interaction{}, err
	}
	var in rapport.Interaction
	var at int64
	var by string
	err = tx.q.QueryRowContext(ctx, `SELECT id, at_ms, kind, by_side, channel, minutes, note, favour, member_id FROM interactions WHERE id = ?`, id).
		Scan(&in.ID, &at, &in.Kind, &by, &in.Channel, &in.Minutes, &in.Note, &in.Favour, &in.MemberID)
	if err != nil {
		return rapport.Interaction{}, fmt.Errorf("read interaction %s: %w", id, err)
	}
	in.At, in.By = fromMs(at), rapport.By(by)
	items := []rapport.Interaction{in}
	if err := tx.Participants(ctx, items); err != nil {
		return rapport.Interaction{}, err
	}
	return items[0], nil
}

// LastLogged returns the id of the interaction a member ("" for one person)
// stored last ("" when none): what `undo` takes back.
func (tx *Tx) LastLogged(ctx context.Context, member string) (string, error) {
	ids, err := tx.strings(ctx, `SELECT id FROM interactions WHERE member_id = ? ORDER BY created_ms DESC, id DESC LIMIT 1`, member)
	if err != nil || len(ids) == 0 {
		return "", err
	}
	return ids[0], nil
}

// DeletePerson removes a person and their part in every interaction; an
// interaction left with nobody goes too, one shared with others keeps them
// (with one participant fewer). It returns those others: their ties need
// rebuilding.
func (tx *Tx) DeletePerson(ctx context.Context, id string) ([]string, error) {
	if err := tx.staleFrom(ctx, id); err != nil {
		return nil, fmt.Errorf("delete person: %w", err)
	}
	others, err := tx.strings(ctx, `SELECT DISTINCT b.person_id FROM interaction_people a JOIN interaction_people b ON b.interaction_id = a.interaction_id
		WHERE a.person_id = ? AND b.person_id <> ? ORDER BY b.person_id`, id, id)
	if err != nil {
		return nil, fmt.Errorf("delete person: %w", err)
	}
	mine := `SELECT interaction_id FROM interaction_people WHERE person_id = ?`
	for _, q := range []string{
		// Interactions they had alone go, with everything that hangs on them.
		`DELETE FROM interactions WHERE id IN (` + mine + `) AND participants <= 1`,
		`DELETE FROM touches WHERE person_id = ?`,
		`UPDATE touches SET participants = participants - 1 WHERE interaction_id IN (` + mine + `)`,
		`UPDATE interactions SET participants = participants - 1 WHERE id IN (` + mine + `)`,
		`DELETE FROM trust WHERE truster = ?`,
		`UPDATE people SET via_id = NULL, via_strength = NULL WHERE via_id = ?`,
		`DELETE FROM people WHERE id = ?`, // the rest cascades
	} {
		if _, err := tx.q.ExecContext(ctx, q, id); err != nil {
			return nil, fmt.Errorf("delete person: %w", mapErr(err))
		}
	}
	return others, nil
}

// UpdateInteraction stores a changed interaction (same id and people), and
// its touches; was is the moment it had before.
func (tx *Tx) UpdateInteraction(ctx context.Context, in rapport.Interaction, was time.Time) error {
	from := in.At
	if was.Before(from) {
		from = was
	}
	if err := tx.stale(ctx, from); err != nil {
		return err
	}
	if _, err := tx.q.ExecContext(ctx, `UPDATE interactions SET at_ms = ?, kind = ?, by_side = ?, minutes = ?, note = ?, favour = ? WHERE id = ?`,
		ms(in.At), in.Kind, string(in.By), in.Minutes, in.Note, boolInt(in.Favour), in.ID); err != nil {
		return fmt.Errorf("change interaction %s: %w", in.ID, mapErr(err))
	}
	if _, err := tx.q.ExecContext(ctx, `UPDATE touches SET at_ms = ?, kind = ?, by_side = ?, minutes = ? WHERE at_ms = ? AND interaction_id = ?`,
		ms(in.At), in.Kind, string(in.By), in.Minutes, ms(was), in.ID); err != nil {
		return fmt.Errorf("change interaction %s: %w", in.ID, mapErr(err))
	}
	return nil
}

// KnownInteractions returns which of ids are stored.
func (tx *Tx) KnownInteractions(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		err := tx.eachRow(ctx, "find interactions", `SELECT id FROM interactions WHERE id IN (?`+strings.Repeat(", ?", n-1)+`)`, args, func(rows *sql.Rows) error {
			var id string
			err := rows.Scan(&id)
			out[id] = true
			return err
		})
		if err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}
