-- Rapport's core schema. Portable SQL: TEXT ids made by the application,
-- BIGINT Unix milliseconds in UTC for times, DOUBLE PRECISION for decayed sums.

-- +goose Up
CREATE TABLE people (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    org        TEXT NOT NULL DEFAULT '',
    title      TEXT NOT NULL DEFAULT '',
    met        TEXT NOT NULL DEFAULT '',
    created_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL
);
CREATE INDEX people_name_key ON people (name_key);

-- Emails, phones and profile URLs; norm is the key that makes two records one person.
CREATE TABLE handles (
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE DEFERRABLE,
    kind      TEXT NOT NULL,
    value     TEXT NOT NULL,
    norm      TEXT NOT NULL,
    ord       INTEGER NOT NULL,
    PRIMARY KEY (kind, norm)
);
CREATE INDEX handles_person ON handles (person_id);

CREATE TABLE tags (
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE DEFERRABLE,
    tag       TEXT NOT NULL,
    PRIMARY KEY (person_id, tag)
);
CREATE INDEX tags_tag ON tags (tag);

-- Notes, wants and offers: dated lines about a person.
CREATE TABLE person_items (
    id        TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE DEFERRABLE,
    kind      TEXT NOT NULL,
    text      TEXT NOT NULL,
    at_ms     BIGINT NOT NULL,
    due_ms    BIGINT
);
CREATE INDEX person_items_person ON person_items (person_id, kind);

-- The catalogue of kinds; a kind with a threshold is a rung of the action ladder.
CREATE TABLE kinds (
    name        TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    weight      DOUBLE PRECISION NOT NULL,
    shallow     INTEGER NOT NULL,
    mode        TEXT NOT NULL,
    threshold   DOUBLE PRECISION,
    minutes     INTEGER NOT NULL,
    builtin     INTEGER NOT NULL,
    ord         INTEGER NOT NULL
);

CREATE TABLE interactions (
    id           TEXT PRIMARY KEY,
    at_ms        BIGINT NOT NULL,
    kind         TEXT NOT NULL REFERENCES kinds (name) DEFERRABLE,
    by_side      TEXT NOT NULL,
    channel      TEXT NOT NULL DEFAULT '',
    minutes      INTEGER NOT NULL DEFAULT 0,
    note         TEXT NOT NULL DEFAULT '',
    participants INTEGER NOT NULL,
    created_ms   BIGINT NOT NULL
);
CREATE INDEX interactions_at ON interactions (at_ms);

CREATE TABLE interaction_people (
    interaction_id TEXT NOT NULL REFERENCES interactions (id) ON DELETE CASCADE DEFERRABLE,
    person_id      TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE DEFERRABLE,
    PRIMARY KEY (interaction_id, person_id)
);
CREATE INDEX interaction_people_person ON interaction_people (person_id, interaction_id);

-- The running state of each tie (internal/model.Tie): derived from
-- interactions, updated in constant time, rebuilt when the model changes.
-- state packs the decayed sums and moments into 81 bytes (see
-- internal/store/ties.go), because ranking reads every row at once.
-- (BLOB on SQLite.)
CREATE TABLE ties (
    person_id TEXT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE DEFERRABLE,
    state     BYTEA NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE ties;
DROP TABLE interaction_people;
DROP TABLE interactions;
DROP TABLE kinds;
DROP TABLE person_items;
DROP TABLE tags;
DROP TABLE handles;
DROP TABLE people;
