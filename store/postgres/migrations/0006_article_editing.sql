-- Editing articles in the console (issue 11): an article may be archived
-- (kept, never shown to visitors), has an owner (the editor who created
-- it, '' for imported ones) and a version that every save moves by one;
-- each save is kept in article_versions (who, when, the whole text), so a
-- diff or a restore reads two rows. The status CHECK changes: PostgreSQL
-- alters the table where store/sqlite's copy rebuilds it, so only the part
-- from article_versions on is the same text as store/sqlite's
-- (migrations_test.go compares that part).

ALTER TABLE articles DROP CONSTRAINT articles_status_check;
ALTER TABLE articles ADD CONSTRAINT articles_status_check CHECK (status IN ('draft', 'published', 'archived'));
ALTER TABLE articles ADD COLUMN owner   TEXT   NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

CREATE TABLE article_versions (
    article_id TEXT   NOT NULL,
    version    BIGINT NOT NULL,
    author     TEXT   NOT NULL DEFAULT '',
    at         BIGINT NOT NULL,
    title      TEXT   NOT NULL,
    body       TEXT   NOT NULL,
    lang       TEXT   NOT NULL DEFAULT '',
    tags       TEXT,
    url        TEXT   NOT NULL DEFAULT '',
    questions  TEXT,
    status     TEXT   NOT NULL,
    PRIMARY KEY (article_id, version)
);

-- The knowledge base's generation: every write of articles (an import, an
-- editor's save, a delete) moves it on in the same transaction, so that a
-- running server notices another process's change (andon ingest against
-- its data directory) by polling one row.
CREATE TABLE kb_generation (
    id         BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO kb_generation (id, generation) VALUES (1, 0);
