-- Wants retire and people rest: a want served by a give is marked done, and
-- a person can be kept out of plans and `overdue` until a date.

-- +goose Up
ALTER TABLE person_items ADD COLUMN done_ms BIGINT;
ALTER TABLE people ADD COLUMN snoozed_until_ms BIGINT;

-- +goose Down
ALTER TABLE people DROP COLUMN snoozed_until_ms;
ALTER TABLE person_items DROP COLUMN done_ms;
