-- The team server (PostgreSQL): a workspace, its members with their roles
-- and passwords (argon2id, PHC strings; '' until they set one), and their
-- credentials, kept as SHA-256 hashes of random secrets: personal
-- API tokens for scripts, and one-time sign-in links (with an expiry) that a
-- browser trades for a session. A database holds one workspace until the
-- data is scoped by workspace.

-- +goose Up
CREATE TABLE workspaces (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_ms BIGINT NOT NULL
);

CREATE TABLE members (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    password     TEXT NOT NULL DEFAULT '',
    created_ms   BIGINT NOT NULL,
    UNIQUE (workspace_id, email)
);

CREATE TABLE member_tokens (
    hash       TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT,
    used_ms    BIGINT
);
CREATE INDEX member_tokens_member ON member_tokens (member_id);

-- Who on the team asked: the team ask guard names them ('' for one person).
ALTER TABLE asks ADD COLUMN member_id TEXT NOT NULL DEFAULT '';
-- Who on the team logged or imported an interaction: each member's tie with a
-- person comes from their own ('' for one person).
ALTER TABLE interactions ADD COLUMN member_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE interactions DROP COLUMN member_id;
ALTER TABLE asks DROP COLUMN member_id;
DROP TABLE member_tokens;
DROP TABLE members;
DROP TABLE workspaces;
