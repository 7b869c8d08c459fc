-- Console users, their sessions and one-time link tokens (issue 4).
-- Portable like 0001: TEXT and BIGINT only, times as BIGINT microseconds
-- (0 = never), JSON as TEXT, booleans as 0/1.

CREATE TABLE users (
    id            TEXT   NOT NULL PRIMARY KEY,
    email         TEXT   NOT NULL UNIQUE,          -- lowercased by the store
    name          TEXT   NOT NULL DEFAULT '',
    role          TEXT   NOT NULL CHECK (role IN ('admin', 'agent', 'editor')),
    teams         TEXT,                            -- JSON array, NULL when none
    disabled      BIGINT NOT NULL DEFAULT 0,
    password_hash TEXT   NOT NULL DEFAULT '',      -- argon2id, '' until an invite is accepted
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until  BIGINT NOT NULL DEFAULT 0,
    last_login_at BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- A session's id is the SHA-256 of the cookie's token: the token itself is
-- never stored.
CREATE TABLE sessions (
    id           TEXT   NOT NULL PRIMARY KEY,
    user_id      TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    ip           TEXT   NOT NULL DEFAULT '',
    user_agent   TEXT   NOT NULL DEFAULT ''
);

CREATE INDEX sessions_user ON sessions (user_id);

-- One-time tokens (setup, invite, reset), also stored as their SHA-256.
CREATE TABLE invites (
    id         TEXT   NOT NULL PRIMARY KEY,
    kind       TEXT   NOT NULL CHECK (kind IN ('setup', 'invite', 'reset')),
    user_id    TEXT   REFERENCES users (id) ON DELETE CASCADE,  -- NULL for setup
    created_by TEXT   NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX invites_user ON invites (user_id);
