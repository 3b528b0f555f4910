-- A person's picture, from an imported vCard when the user asks for it
-- (`import vcard --photos`). One per person, at most 256 KB, JPEG, PNG, GIF
-- or WebP only (never SVG: no script rides in on a picture). Kept as base64
-- text so that the JSON backup carries it as it is.

-- +goose Up
CREATE TABLE photos (
    person_id TEXT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE DEFERRABLE,
    type      TEXT NOT NULL,
    data      TEXT NOT NULL,
    added_ms  BIGINT NOT NULL
);

-- +goose Down
DROP TABLE photos;
