-- The first schema of andon's store. Kept portable between SQLite and
-- PostgreSQL: TEXT and BIGINT columns only, JSON kept as TEXT, times as
-- BIGINT microseconds since the Unix epoch (UTC), no AUTOINCREMENT/SERIAL.

CREATE TABLE conversations (
    id         TEXT   NOT NULL PRIMARY KEY,
    site       TEXT   NOT NULL DEFAULT '',
    state      TEXT   NOT NULL,
    reason     TEXT   NOT NULL DEFAULT '',
    locale     TEXT   NOT NULL DEFAULT '',
    page       TEXT   NOT NULL DEFAULT '',
    attributes TEXT,                        -- JSON object, NULL when empty
    email      TEXT   NOT NULL DEFAULT '',
    last_seq   BIGINT NOT NULL DEFAULT 0,   -- moved only by appending a message
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- No secondary index on conversations yet: each one costs a page write on
-- every message (updated_at moves with each), so they come with the query
-- that needs them.

CREATE TABLE messages (
    conversation_id TEXT   NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             BIGINT NOT NULL,
    client_id       TEXT,                   -- NULL when the client gave none: UNIQUE ignores NULLs
    sender          TEXT   NOT NULL,        -- Message.From ("from" is a reserved word)
    author          TEXT   NOT NULL DEFAULT '',
    text            TEXT   NOT NULL,
    sources         TEXT,                   -- JSON array, NULL when empty
    meta            TEXT,                   -- JSON, NULL when empty
    at              BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, seq),
    UNIQUE (conversation_id, client_id)
);

-- Events are numbered per conversation like messages, so their order is
-- explicit without a database-specific auto-increment column.
CREATE TABLE events (
    conversation_id TEXT   NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             BIGINT NOT NULL,
    kind            TEXT   NOT NULL,
    data            TEXT,                   -- JSON, NULL when empty
    at              BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);

CREATE TABLE participants (
    conversation_id TEXT   NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    kind            TEXT   NOT NULL,
    name            TEXT   NOT NULL,
    joined_at       BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, kind, name)
);

CREATE TABLE articles (
    id         TEXT   NOT NULL PRIMARY KEY,
    title      TEXT   NOT NULL,
    body       TEXT   NOT NULL,
    lang       TEXT   NOT NULL DEFAULT '',
    tags       TEXT,                        -- JSON array, NULL when empty
    url        TEXT   NOT NULL DEFAULT '',
    questions  TEXT,                        -- JSON array, NULL when empty
    status     TEXT   NOT NULL CHECK (status IN ('draft', 'published')),
    hash       TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);
