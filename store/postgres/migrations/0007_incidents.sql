-- Incidents (bursts of visitors asking about one thing) and their
-- timelines. Portable like 0001_init.sql: TEXT and BIGINT micros, JSON as
-- TEXT.

CREATE TABLE incidents (
    id             TEXT    NOT NULL PRIMARY KEY,
    state          TEXT    NOT NULL CHECK (state IN ('open', 'closed')),
    label          TEXT    NOT NULL,
    examples       TEXT    NOT NULL,              -- JSON array of strings
    count          INTEGER NOT NULL,
    usual          DOUBLE PRECISION NOT NULL, -- SQLite's REAL: 8 bytes (PostgreSQL's REAL has 4)
    window_seconds INTEGER NOT NULL,
    status         TEXT    NOT NULL DEFAULT '',
    opened_at      BIGINT  NOT NULL,
    closed_at      BIGINT  NOT NULL DEFAULT 0
);

CREATE INDEX incidents_listed ON incidents (state, opened_at);

CREATE TABLE incident_entries (
    incident_id TEXT    NOT NULL REFERENCES incidents (id),
    n           INTEGER NOT NULL,                 -- 1, 2, ... per incident
    kind        TEXT    NOT NULL CHECK (kind IN ('opened', 'acknowledged', 'status', 'closed')),
    author      TEXT    NOT NULL DEFAULT '',
    text        TEXT    NOT NULL DEFAULT '',
    at          BIGINT  NOT NULL,
    PRIMARY KEY (incident_id, n)
);
