package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/rapport-app/rapport"
)

// Workspaces are kept apart by PostgreSQL itself. Each has a schema of its
// own, owned by a role of its own (NOLOGIN) that holds no privilege
// anywhere else. A workspace's handle (OpenSchema) connects with that role
// and that schema as the session's, set in the connection's startup
// parameters, so that RESET cannot undo them: every query of the store,
// unchanged and unqualified, reads and writes that workspace's tables only
// (the first line), and a query that named another workspace's table, or
// the directory's, would be refused by the server (the second line).

// SchemaNames are the schema and the role of a new workspace with an id.
func SchemaNames(id string) (schema, role string) {
	hex := strings.ReplaceAll(id, "-", "")
	return "ws_" + hex, "rapport_ws_" + hex
}

// MakeSchema makes a workspace's schema and role, and lets the directory's
// user act as the role (to migrate the schema and to connect as it).
func (tx *Tx) MakeSchema(ctx context.Context, schema, role string) error {
	r, s := pgx.Identifier{role}.Sanitize(), pgx.Identifier{schema}.Sanitize()
	for _, q := range []string{
		`CREATE ROLE ` + r + ` NOLOGIN`,
		`GRANT ` + r + ` TO CURRENT_USER`,
		`CREATE SCHEMA ` + s + ` AUTHORIZATION ` + r,
	} {
		if _, err := tx.q.ExecContext(ctx, q); err != nil {
			if pgCode(err) == "42501" { // insufficient privilege
				return rapport.Errorf(rapport.EINVALID, "make the workspace's role: the database user may not create roles; the team server keeps each workspace under a role of its own: ALTER ROLE <user> CREATEROLE (%v)", err)
			}
			return fmt.Errorf("make the workspace's schema: %w", mapErr(err))
		}
	}
	return nil
}

// OpenSchema opens a workspace's data: the schema of that name, as the
// role of that name (see MakeSchema), migrated and seeded like a database
// of its own. The schema "public" is db's own: its handle shares db's
// connections (a workspace made before there were several).
func (db *DB) OpenSchema(ctx context.Context, schema, role string) (*DB, error) {
	if !db.pg {
		return nil, rapport.Errorf(rapport.EINVALID, "workspaces are PostgreSQL's")
	}
	if schema == "public" {
		return &DB{sql: db.sql, path: db.path, pg: true, token: db.token, shared: true, channel: db.channel}, nil
	}
	cfg, err := pgx.ParseConfig(db.url)
	if err != nil {
		return nil, rapport.Errorf(rapport.EINVALID, "open %s: %v", db.path, err)
	}
	cfg.RuntimeParams["search_path"] = schema
	cfg.RuntimeParams["role"] = role
	conns := stdlib.OpenDB(*cfg)
	conns.SetMaxOpenConns(8)
	d := &DB{sql: conns, url: db.url, path: db.path + " (" + schema + ")", pg: true, token: uuid.NewString(), channel: notifyChannel + "_" + schema}
	if err := conns.PingContext(ctx); err != nil {
		conns.Close()
		return nil, fmt.Errorf("open the workspace %s: %w", schema, err)
	}
	if err := d.migrate(ctx); err != nil {
		conns.Close()
		return nil, err
	}
	if err := d.seed(ctx); err != nil {
		conns.Close()
		return nil, err
	}
	return d, nil
}
