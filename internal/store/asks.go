package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/rapport-app/rapport"
)

const askColumns = `a.id, a.person_id, p.name, a.action, a.at_ms, a.note, a.verdict, a.forced, a.strength, a.outcome, a.answered_ms,
	a.member_id, COALESCE(m.name, '')`

// InsertAsk records an ask.
func (tx *Tx) InsertAsk(ctx context.Context, a *rapport.Ask) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO asks (id, person_id, action, at_ms, note, verdict, forced, strength, outcome, member_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?)`, a.ID, a.Person.ID, a.Action, ms(a.At), a.Note, a.Verdict, boolInt(a.Forced), a.Strength, a.MemberID)
	if err != nil {
		return fmt.Errorf("record ask: %w", mapErr(err))
	}
	return nil
}

func (tx *Tx) asks(ctx context.Context, where string, args ...any) ([]rapport.Ask, error) {
	out := []rapport.Ask{}
	err := tx.eachRow(ctx, "read asks", `SELECT `+askColumns+` FROM asks a JOIN people p ON p.id = a.person_id
		LEFT JOIN members m ON m.id = a.member_id `+where, args, func(r *sql.Rows) error {
		var a rapport.Ask
		var at int64
		var forced int
		var answered sql.NullInt64
		if err := r.Scan(&a.ID, &a.Person.ID, &a.Person.Name, &a.Action, &at, &a.Note, &a.Verdict, &forced, &a.Strength, &a.Outcome, &answered,
			&a.MemberID, &a.AskedBy); err != nil {
			return err
		}
		a.At, a.Forced, a.AnsweredAt = fromMs(at), forced != 0, msPtr(answered)
		out = append(out, a)
		return nil
	})
	return out, err
}

// AsksOf returns a person's asks, oldest first.
func (tx *Tx) AsksOf(ctx context.Context, personID string) ([]rapport.Ask, error) {
	return tx.asks(ctx, `WHERE a.person_id = ? ORDER BY a.at_ms, a.id`, personID)
}

// AsksBetween returns every ask made in [from, to) by whoever the
// transaction is for (its lens), oldest first.
func (tx *Tx) AsksBetween(ctx context.Context, from, to time.Time) ([]rapport.Ask, error) {
	return tx.asks(ctx, `WHERE a.at_ms >= ? AND a.at_ms < ? AND a.member_id = ? ORDER BY a.at_ms, a.id`, ms(from), ms(to), tx.lens)
}

// AnsweredAsks returns every ask with an outcome: the calibration's evidence.
func (tx *Tx) AnsweredAsks(ctx context.Context) ([]rapport.Ask, error) {
	return tx.asks(ctx, `WHERE a.outcome <> '' ORDER BY a.at_ms, a.id`)
}

// Ask returns one ask of whoever the transaction is for (its lens) by id,
// a prefix or a suffix of it, or by the person asked: their latest ask
// still waiting for an answer.
func (tx *Tx) Ask(ctx context.Context, ref string) (rapport.Ask, error) {
	id, err := tx.resolveID(ctx, "asks", "ask", ref)
	if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		id, err = tx.byPerson(ctx, ref, "ask", `SELECT id FROM asks WHERE person_id = ? AND outcome = '' AND member_id = ? ORDER BY at_ms DESC, id DESC LIMIT 1`, tx.lens)
	} else if err == nil {
		err = tx.owns(ctx, "asks", "ask", id, ref)
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

// Favours returns the favours (interactions logged as give, got or an ask
// answered yes, never a plain touch) on the ladder's deep rungs (weight 1 or
// more: not likes, replies or comments) with a person (everyone when personID
// is empty) done by one side, in [from, to), oldest first. By me they are
// gives; by them, favours received.
func (tx *Tx) Favours(ctx context.Context, personID string, by rapport.By, from, to time.Time) ([]rapport.Favour, []string, error) {
	q := `SELECT i.at_ms, i.kind, i.by_side, i.note, ip.strength_before, ip.person_id, i.member_id
		FROM interactions i JOIN interaction_people ip ON ip.interaction_id = i.id JOIN kinds k ON k.name = i.kind
		WHERE i.favour = 1 AND k.threshold IS NOT NULL AND k.shallow = 0 AND k.weight >= 1 AND i.by_side = ? AND i.at_ms >= ? AND i.at_ms < ?`
	args := []any{string(by), ms(from), ms(to)}
	if personID != "" {
		q += ` AND ip.person_id = ?`
		args = append(args, personID)
	}
	var out []rapport.Favour
	var people []string
	err := tx.eachRow(ctx, "read favours", q+` ORDER BY i.at_ms, i.id`, args, func(r *sql.Rows) error {
		var f rapport.Favour
		var at int64
		var by, pid string
		var before sql.NullFloat64
		if err := r.Scan(&at, &f.Kind, &by, &f.Note, &before, &pid, &f.MemberID); err != nil {
			return err
		}
		f.At, f.By = fromMs(at), rapport.By(by)
		if before.Valid {
			v := before.Float64
			f.StrengthBefore = &v
		}
		out = append(out, f)
		people = append(people, pid)
		return nil
	})
	return out, people, err
}
