package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
)

// resolveID finds the one row of table whose id is ref, or starts or ends with
// ref (at least 6 characters).
func (tx *Tx) resolveID(ctx context.Context, table, what, ref string) (string, error) {
	ref = strings.ToLower(strings.TrimSpace(ref))
	if ref == "" {
		return "", rapport.Errorf(rapport.EINVALID, "empty %s id", what)
	}
	ids, err := tx.strings(ctx, `SELECT id FROM `+table+` WHERE id = ?`, ref)
	if err == nil && len(ids) == 0 && len(ref) >= 6 {
		ids, err = tx.strings(ctx, `SELECT id FROM `+table+` WHERE id LIKE ? ESCAPE '\' OR id LIKE ? ESCAPE '\' ORDER BY id LIMIT 11`,
			likeEscape(ref)+"%", "%"+likeEscape(ref))
	}
	if err != nil {
		return "", fmt.Errorf("find %s %s: %w", what, ref, err)
	}
	switch len(ids) {
	case 0:
		return "", rapport.Errorf(rapport.ENOTFOUND, "no %s with id %q", what, ref)
	case 1:
		return ids[0], nil
	}
	e := rapport.Errorf(rapport.EAMBIGUOUS, "%q matches several %ss; give more of the id", ref, what)
	e.Candidates = ids
	return "", e
}

// InsertAsk records an ask.
func (tx *Tx) InsertAsk(ctx context.Context, a *rapport.Ask) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO asks (id, person_id, action, at_ms, note, verdict, forced, strength, outcome)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, '')`, a.ID, a.Person.ID, a.Action, ms(a.At), a.Note, a.Verdict, boolInt(a.Forced), a.Strength)
	if err != nil {
		return fmt.Errorf("record ask: %w", mapErr(err))
	}
	return nil
}

const askColumns = `a.id, a.person_id, p.name, a.action, a.at_ms, a.note, a.verdict, a.forced, a.strength, a.outcome, a.answered_ms`

func (tx *Tx) asks(ctx context.Context, where string, args ...any) ([]rapport.Ask, error) {
	rows, err := tx.q.QueryContext(ctx, `SELECT `+askColumns+` FROM asks a JOIN people p ON p.id = a.person_id `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read asks: %w", err)
	}
	out := []rapport.Ask{}
	for rows.Next() {
		var a rapport.Ask
		var at int64
		var forced int
		var answered sql.NullInt64
		if err := rows.Scan(&a.ID, &a.Person.ID, &a.Person.Name, &a.Action, &at, &a.Note, &a.Verdict, &forced, &a.Strength, &a.Outcome, &answered); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read asks: %w", err)
		}
		a.At, a.Forced, a.AnsweredAt = fromMs(at), forced != 0, msPtr(answered)
		out = append(out, a)
	}
	return out, closeRows(rows)
}

// AsksOf returns a person's asks, oldest first.
func (tx *Tx) AsksOf(ctx context.Context, personID string) ([]rapport.Ask, error) {
	return tx.asks(ctx, `WHERE a.person_id = ? ORDER BY a.at_ms, a.id`, personID)
}

// AsksBetween returns every ask made in [from, to), oldest first.
func (tx *Tx) AsksBetween(ctx context.Context, from, to time.Time) ([]rapport.Ask, error) {
	return tx.asks(ctx, `WHERE a.at_ms >= ? AND a.at_ms < ? ORDER BY a.at_ms, a.id`, ms(from), ms(to))
}

// AnsweredAsks returns every ask with an outcome: the calibration's evidence.
func (tx *Tx) AnsweredAsks(ctx context.Context) ([]rapport.Ask, error) {
	return tx.asks(ctx, `WHERE a.outcome <> '' ORDER BY a.at_ms, a.id`)
}

// Ask returns one ask by id, a prefix or a suffix of it, or by the person
// asked: their latest ask still waiting for an answer.
func (tx *Tx) Ask(ctx context.Context, ref string) (rapport.Ask, error) {
	id, err := tx.resolveID(ctx, "asks", "ask", ref)
	if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		id, err = tx.byPerson(ctx, ref, "ask", `SELECT id FROM asks WHERE person_id = ? AND outcome = '' ORDER BY at_ms DESC, id DESC LIMIT 1`)
	}
	if err != nil {
		return rapport.Ask{}, err
	}
	list, err := tx.asks(ctx, `WHERE a.id = ?`, id)
	if err != nil || len(list) == 0 {
		return rapport.Ask{}, fmt.Errorf("read ask %s: %v", id, err)
	}
	return list[0], nil
}

// AnswerAsk records an ask's outcome.
func (tx *Tx) AnswerAsk(ctx context.Context, id, outcome string, at time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE asks SET outcome = ?, answered_ms = ? WHERE id = ?`, outcome, ms(at), id); err != nil {
		return fmt.Errorf("answer ask %s: %w", id, mapErr(err))
	}
	return nil
}

