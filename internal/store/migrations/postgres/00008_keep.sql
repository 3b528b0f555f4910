-- The layer you keep a person in, whatever their tie decays to: their rhythm
-- comes from it (a wider one lets them go on purpose).

-- +goose Up
ALTER TABLE people ADD COLUMN keep_layer TEXT;

-- +goose Down
ALTER TABLE people DROP COLUMN keep_layer;
