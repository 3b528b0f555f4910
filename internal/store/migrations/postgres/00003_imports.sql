-- Imports: the keys under which imported people and interactions are known
-- to their source, so that importing the same file twice creates nothing new.

-- +goose Up
CREATE TABLE import_keys (
    key            TEXT PRIMARY KEY,
    person_id      TEXT REFERENCES people (id) ON DELETE CASCADE DEFERRABLE,
    interaction_id TEXT REFERENCES interactions (id) ON DELETE CASCADE DEFERRABLE
);
CREATE INDEX import_keys_person ON import_keys (person_id);

-- +goose Down
DROP TABLE import_keys;