// Favour is a ladder action done between you and one person.
type Favour struct {
	At             time.Time
	Kind           string
	By             rapport.By
	Note           string
	StrengthBefore *float64
}

// Favours returns the favours (interactions logged as give, got or an ask
// answered yes, never a plain touch) on the ladder's deep rungs (weight 1 or
// more: not likes, replies or comments) with a person (everyone when personID
// is empty) done by one side, in [from, to), oldest first. By me they are
// gives; by them, favours received.
func (tx *Tx) Favours(ctx context.Context, personID string, by rapport.By, from, to time.Time) ([]Favour, []string, error) {
	q := `SELECT i.at_ms, i.kind, i.by_side, i.note, ip.strength_before, ip.person_id
		FROM interactions i JOIN interaction_people ip ON ip.interaction_id = i.id JOIN kinds k ON k.name = i.kind
		WHERE i.favour = 1 AND k.threshold IS NOT NULL AND k.shallow = 0 AND k.weight >= 1 AND i.by_side = ? AND i.at_ms >= ? AND i.at_ms < ?`
	args := []any{string(by), ms(from), ms(to)}
	if personID != "" {
		q += ` AND ip.person_id = ?`
		args = append(args, personID)
	}
	rows, err := tx.q.QueryContext(ctx, q+` ORDER BY i.at_ms, i.id`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("read favours: %w", err)
	}
	var out []Favour
	var people []string
	for rows.Next() {
		var f Favour
		var at int64
		var by, pid string
		var before sql.NullFloat64
		if err := rows.Scan(&at, &f.Kind, &by, &f.Note, &before, &pid); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("read favours: %w", err)
		}
		f.At, f.By = fromMs(at), rapport.By(by)
		if before.Valid {
			v := before.Float64
			f.StrengthBefore = &v
		}
		out = append(out, f)
		people = append(people, pid)
	}
	return out, people, closeRows(rows)
}

// InsertGoal records a goal.
func (tx *Tx) InsertGoal(ctx context.Context, g *rapport.Goal) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO goals (id, text, due_ms, done_ms, created_ms) VALUES (?, ?, ?, NULL, ?)`,
		g.ID, g.Text, nullMs(g.Due), ms(g.CreatedAt))
	if err != nil {
		return fmt.Errorf("record goal: %w", mapErr(err))
	}
	for _, t := range g.Tags {
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO goal_tags (goal_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING`, g.ID, t); err != nil {
			return fmt.Errorf("record goal tag %s: %w", t, err)
		}
	}
	return nil
}

