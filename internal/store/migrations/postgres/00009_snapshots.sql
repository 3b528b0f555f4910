-- What the report needs to know how the network stood on any date without
-- replaying histories: every touch in time order; every tie as it stood on
-- the 1st and 16th of each month (UTC); each day's interactions counted by
-- kind, side and favour. All are derived from interactions; the last two are
-- built lazily up to snapshots_built and cut back when an interaction before
-- it is written or removed, or a person merged (see
-- internal/store/snapshots.go). A backup holds none of them.
-- (BLOB for state on SQLite.)

-- +goose Up
-- Every person's part in every interaction, with what the model reads of it,
-- kept in time order: replaying a stretch of time is one range read, where the join of
-- interactions and interaction_people visits a random page per row (1.9 s
-- for two months of a large network, against 0.09 s). Written with them, in
-- the same statements' transactions (internal/store/interactions.go).
-- (WITHOUT ROWID on SQLite.)
CREATE TABLE touches (
    at_ms          BIGINT NOT NULL,
    person_id      TEXT NOT NULL,
    interaction_id TEXT NOT NULL,
    kind           TEXT NOT NULL,
    by_side        TEXT NOT NULL,
    minutes        INTEGER NOT NULL,
    participants   INTEGER NOT NULL,
    PRIMARY KEY (at_ms, person_id, interaction_id)
);
INSERT INTO touches (at_ms, person_id, interaction_id, kind, by_side, minutes, participants)
    SELECT i.at_ms, ip.person_id, i.id, i.kind, i.by_side, i.minutes, i.participants
    FROM interactions i JOIN interaction_people ip ON ip.interaction_id = i.id;

CREATE TABLE tie_snapshots (
    at_ms  BIGINT NOT NULL,
    person_id TEXT NOT NULL,
    state     BYTEA NOT NULL,
    PRIMARY KEY (at_ms, person_id)
);

CREATE TABLE activity_days (
    day_ms     BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    by_side    TEXT NOT NULL,
    favour     INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    minutes    BIGINT NOT NULL,
    unrecorded INTEGER NOT NULL,
    PRIMARY KEY (day_ms, kind, by_side, favour)
);

CREATE TABLE snapshots_built (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    through_ms BIGINT NOT NULL, -- tie_snapshots holds every snapshot moment up to this one
    days_ms    BIGINT NOT NULL  -- activity_days holds every day before this one
);

-- Favours are a few hundred among millions of interactions.
CREATE INDEX interactions_favour ON interactions (at_ms) WHERE favour = 1;

-- +goose Down
DROP INDEX interactions_favour;
DROP TABLE snapshots_built;
DROP TABLE activity_days;
DROP TABLE tie_snapshots;
DROP TABLE touches;
