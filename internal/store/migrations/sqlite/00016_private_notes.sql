-- Notes are private or shared on a team's server: who wrote each one, and
-- whether the team may read it. Notes written before are everyone's, as
-- they were.

-- +goose Up
ALTER TABLE person_items ADD COLUMN member_id TEXT NOT NULL DEFAULT '';
ALTER TABLE person_items ADD COLUMN shared INTEGER NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE person_items DROP COLUMN shared;
ALTER TABLE person_items DROP COLUMN member_id;
