-- The graph: topic trust lines (who trusts whom most on a topic) and who
-- knows whom.

-- +goose Up
-- Topic aliases: "golang" → "go".
CREATE TABLE topic_aliases (
    alias     TEXT PRIMARY KEY,
    canonical TEXT NOT NULL
);

-- truster is '' for you, else a person's id; at most five trustees per
-- truster and topic (enforced by the application).
CREATE TABLE trust (
    truster TEXT NOT NULL,
    topic   TEXT NOT NULL,
    trustee TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE DEFERRABLE,
    rank    INTEGER NOT NULL,
    PRIMARY KEY (topic, truster, trustee)
);
CREATE INDEX trust_trustee ON trust (trustee);

-- An undirected edge, stored once with a < b. source: manual, or inferred
-- from shared interactions (count of them).
CREATE TABLE knows (
    a        TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE DEFERRABLE,
    b        TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE DEFERRABLE,
    strength DOUBLE PRECISION NOT NULL,
    source   TEXT NOT NULL,
    shared   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (a, b)
);
CREATE INDEX knows_b ON knows (b, a);

-- +goose Down
DROP TABLE knows;
DROP TABLE trust;
DROP TABLE topic_aliases;
