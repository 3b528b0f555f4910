package store

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/store/pgtest"
)

// openSpace makes a workspace's schema and role on db and opens it.
func openSpace(t *testing.T, db *DB) (*DB, string) {
	t.Helper()
	ctx := context.Background()
	schema, role := SchemaNames(uuid.NewString())
	if err := db.Update(ctx, func(tx *Tx) error { return tx.MakeSchema(ctx, schema, role) }); err != nil {
		t.Fatal(err)
	}
	s, err := db.OpenSchema(ctx, schema, role)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, schema
}

// Two workspaces in one database see nothing of each other: the store's
// unqualified queries read their own schema (the first line), and a query
// that names another workspace's table, or the directory's, is refused by
// PostgreSQL (the second line).
func TestWorkspacesKeptApartByTheDatabase(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("workspaces are PostgreSQL's: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	ctx := context.Background()
	dir := open(t)
	save(t, dir, rapport.Person{ID: "dir-person", Name: "Someone Personal"})
	a, schemaA := openSpace(t, dir)
	b, _ := openSpace(t, dir)
	save(t, a, rapport.Person{ID: "a-person", Name: "Ada of A"})
	save(t, b, rapport.Person{ID: "b-person", Name: "Bo of B"})
	for _, c := range []struct {
		db   *DB
		want string
	}{{a, "a-person"}, {b, "b-person"}, {dir, "dir-person"}} {
		var ids []string
		for _, p := range must[[]PersonRow](t)(c.db.View().People(ctx)) {
			ids = append(ids, p.ID)
		}
		if strings.Join(ids, ",") != c.want {
			t.Errorf("%s lists %v, want only %s", c.db.Path(), ids, c.want)
		}
	}
	if _, err := b.View().Resolve(ctx, "a-person"); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("b resolves a's person: %v", err)
	}
	// The second line: named outright, the other schema and the directory
	// are out of reach, for reads and for writes.
	for _, q := range []string{
		`SELECT COUNT(*) FROM ` + pgx.Identifier{schemaA, "people"}.Sanitize(),
		`SELECT COUNT(*) FROM public.people`,
		`SELECT COUNT(*) FROM public.members`,
		`SELECT COUNT(*) FROM public.member_tokens`,
		`DELETE FROM ` + pgx.Identifier{schemaA, "people"}.Sanitize(),
	} {
		_, err := b.View().q.ExecContext(ctx, q)
		if pgCode(err) != "42501" {
			t.Errorf("%s from b: %v, want permission denied", q, err)
		}
	}
	// Resetting the role or the search path comes back to b's own: they
	// are the connection's startup parameters.
	c, err := b.sql.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, q := range []string{`RESET ROLE`, `RESET search_path`, `RESET ALL`} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var who, path string
	if err := c.QueryRowContext(ctx, `SELECT current_user, current_setting('search_path')`).Scan(&who, &path); err != nil || !strings.HasPrefix(who, "rapport_ws_") || !strings.HasPrefix(path, "ws_") {
		t.Errorf("after RESET, b is %q with search_path %q (%v)", who, path, err)
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
