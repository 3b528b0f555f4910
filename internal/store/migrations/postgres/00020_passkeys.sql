-- A member may sign in with a passkey (WebAuthn) besides a password: each
-- credential a member registered, as go-webauthn verified it (its public key
-- and signature counter, JSON), and the challenges of ceremonies under way,
-- kept by the hash of the secret their browser holds in a cookie (several
-- servers behind a load balancer finish each other's), for five minutes.

-- +goose Up
CREATE TABLE member_passkeys (
    id         TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE DEFERRABLE,
    name       TEXT NOT NULL,
    credential TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    used_ms    BIGINT
);
CREATE INDEX member_passkeys_member ON member_passkeys (member_id);

CREATE TABLE passkey_ceremonies (
    hash       TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL,
    session    TEXT NOT NULL,
    expires_ms BIGINT NOT NULL
);

-- +goose Down
DROP TABLE passkey_ceremonies;
DROP TABLE member_passkeys;
