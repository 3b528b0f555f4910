-- On a team's server goals, follow-ups and monthly assignments are each
-- member's own ('' for one person, and for what was made before).

-- +goose Up
ALTER TABLE goals ADD COLUMN member_id TEXT NOT NULL DEFAULT '';
ALTER TABLE followups ADD COLUMN member_id TEXT NOT NULL DEFAULT '';
ALTER TABLE assignments ADD COLUMN member_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE assignments DROP COLUMN member_id;
ALTER TABLE followups DROP COLUMN member_id;
ALTER TABLE goals DROP COLUMN member_id;