// Goals returns the goals, open ones first, then by due date and creation.
func (tx *Tx) Goals(ctx context.Context) ([]rapport.Goal, error) {
	rows, err := tx.q.QueryContext(ctx, `SELECT id, text, due_ms, done_ms, created_ms FROM goals
		ORDER BY CASE WHEN done_ms IS NULL THEN 0 ELSE 1 END, CASE WHEN due_ms IS NULL THEN 1 ELSE 0 END, due_ms, created_ms, id`)
	if err != nil {
		return nil, fmt.Errorf("read goals: %w", err)
	}
	out := []rapport.Goal{}
	index := map[string]int{}
	for rows.Next() {
		var g rapport.Goal
		var due, done sql.NullInt64
		var created int64
		if err := rows.Scan(&g.ID, &g.Text, &due, &done, &created); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read goals: %w", err)
		}
		g.Due, g.Done, g.CreatedAt, g.Tags = msPtr(due), msPtr(done), fromMs(created), []string{}
		index[g.ID] = len(out)
		out = append(out, g)
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("read goals: %w", err)
	}
	rows, err = tx.q.QueryContext(ctx, `SELECT goal_id, tag FROM goal_tags ORDER BY goal_id, tag`)
	if err != nil {
		return nil, fmt.Errorf("read goal tags: %w", err)
	}
	for rows.Next() {
		var id, tag string
		if err := rows.Scan(&id, &tag); err != nil {
			rows.Close()
			return nil, err
		}
		if i, ok := index[id]; ok {
			out[i].Tags = append(out[i].Tags, tag)
		}
	}
	return out, closeRows(rows)
}

// Goal returns one goal by id, a prefix or a suffix of it, or by a piece
// of its text found in one goal only (open goals first).
func (tx *Tx) Goal(ctx context.Context, ref string) (rapport.Goal, error) {
	id, err := tx.resolveID(ctx, "goals", "goal", ref)
	if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		id, err = tx.goalByText(ctx, ref)
	}
	if err != nil {
		return rapport.Goal{}, err
	}
	all, err := tx.Goals(ctx)
	if err != nil {
		return rapport.Goal{}, err
	}
	for _, g := range all {
		if g.ID == id {
			return g, nil
		}
	}
	return rapport.Goal{}, rapport.Errorf(rapport.ENOTFOUND, "no goal with id %q", ref)
}

// SetGoalDone marks a goal done (or open again, with a nil time).
func (tx *Tx) SetGoalDone(ctx context.Context, id string, at *time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE goals SET done_ms = ? WHERE id = ?`, nullMs(at), id); err != nil {
		return fmt.Errorf("close goal %s: %w", id, mapErr(err))
	}
	return nil
}

// InsertFollowup records a follow-up.
func (tx *Tx) InsertFollowup(ctx context.Context, f *rapport.Followup) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO followups (id, person_id, text, due_ms, created_ms) VALUES (?, ?, ?, ?, ?)`,
		f.ID, f.Person.ID, f.Text, ms(f.Due), ms(f.CreatedAt))
	if err != nil {
		return fmt.Errorf("record follow-up: %w", mapErr(err))
	}
	return nil
}

// Followups returns the follow-ups (only the open ones when open is set),
// earliest due first.
func (tx *Tx) Followups(ctx context.Context, open bool) ([]rapport.Followup, error) {
	where := ""
	if open {
		where = `WHERE f.done_ms IS NULL`
	}
	rows, err := tx.q.QueryContext(ctx, `SELECT f.id, f.person_id, p.name, f.text, f.due_ms, f.created_ms, f.done_ms
		FROM followups f JOIN people p ON p.id = f.person_id `+where+` ORDER BY f.due_ms, f.id`)
	if err != nil {
		return nil, fmt.Errorf("read follow-ups: %w", err)
	}
	out := []rapport.Followup{}
	for rows.Next() {
		var f rapport.Followup
		var due, created int64
		var done sql.NullInt64
		if err := rows.Scan(&f.ID, &f.Person.ID, &f.Person.Name, &f.Text, &due, &created, &done); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read follow-ups: %w", err)
		}
		f.Due, f.CreatedAt, f.Done = fromMs(due), fromMs(created), msPtr(done)
		out = append(out, f)
	}
	return out, closeRows(rows)
}

