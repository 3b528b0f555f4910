-- Several workspaces on one server (PostgreSQL), kept apart by the database:
-- each workspace's data lives in a schema of its own, owned by a role of its
-- own that can reach nothing else (see docs/team.md). The directory
-- (workspaces, members, their credentials) stays in the database's main
-- schema. A workspace made before this keeps its data where it was: the
-- main schema ('public').

-- +goose Up
ALTER TABLE workspaces ADD COLUMN data_schema TEXT NOT NULL DEFAULT 'public';

-- +goose Down
ALTER TABLE workspaces DROP COLUMN data_schema;
