-- Handoffs: one record per escalation of a conversation to people, so that
-- every escalation has an owner or a place in the queue, an SLA deadline and
-- an escalation level that survive a restart. Portable like 0001_init.sql:
-- TEXT and BIGINT only, times as BIGINT microseconds (0 = not yet).

CREATE TABLE handoffs (
    id              TEXT   NOT NULL PRIMARY KEY,
    conversation_id TEXT   NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    site            TEXT   NOT NULL DEFAULT '',
    reason          TEXT   NOT NULL DEFAULT '',
    team            TEXT   NOT NULL DEFAULT '',
    priority        BIGINT NOT NULL DEFAULT 0,
    state           TEXT   NOT NULL CHECK (state IN ('open', 'closed')),
    assignee_id     TEXT   NOT NULL DEFAULT '',
    assignee_name   TEXT   NOT NULL DEFAULT '',
    note            TEXT   NOT NULL DEFAULT '',
    level           BIGINT NOT NULL DEFAULT 0,
    due_at          BIGINT NOT NULL DEFAULT 0,
    next_page_at    BIGINT NOT NULL DEFAULT 0,
    acked_at        BIGINT NOT NULL DEFAULT 0,
    claimed_at      BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    closed_at       BIGINT NOT NULL DEFAULT 0,
    outcome         TEXT   NOT NULL DEFAULT '',
    category        TEXT   NOT NULL DEFAULT '',
    summary         TEXT   NOT NULL DEFAULT '',
    closed_by       TEXT   NOT NULL DEFAULT '',
    version         BIGINT NOT NULL DEFAULT 0
);

-- At most one open handoff per conversation: a second escalation of the
-- same conversation (two instances, a reconcile racing the live path) fails
-- instead of queueing it twice.
CREATE UNIQUE INDEX handoffs_one_open ON handoffs (conversation_id) WHERE state = 'open';
CREATE INDEX handoffs_conversation ON handoffs (conversation_id, created_at);
CREATE INDEX handoffs_state ON handoffs (state, created_at);
CREATE INDEX handoffs_acked ON handoffs (acked_at);
-- Listing conversations by state (the reconcile at start, the history).
-- Only state: appending a message moves updated_at but not state, so this
-- index costs nothing on the message path.
CREATE INDEX conversations_state ON conversations (state);
