-- A warm introduction: who introduced a person, and how strong that tie was
-- then. The person starts with part of the introducer's trust (the guard).

-- +goose Up
ALTER TABLE people ADD COLUMN via_id TEXT;
ALTER TABLE people ADD COLUMN via_strength DOUBLE PRECISION;
ALTER TABLE people ADD COLUMN via_ms BIGINT;

-- +goose Down
ALTER TABLE people DROP COLUMN via_ms;
ALTER TABLE people DROP COLUMN via_strength;
ALTER TABLE people DROP COLUMN via_id;
