-- PostgreSQL only (no SQLite counterpart, hence a number of its own): the
-- updates conversation/pgbus carries between instances. NOTIFY carries
-- only a row's id (its payload is limited to 8000 bytes; a message is not);
-- receivers read the row. Rows are kept a few minutes for a listener that
-- reconnects to catch up, then deleted.
CREATE TABLE bus_updates (
    id       BIGSERIAL PRIMARY KEY,
    instance TEXT   NOT NULL,
    payload  TEXT   NOT NULL,  -- a conversation.Update as JSON
    at       BIGINT NOT NULL
);
CREATE INDEX bus_updates_at ON bus_updates (at);
