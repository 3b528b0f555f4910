-- Each member's ties, their own: on a team's server, Ann's tie with Xavier
-- comes from the interactions Ann logged or imported, and her plan, ladder
-- and guard read hers (one person's Rapport keeps using ties). The same
-- opaque state as ties, keyed by member too; made from the history when a
-- workspace opens without them.

-- +goose Up
CREATE TABLE member_ties (
    member_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE DEFERRABLE,
    state     BYTEA NOT NULL,
    PRIMARY KEY (member_id, person_id)
);
CREATE INDEX member_ties_person ON member_ties (person_id);

-- +goose Down
DROP TABLE member_ties;
