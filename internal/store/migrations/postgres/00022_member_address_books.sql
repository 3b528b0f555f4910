-- On a team's server each member has an address book of their own: the
-- state their devices last saw (cards, ETags, changes) and the people their
-- devices deleted are theirs ('' for one person's Rapport), so a card a
-- member's phone deletes leaves the teammates' books alone, and a person a
-- member keeps private is on the keeper's devices. Both tables are made
-- anew, keyed by member too.

-- +goose Up
CREATE TABLE dav_cards_by_member (
    member_id TEXT NOT NULL DEFAULT '',
    href      TEXT NOT NULL,
    person_id TEXT NOT NULL,
    etag      TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    PRIMARY KEY (member_id, href)
);
INSERT INTO dav_cards_by_member (member_id, href, person_id, etag, seq) SELECT '', href, person_id, etag, seq FROM dav_cards;
DROP TABLE dav_cards;
ALTER TABLE dav_cards_by_member RENAME TO dav_cards;
CREATE INDEX dav_cards_person ON dav_cards (person_id);
CREATE INDEX dav_cards_seq ON dav_cards (member_id, seq);

CREATE TABLE device_removals_by_member (
    member_id TEXT NOT NULL DEFAULT '',
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE DEFERRABLE,
    at_ms     BIGINT NOT NULL,
    device    TEXT NOT NULL,
    PRIMARY KEY (member_id, person_id)
);
INSERT INTO device_removals_by_member (member_id, person_id, at_ms, device) SELECT '', person_id, at_ms, device FROM device_removals;
DROP TABLE device_removals;
ALTER TABLE device_removals_by_member RENAME TO device_removals;
CREATE INDEX device_removals_person ON device_removals (person_id);

-- +goose Down
CREATE TABLE dav_cards_one (
    href      TEXT PRIMARY KEY,
    person_id TEXT NOT NULL,
    etag      TEXT NOT NULL,
    seq       BIGINT NOT NULL
);
INSERT INTO dav_cards_one (href, person_id, etag, seq) SELECT href, person_id, etag, seq FROM dav_cards WHERE member_id = '';
DROP TABLE dav_cards;
ALTER TABLE dav_cards_one RENAME TO dav_cards;
CREATE INDEX dav_cards_person ON dav_cards (person_id);
CREATE INDEX dav_cards_seq ON dav_cards (seq);

CREATE TABLE device_removals_one (
    person_id TEXT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE DEFERRABLE,
    at_ms     BIGINT NOT NULL,
    device    TEXT NOT NULL
);
INSERT INTO device_removals_one (person_id, at_ms, device) SELECT person_id, at_ms, device FROM device_removals WHERE member_id = '';
DROP TABLE device_removals;
ALTER TABLE device_removals_one RENAME TO device_removals;
