-- On a team's server a member's devices sign in to the address book with
-- app passwords of their own, kept with the member's other credentials in
-- the directory (the server learns whose address book from the password
-- alone): a name for the device ('' for tokens and links).

-- +goose Up
ALTER TABLE member_tokens ADD COLUMN name TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE member_tokens DROP COLUMN name;