// FollowupID resolves a follow-up reference: an id, a prefix or a suffix
// of it, or the person it is with (their open follow-up due first).
func (tx *Tx) FollowupID(ctx context.Context, ref string) (string, error) {
	id, err := tx.resolveID(ctx, "followups", "follow-up", ref)
	if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		return tx.byPerson(ctx, ref, "follow-up", `SELECT id FROM followups WHERE person_id = ? AND done_ms IS NULL ORDER BY due_ms, id LIMIT 1`)
	}
	return id, err
}

// byPerson reads the row q picks for the person ref names; an error names
// what was looked for, or why the person is not known.
func (tx *Tx) byPerson(ctx context.Context, ref, what, q string) (string, error) {
	p, err := tx.Resolve(ctx, ref)
	if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		return "", rapport.Errorf(rapport.ENOTFOUND, "no %s with id %q, and no person %q", what, ref, ref)
	}
	if err != nil {
		return "", err
	}
	ids, err := tx.strings(ctx, q, p.ID)
	if err != nil {
		return "", fmt.Errorf("find %s of %s: %w", what, p.Name, err)
	}
	if len(ids) == 0 {
		return "", rapport.Errorf(rapport.ENOTFOUND, "%s has no open %s", p.Name, what)
	}
	return ids[0], nil
}

// goalByText finds the one goal whose text holds ref, preferring open ones.
func (tx *Tx) goalByText(ctx context.Context, ref string) (string, error) {
	all, err := tx.Goals(ctx)
	if err != nil {
		return "", err
	}
	want := strings.ToLower(strings.TrimSpace(ref))
	for _, open := range []bool{true, false} {
		var ids, texts []string
		for _, g := range all {
			if (g.Done == nil) == open && want != "" && strings.Contains(strings.ToLower(g.Text), want) {
				ids, texts = append(ids, g.ID), append(texts, g.Text)
			}
		}
		switch {
		case len(ids) == 1:
			return ids[0], nil
		case len(ids) > 1:
			e := rapport.Errorf(rapport.EAMBIGUOUS, "%q is in several goals; give more of it, or the id", ref)
			e.Candidates = texts
			return "", e
		}
	}
	return "", rapport.Errorf(rapport.ENOTFOUND, "no goal with id %q or with it in its text", ref)
}

// SetFollowupDone closes a follow-up.
func (tx *Tx) SetFollowupDone(ctx context.Context, id string, at time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE followups SET done_ms = ? WHERE id = ?`, ms(at), id); err != nil {
		return fmt.Errorf("close follow-up %s: %w", id, mapErr(err))
	}
	return nil
}

// SetCadence sets a person's own stay-in-touch cadence in days (0 clears it).
func (tx *Tx) SetCadence(ctx context.Context, personID string, days int) error {
	var v any
	if days > 0 {
		v = days
	}
	if _, err := tx.q.ExecContext(ctx, `UPDATE people SET cadence_days = ? WHERE id = ?`, v, personID); err != nil {
		return fmt.Errorf("set cadence: %w", mapErr(err))
	}
	return nil
}

// SetSnooze keeps a person out of plans and overdue lists until a moment
// (nil wakes them).
func (tx *Tx) SetSnooze(ctx context.Context, personID string, until *time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE people SET snoozed_until_ms = ? WHERE id = ?`, nullMs(until), personID); err != nil {
		return fmt.Errorf("snooze: %w", mapErr(err))
	}
	return nil
}

