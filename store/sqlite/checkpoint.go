package sqlite

import (
	"context"
	"database/sql"
	"log/slog"
	"sync/atomic"
	"time"
)

const (
	// checkpointEvery is how often the WAL is copied back into the
	// database file.
	checkpointEvery = 250 * time.Millisecond
	// restartAfterFrames is the WAL length (in pages) at which the writer is
	// asked to finish a checkpoint itself, so the WAL starts over from its
	// beginning (8192 pages of 4 KiB: 32 MiB).
	restartAfterFrames = 8192
)

// checkpointer copies the WAL into the database file from a connection of
// its own, so that the bulk of the copying and the fsync of the database
// file happen outside visitors' commits. (SQLite's automatic checkpoint, off
// on the write connection, would run in the commit that crossed 1000 pages,
// and that batch would wait for all of it.) PASSIVE mode neither waits for
// nor blocks the writer or the readers.
//
// The WAL only starts over from its beginning when a write begins with every
// frame copied, and under steady writes a checkpoint running beside the
// writer never quite catches up: the WAL would grow without end. So when it
// is long, the checkpointer asks the writer to copy the last few frames
// itself, between two batches (see writer.loop): a short pause, since the
// checkpointer has already done most of the work.
type checkpointer struct {
	db      *sql.DB
	log     *slog.Logger
	behind  func()       // asks the writer to finish a checkpoint
	restart atomic.Int64 // WAL frames that make the WAL "long"
	frames  atomic.Int64 // the WAL's length at the last checkpoint

	stop    chan struct{}
	stopped chan struct{}
}

func newCheckpointer(db *sql.DB, log *slog.Logger, behind func()) *checkpointer {
	c := &checkpointer{db: db, log: log, behind: behind, stop: make(chan struct{}), stopped: make(chan struct{})}
	c.restart.Store(restartAfterFrames)
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

// checkpoint runs one passive checkpoint.
func (c *checkpointer) checkpoint() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	frames, done, err := walCheckpoint(ctx, c.db.QueryRowContext)
	if err != nil {
		c.log.Warn("couldn't checkpoint the WAL", "err", err)
		return
	}
	c.frames.Store(frames)
	restart := c.restart.Load()
	if frames >= restart {
		c.behind()
	}
	if frames > 32*restart && done < frames {
		c.log.Warn("the WAL is not being checkpointed: is a read never finishing?", "frames", frames, "checkpointed", done)
	}
}

// walCheckpoint runs PRAGMA wal_checkpoint(PASSIVE) and returns the WAL's
// length and how much of it is now in the database file, in frames.
func walCheckpoint(ctx context.Context, queryRow func(context.Context, string, ...any) *sql.Row) (frames, done int64, err error) {
	var busy int
	err = queryRow(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &done)
	return frames, done, err
}

// close stops the loop; the database itself is closed by the store.
func (c *checkpointer) close() {
	close(c.stop)
	<-c.stopped
}
