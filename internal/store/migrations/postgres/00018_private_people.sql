-- A member can keep a person to themselves on a team's server: their
-- teammates do not see them, unless they know them too ('' for everyone's).

-- +goose Up
ALTER TABLE people ADD COLUMN private_to TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE people DROP COLUMN private_to;
