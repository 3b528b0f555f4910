-- A touch is not a favour: who started a touch (by_side) and whether it was
-- a favour done for someone (give, got, an ask answered yes) are different
-- facts. Until now a ladder action logged by one side was read as a favour;
-- such rows stay favours, every other row is a plain touch.

-- +goose Up
ALTER TABLE interactions ADD COLUMN favour INTEGER NOT NULL DEFAULT 0;
UPDATE interactions SET favour = 1
WHERE by_side IN ('me', 'them')
  AND kind IN (SELECT name FROM kinds WHERE threshold IS NOT NULL AND shallow = 0 AND weight >= 1);

-- +goose Down
ALTER TABLE interactions DROP COLUMN favour;