// Snoozed returns the people resting at now, with the moment they wake.
func (tx *Tx) Snoozed(ctx context.Context, now time.Time) (map[string]time.Time, error) {
	rows, err := tx.q.QueryContext(ctx, `SELECT id, snoozed_until_ms FROM people WHERE snoozed_until_ms > ?`, ms(now))
	if err != nil {
		return nil, fmt.Errorf("read snoozes: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var id string
		var until int64
		if err := rows.Scan(&id, &until); err != nil {
			return nil, fmt.Errorf("read snoozes: %w", err)
		}
		out[id] = fromMs(until)
	}
	return out, rows.Err()
}

// Cadences returns the people with their own cadence, in days.
func (tx *Tx) Cadences(ctx context.Context) (map[string]int, error) {
	rows, err := tx.q.QueryContext(ctx, `SELECT id, cadence_days FROM people WHERE cadence_days IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("read cadences: %w", err)
	}
	out := map[string]int{}
	for rows.Next() {
		var id string
		var d int
		if err := rows.Scan(&id, &d); err != nil {
			rows.Close()
			return nil, err
		}
		out[id] = d
	}
	return out, closeRows(rows)
}

// Slot is one of the ten places of a monthly assignment.
type Slot struct {
	Slot   int               `json:"slot"`
	Side   string            `json:"side"` // help or helper
	Person rapport.PersonRef `json:"person"`
	Offer  string            `json:"offer"`
	Action string            `json:"action"`
	Reason string            `json:"reason"`
}

// Assignment is the monthly two-part assignment (I3).
type Assignment struct {
	ID     string    `json:"id"`
	GoalID *string   `json:"goal_id"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Slots  []Slot    `json:"slots"`
}

// InsertAssignment stores an assignment and its slots.
func (tx *Tx) InsertAssignment(ctx context.Context, a *Assignment, createdMs int64) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO assignments (id, goal_id, start_ms, end_ms, created_ms) VALUES (?, ?, ?, ?, ?)`,
		a.ID, a.GoalID, ms(a.Start), ms(a.End), createdMs)
	if err != nil {
		return fmt.Errorf("record assignment: %w", mapErr(err))
	}
	for _, s := range a.Slots {
		if err := tx.PutSlot(ctx, a.ID, s); err != nil {
			return err
		}
	}
	return nil
}

// PutSlot inserts or replaces one slot.
func (tx *Tx) PutSlot(ctx context.Context, assignmentID string, s Slot) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO assignment_slots (assignment_id, slot, side, person_id, offer, action, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (assignment_id, slot) DO UPDATE SET side = excluded.side, person_id = excluded.person_id,
			offer = excluded.offer, action = excluded.action, reason = excluded.reason`,
		assignmentID, s.Slot, s.Side, s.Person.ID, s.Offer, s.Action, s.Reason)
	if err != nil {
		return fmt.Errorf("save slot %d: %w", s.Slot, mapErr(err))
	}
	return nil
}

