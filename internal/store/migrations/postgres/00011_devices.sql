-- Devices: app passwords (`rapport token create`), which CardDAV clients (a
-- phone's Contacts, Thunderbird, vdirsyncer) sign in with, stored as the
-- SHA-256 of a random secret shown once; the address book's state as the
-- devices last saw it (each card's name, ETag and the change that last
-- touched it; a card deleted, or renamed, kept as a tombstone with an empty
-- ETag), from
-- which sync tokens and ctags are answered; and the people a device deleted,
-- kept out of the address book until the user decides in Rapport.

-- +goose Up
CREATE TABLE app_tokens (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    hash       TEXT NOT NULL UNIQUE,
    created_ms BIGINT NOT NULL,
    used_ms    BIGINT
);

CREATE TABLE dav_cards (
    href      TEXT PRIMARY KEY,
    person_id TEXT NOT NULL,
    etag      TEXT NOT NULL,
    seq       BIGINT NOT NULL
);
CREATE INDEX dav_cards_person ON dav_cards (person_id);
CREATE INDEX dav_cards_seq ON dav_cards (seq);

CREATE TABLE device_removals (
    person_id TEXT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE DEFERRABLE,
    at_ms     BIGINT NOT NULL,
    device    TEXT NOT NULL
);

-- +goose Down
DROP TABLE device_removals;
DROP TABLE dav_cards;
DROP TABLE app_tokens;
