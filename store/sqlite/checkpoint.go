package sqlite

import (
	"context"
	"database/sql"
	"log/slog"
	"time"
)

// checkpointEvery is how often the WAL is copied back into the database file.
const checkpointEvery = 250 * time.Millisecond

// checkpointer copies the WAL into the database file from a connection of
// its own, so that the fsync of the database file never happens inside a
// visitor's commit. (SQLite's automatic checkpoint, off on the write
// connection, would run it in the commit that crossed 1000 pages, and that
// one batch would wait for it: the p99 spike.) PASSIVE mode neither waits
// for nor blocks the writer or the readers; the writer restarts the WAL from
// its beginning once a checkpoint has caught up, so the file stays small.
type checkpointer struct {
	db      *sql.DB
	log     *slog.Logger
	stop    chan struct{}
	stopped chan struct{}
}

func newCheckpointer(db *sql.DB, log *slog.Logger) *checkpointer {
	c := &checkpointer{db: db, log: log, stop: make(chan struct{}), stopped: make(chan struct{})}
	go c.loop()
	return c
}

func (c *checkpointer) loop() {
	defer close(c.stopped)
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-tick.C:
			c.checkpoint()
		}
	}
}

// checkpoint runs one passive checkpoint and logs a WAL that keeps growing
// (a reader that never finishes would cause it).
func (c *checkpointer) checkpoint() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var busy, logFrames, done int
	if err := c.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &done); err != nil {
		c.log.Warn("couldn't checkpoint the WAL", "err", err)
		return
	}
	if logFrames > 100_000 && done < logFrames {
		c.log.Warn("the WAL is not being checkpointed", "frames", logFrames, "checkpointed", done)
	}
}

// close stops the loop; the database itself is closed by the store.
func (c *checkpointer) close() {
	close(c.stop)
	<-c.stopped
}