// DeleteAssignment removes an assignment and its slots.
func (tx *Tx) DeleteAssignment(ctx context.Context, id string) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM assignment_slots WHERE assignment_id = ?`, id); err != nil {
		return fmt.Errorf("delete assignment: %w", err)
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM assignments WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete assignment: %w", err)
	}
	return nil
}

// LatestAssignment returns the assignment created last that had started by
// now, or a not-found error.
func (tx *Tx) LatestAssignment(ctx context.Context, now time.Time) (*Assignment, error) {
	a := &Assignment{Slots: []Slot{}}
	var start, end int64
	var goal sql.NullString
	err := tx.q.QueryRowContext(ctx, `SELECT id, goal_id, start_ms, end_ms FROM assignments WHERE start_ms <= ?
		ORDER BY start_ms DESC, created_ms DESC, id DESC LIMIT 1`, ms(now)).Scan(&a.ID, &goal, &start, &end)
	if err == sql.ErrNoRows {
		return nil, rapport.Errorf(rapport.ENOTFOUND, "no assignment yet: draft one with `rapport assignment new`")
	}
	if err != nil {
		return nil, fmt.Errorf("read assignment: %w", err)
	}
	a.Start, a.End = fromMs(start), fromMs(end)
	if goal.Valid {
		a.GoalID = &goal.String
	}
	rows, err := tx.q.QueryContext(ctx, `SELECT s.slot, s.side, s.person_id, p.name, s.offer, s.action, s.reason
		FROM assignment_slots s JOIN people p ON p.id = s.person_id WHERE s.assignment_id = ? ORDER BY s.slot`, a.ID)
	if err != nil {
		return nil, fmt.Errorf("read assignment slots: %w", err)
	}
	for rows.Next() {
		var s Slot
		if err := rows.Scan(&s.Slot, &s.Side, &s.Person.ID, &s.Person.Name, &s.Offer, &s.Action, &s.Reason); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read assignment slots: %w", err)
		}
		a.Slots = append(a.Slots, s)
	}
	return a, closeRows(rows)
}

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
	rows, err := tx.q.QueryContext(ctx, `SELECT kind, norm, person_id FROM handles`)
	if err != nil {
		return nil, fmt.Errorf("read handles: %w", err)
	}
	out := map[string]string{}
	for rows.Next() {
		var kind, norm, id string
		if err := rows.Scan(&kind, &norm, &id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read handles: %w", err)
		}
		out[kind+"\x00"+norm] = id
	}
	return out, closeRows(rows)
}

// ImportKeys returns every import key with the person and interaction it names.
func (tx *Tx) ImportKeys(ctx context.Context) (map[string][2]string, error) {
	rows, err := tx.q.QueryContext(ctx, `SELECT key, COALESCE(person_id, ''), COALESCE(interaction_id, '') FROM import_keys`)
	if err != nil {
		return nil, fmt.Errorf("read import keys: %w", err)
	}
	out := map[string][2]string{}
	for rows.Next() {
		var k, p, i string
		if err := rows.Scan(&k, &p, &i); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read import keys: %w", err)
		}
		out[tx.readKey(k)] = [2]string{p, i}
	}
	return out, closeRows(rows)
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
				iRows = append(iRows, []any{it.ID, p.ID, kind, it.Text, ms(it.At), nullMs(it.Due)})
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
		{"person_items", "id, person_id, kind, text, at_ms, due_ms", iRows},
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

// placeholders returns "(?, ?, ?)" for n values, for an IN list.
func placeholders(n int) string {
	return "(?" + strings.Repeat(", ?", n-1) + ")"
}

// anys passes strings as query arguments.
func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// insertRows inserts rows in multi-row statements of at most ~30,000 values
// (see inserter).
func (tx *Tx) insertRows(ctx context.Context, table, cols, suffix string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	in := tx.newInserter(table, cols, suffix, len(rows[0]))
	for _, r := range rows {
		if err := in.add(ctx, r...); err != nil {
			in.close()
			return err
		}
	}
	return in.flush(ctx)
}

// inserter inserts rows as they come in multi-row statements of ~30,000
// values; the statement for a full batch is prepared once, so a large import
// does not parse the same long INSERT thousands of times.
type inserter struct {
	tx                  *Tx
	table, cols, suffix string
	width, batch        int
	full                *sql.Stmt
	args                []any
}

func (tx *Tx) newInserter(table, cols, suffix string, width int) *inserter {
	batch := max(1, 30000/width) // fewer statements: each copies the pages it first touches to its journal
	return &inserter{tx: tx, table: table, cols: cols, suffix: suffix, width: width, batch: batch, args: make([]any, 0, batch*width)}
}

func (in *inserter) query(n int) string {
	// In BulkUpdate, where foreign keys are not checked, OR ROLLBACK leaves
	// SQLite nothing that could fail halfway through a statement, so it
	// keeps no statement journal (a copy of every page a batch touches);
	// a conflict then ends the whole transaction, which the caller abandons.
	verb := `INSERT INTO `
	if in.tx.bulk {
		verb = `INSERT OR ROLLBACK INTO `
	}
	return verb + in.table + ` (` + in.cols + `) VALUES ` + rowsOf(n, in.width) + in.suffix
}

// add queues one row, inserting a full batch when there is one.
func (in *inserter) add(ctx context.Context, row ...any) error {
	in.args = append(in.args, row...)
	if len(in.args) < in.batch*in.width {
		return nil
	}
	if in.full == nil {
		st, err := in.tx.q.PrepareContext(ctx, in.query(in.batch))
		if err != nil {
			return fmt.Errorf("insert into %s: %w", in.table, mapErr(err))
		}
		in.full = st
	}
	_, err := in.full.ExecContext(ctx, in.args...)
	in.args = in.args[:0]
	return in.err(err)
}

// flush inserts what is queued and releases the statement.
func (in *inserter) flush(ctx context.Context) error {
	defer in.close()
	if len(in.args) == 0 {
		return nil
	}
	_, err := in.tx.q.ExecContext(ctx, in.query(len(in.args)/in.width), in.args...)
	in.args = in.args[:0]
	return in.err(err)
}

func (in *inserter) close() {
	if in.full != nil {
		in.full.Close()
		in.full = nil
	}
}

func (in *inserter) err(err error) error {
	if err == nil {
		return nil
	}
	if isUniqueViolation(err) {
		return rapport.Errorf(rapport.ECONFLICT, "%s: a value is already taken (%v)", in.table, err)
	}
	return fmt.Errorf("insert into %s: %w", in.table, mapErr(err))
}

// Via is a warm introduction: who introduced a person, the strength of your
// tie with them then, and when.
type Via struct {
	By       rapport.PersonRef
	Strength float64
	At       time.Time
}

// SetVia records who introduced a person, unless someone already did.
func (tx *Tx) SetVia(ctx context.Context, personID string, v Via) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE people SET via_id = ?, via_strength = ?, via_ms = ? WHERE id = ? AND via_id IS NULL`,
		v.By.ID, v.Strength, ms(v.At), personID)
	if err != nil {
		return fmt.Errorf("record the introduction: %w", mapErr(err))
	}
	return nil
}

