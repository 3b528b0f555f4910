-- Sources synced as they change (`rapport sync`): a mailbox over IMAP or
-- calendars over CalDAV, by
-- its URL without a password (the password is given by a command, or the
-- environment, never stored), your addresses in it, and how its last run
-- went; how far each of a mailbox's folders was read (UIDVALIDITY, last
-- UID), so that the next run reads only what came after; and each calendar
-- event's ETag as last read, so that the next run fetches only what changed.

-- +goose Up
CREATE TABLE sync_sources (
    url              TEXT PRIMARY KEY,
    kind             TEXT NOT NULL,
    me               TEXT NOT NULL,
    password_command TEXT NOT NULL,
    last_run_ms      BIGINT,
    last_added       BIGINT NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sync_folders (
    url          TEXT NOT NULL,
    folder       TEXT NOT NULL,
    uid_validity BIGINT NOT NULL,
    last_uid     BIGINT NOT NULL,
    PRIMARY KEY (url, folder)
);

CREATE TABLE sync_items (
    url  TEXT NOT NULL,
    href TEXT NOT NULL,
    etag TEXT NOT NULL,
    PRIMARY KEY (url, href)
);

-- +goose Down
DROP TABLE sync_items;
DROP TABLE sync_folders;
DROP TABLE sync_sources;
