package store

import (
	"context"
	"fmt"
	"strings"

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

// byPerson reads the row q picks for the person ref names; an error names
// what was looked for, or why the person is not known.
func (tx *Tx) byPerson(ctx context.Context, ref, what, q string, more ...any) (string, error) {
	p, err := tx.Resolve(ctx, ref)
	if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		return "", rapport.Errorf(rapport.ENOTFOUND, "no %s with id %q, and no person %q", what, ref, ref)
	}
	if err != nil {
		return "", err
	}
	ids, err := tx.strings(ctx, q, append([]any{p.ID}, more...)...)
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
