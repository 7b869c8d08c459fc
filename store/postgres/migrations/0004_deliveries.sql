-- Outgoing notifications (webhooks, e-mail), one row per event and channel,
-- written before the first attempt so that a restart resumes them. Portable
-- like 0001_init.sql: TEXT and BIGINT micros, JSON as TEXT.

CREATE TABLE deliveries (
    id              TEXT    NOT NULL PRIMARY KEY,
    event_id        TEXT    NOT NULL,
    event_type      TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    conversation_id TEXT    NOT NULL DEFAULT '',  -- no foreign key: the log outlives a deleted conversation
    payload         TEXT,                         -- JSON, NULL when empty
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    last_status     INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL DEFAULT 0,   -- 0 when no longer pending
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    delivered_at    BIGINT  NOT NULL DEFAULT 0
);

-- The dispatcher's work list and the admin log's order.
CREATE INDEX deliveries_pending ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_created ON deliveries (created_at);
