-- Indexes for the desk's two conversation lists, so neither reads every
-- conversation:
--   - the history (state = 'closed', newest first) walks
--     conversations_state_updated backwards and stops at the limit; it
--     supersedes 0003's conversations_state. The price is one index write
--     when a message moves updated_at, paid for a list every agent opens;
--   - a visitor's earlier conversations by e-mail (compared
--     case-insensitively) are a lookup in conversations_site_email.
-- Portable: PostgreSQL accepts a function call as an index expression
-- without extra parentheses, like SQLite.

CREATE INDEX conversations_state_updated ON conversations (state, updated_at, id);
DROP INDEX conversations_state;
CREATE INDEX conversations_site_email ON conversations (site, lower(email));