// ViaOf returns who introduced a person, if anyone did (ok false if not).
func (tx *Tx) ViaOf(ctx context.Context, personID string) (Via, bool, error) {
	var v Via
	var id, name sql.NullString
	var s sql.NullFloat64
	var at sql.NullInt64
	err := tx.q.QueryRowContext(ctx, `SELECT p.via_id, v.name, p.via_strength, p.via_ms FROM people p LEFT JOIN people v ON v.id = p.via_id WHERE p.id = ?`,
		personID).Scan(&id, &name, &s, &at)
	if err == sql.ErrNoRows || err == nil && !id.Valid {
		return v, false, nil
	}
	if err != nil {
		return v, false, fmt.Errorf("read the introduction: %w", err)
	}
	v.By, v.Strength, v.At = rapport.PersonRef{ID: id.String, Name: name.String}, s.Float64, fromMs(at.Int64)
	return v, true, nil
}

// SetKeep sets the layer a person is kept in ("" clears it).
func (tx *Tx) SetKeep(ctx context.Context, personID, layer string) error {
	var v any
	if layer != "" {
		v = layer
	}
	if _, err := tx.q.ExecContext(ctx, `UPDATE people SET keep_layer = ? WHERE id = ?`, v, personID); err != nil {
		return fmt.Errorf("keep: %w", mapErr(err))
	}
	return nil
}

// Keeps returns the people kept in a layer of your choosing.
func (tx *Tx) Keeps(ctx context.Context) (map[string]string, error) {
	rows, err := tx.q.QueryContext(ctx, `SELECT id, keep_layer FROM people WHERE keep_layer IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("read kept layers: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, l string
		if err := rows.Scan(&id, &l); err != nil {
			return nil, fmt.Errorf("read kept layers: %w", err)
		}
		out[id] = l
	}
	return out, rows.Err()
}
