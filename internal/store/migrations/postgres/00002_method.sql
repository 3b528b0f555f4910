-- The daily method: asks and their outcomes, goals, follow-ups, per-person
-- cadences, the monthly assignment.

-- +goose Up
CREATE TABLE asks (
    id          TEXT PRIMARY KEY,
    person_id   TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE DEFERRABLE,
    action      TEXT NOT NULL REFERENCES kinds (name) DEFERRABLE,
    at_ms       BIGINT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    verdict     TEXT NOT NULL,            -- what the guard said: go, give-first, wait
    forced      INTEGER NOT NULL,         -- recorded with --force against the guard
    strength    DOUBLE PRECISION NOT NULL, -- the tie when asked: evidence for calibration
    outcome     TEXT NOT NULL DEFAULT '', -- '', yes, no, none
    answered_ms BIGINT
);
CREATE INDEX asks_person ON asks (person_id, at_ms);

CREATE TABLE goals (
    id         TEXT PRIMARY KEY,
    text       TEXT NOT NULL,
    due_ms     BIGINT,
    done_ms    BIGINT,
    created_ms BIGINT NOT NULL
);

CREATE TABLE goal_tags (
    goal_id TEXT NOT NULL REFERENCES goals (id) ON DELETE CASCADE DEFERRABLE,
    tag     TEXT NOT NULL,
    PRIMARY KEY (goal_id, tag)
);

CREATE TABLE followups (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE DEFERRABLE,
    text       TEXT NOT NULL,
    due_ms     BIGINT NOT NULL,
    created_ms BIGINT NOT NULL,
    done_ms    BIGINT
);
CREATE INDEX followups_due ON followups (due_ms);

-- The tie's strength just before each touch: when they did something for
-- you, evidence of where the ladder's thresholds really are.
ALTER TABLE interaction_people ADD COLUMN strength_before DOUBLE PRECISION;

-- A person's own stay-in-touch cadence, overriding their layer's.
ALTER TABLE people ADD COLUMN cadence_days INTEGER;

CREATE TABLE assignments (
    id         TEXT PRIMARY KEY,
    goal_id    TEXT REFERENCES goals (id) ON DELETE SET NULL DEFERRABLE,
    start_ms   BIGINT NOT NULL,
    end_ms     BIGINT NOT NULL,
    created_ms BIGINT NOT NULL
);

CREATE TABLE assignment_slots (
    assignment_id TEXT NOT NULL REFERENCES assignments (id) ON DELETE CASCADE DEFERRABLE,
    slot          INTEGER NOT NULL,
    side          TEXT NOT NULL, -- help: someone you can help; helper: someone who can help with the goal
    person_id     TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE DEFERRABLE,
    offer         TEXT NOT NULL,
    action        TEXT NOT NULL,
    reason        TEXT NOT NULL,
    PRIMARY KEY (assignment_id, slot)
);

-- +goose Down
DROP TABLE assignment_slots;
DROP TABLE assignments;
ALTER TABLE people DROP COLUMN cadence_days;
ALTER TABLE interaction_people DROP COLUMN strength_before;
DROP TABLE followups;
DROP TABLE goal_tags;
DROP TABLE goals;
DROP TABLE asks;
