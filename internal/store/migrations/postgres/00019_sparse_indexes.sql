-- The few people with a cadence of their own, a snooze, a kept layer or a
-- keeper are read on every person page and plan: without these each read
-- scanned every person (57 ms a page at 200,000 people on PostgreSQL). A
-- member's plan reads their own interactions of the day.

-- +goose Up
CREATE INDEX people_cadence ON people (id) WHERE cadence_days IS NOT NULL;
CREATE INDEX people_snoozed ON people (snoozed_until_ms) WHERE snoozed_until_ms IS NOT NULL;
CREATE INDEX people_kept ON people (id) WHERE keep_layer IS NOT NULL;
CREATE INDEX people_private ON people (id) WHERE private_to <> '';
CREATE INDEX interactions_member_at ON interactions (member_id, at_ms);

-- +goose Down
DROP INDEX interactions_member_at;
DROP INDEX people_private;
DROP INDEX people_kept;
DROP INDEX people_snoozed;
DROP INDEX people_cadence;
