package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// maxBatch bounds how many queued writes share one transaction: enough to
// amortise one fsync over a burst of visitors, small enough that the first
// caller in a batch does not wait long for the last one.
const maxBatch = 256

// ErrClosed is returned by a write that arrives after Close.
var ErrClosed = errors.New("store is closed")

// writeOp is one queued write. run executes inside the writer's open
// transaction and reports its own outcome through done; a failure of run
// undoes only its own changes.
type writeOp struct {
	ctx  context.Context
	run  func(ctx context.Context, w *writer) error
	done chan error // buffered: the writer never waits for a caller
}

// writer owns the only write connection. Every write of the store goes
// through it, not just AppendMessage: SQLite allows one writer at a time
// anyway, so one goroutine that owns the connection never sees SQLITE_BUSY
// from its own process, needs no lock around the connection, and turns
// concurrency into batching (group commit): whatever is queued while one
// transaction commits is written by the next one, with one fsync for all.
// A failing write is isolated with a SAVEPOINT so the others in its batch
// still commit.
type writer struct {
	conn *sql.Conn
	log  *slog.Logger

	mu     sync.RWMutex // guards closed and sending on ops
	closed bool
	ops    chan *writeOp

	stopped chan struct{}

	// catchUp is set by the checkpointer when the WAL is long; see
	// checkpointer.
	catchUp atomic.Bool

	stmts writeStmts
}

// writeStmts are the statements prepared once on the write connection: the
// transaction control and AppendMessage's hot path.
type writeStmts struct {
	begin, commit, rollback           *sql.Stmt
	savepoint, release, rollbackTo    *sql.Stmt
	appendLookup, insertMessage, bump *sql.Stmt
}

func newWriter(ctx context.Context, conn *sql.Conn, log *slog.Logger) (*writer, error) {
	w := &writer{
		conn:    conn,
		log:     log,
		ops:     make(chan *writeOp, maxBatch),
		stopped: make(chan struct{}),
	}
	prepare := []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&w.stmts.begin, "BEGIN IMMEDIATE"},
		{&w.stmts.commit, "COMMIT"},
		{&w.stmts.rollback, "ROLLBACK"},
		{&w.stmts.savepoint, "SAVEPOINT op"},
		{&w.stmts.release, "RELEASE SAVEPOINT op"},
		{&w.stmts.rollbackTo, "ROLLBACK TO SAVEPOINT op"},
		{&w.stmts.appendLookup, appendLookupSQL},
		{&w.stmts.insertMessage, insertMessageSQL},
		{&w.stmts.bump, bumpSeqSQL},
	}
	for _, p := range prepare {
		s, err := conn.PrepareContext(ctx, p.sql)
		if err != nil {
			w.closeStmts()
			return nil, fmt.Errorf("couldn't prepare %q: %w", p.sql, err)
		}
		*p.stmt = s
	}
	go w.loop()
	return w, nil
}

// do queues run and waits for its outcome. A caller whose ctx ends before
// its write starts is told ctx.Err() and nothing is written (the writer
// skips it); once the write has run, do reports how its transaction ended
// even if ctx ends meanwhile, so that an error always means "not stored".
// Callers fan out or acknowledge only on success, and a retry of a stored
// client_id is a duplicate that is not fanned out again: a committed write
// reported as failed would be acknowledged to the retrying tab alone. The
// wait past ctx is at most the batch in progress and the caller's own.
func (w *writer) do(ctx context.Context, run func(ctx context.Context, w *writer) error) error {
	if g, ok := ctx.Value(groupKey{}).(*group); ok && g.w == w {
		return g.run(ctx, run)
	}
	op, err := w.queue(ctx, run)
	if err != nil {
		return err
	}
	return <-op.done
}

// queue hands run to the writer without waiting for it.
func (w *writer) queue(ctx context.Context, run func(ctx context.Context, w *writer) error) (*writeOp, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	op := &writeOp{ctx: ctx, run: run, done: make(chan error, 1)}
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return nil, ErrClosed
	}
	select {
	case w.ops <- op:
		return op, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// stop refuses new writes, lets the writer finish every queued one, and
// waits for it to exit.
func (w *writer) stop() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.ops)
	}
	w.mu.Unlock()
	<-w.stopped
	w.closeStmts()
}

func (w *writer) closeStmts() {
	for _, s := range []*sql.Stmt{
		w.stmts.begin, w.stmts.commit, w.stmts.rollback,
		w.stmts.savepoint, w.stmts.release, w.stmts.rollbackTo,
		w.stmts.appendLookup, w.stmts.insertMessage, w.stmts.bump,
	} {
		if s != nil {
			s.Close()
		}
	}
}

// loop takes everything queued (up to maxBatch) and writes it in one
// transaction, until ops is closed and drained.
func (w *writer) loop() {
	defer close(w.stopped)
	batch := make([]*writeOp, 0, maxBatch)
	for first := range w.ops {
		batch = append(batch[:0], first)
	fill:
		for len(batch) < maxBatch {
			select {
			case op, ok := <-w.ops:
				if !ok {
					break fill
				}
				batch = append(batch, op)
			default:
				break fill
			}
		}
		w.runBatch(batch)
		clear(batch) // drop references to finished ops
		if w.catchUp.Swap(false) {
			w.finishCheckpoint()
		}
	}
}

// finishCheckpoint copies what is left of the WAL into the database file
// while no write is in progress, so that the next write starts the WAL over.
func (w *writer) finishCheckpoint() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	frames, done, err := walCheckpoint(ctx, w.conn.QueryRowContext)
	if err != nil {
		w.log.Warn("couldn't finish a checkpoint", "err", err)
		return
	}
	w.log.Debug("finished a checkpoint", "frames", frames, "checkpointed", done, "took", time.Since(start))
}

// runBatch writes batch in one transaction and tells each caller its own
// outcome. The statements run under a context of their own, not the callers':
// a caller giving up must not interrupt a transaction others depend on.
func (w *writer) runBatch(batch []*writeOp) {
	ctx := context.Background()
	errs := make([]error, len(batch))
	fatal := w.exec(ctx, w.stmts.begin)
	isolate := len(batch) > 1
	for i, op := range batch {
		if fatal != nil {
			break
		}
		if err := op.ctx.Err(); err != nil {
			errs[i] = err // the caller has gone: don't write what nobody will acknowledge
			continue
		}
		if isolate {
			if fatal = w.exec(ctx, w.stmts.savepoint); fatal != nil {
				break
			}
		}
		errs[i] = op.run(ctx, w)
		switch {
		case !isolate:
			if errs[i] != nil {
				fatal = errs[i] // nothing else in the transaction: roll it back
			}
		case errs[i] != nil:
			fatal = w.exec(ctx, w.stmts.rollbackTo)
			if fatal == nil {
				fatal = w.exec(ctx, w.stmts.release)
			}
		default:
			fatal = w.exec(ctx, w.stmts.release)
		}
	}
	if fatal == nil {
		fatal = w.exec(ctx, w.stmts.commit)
	}
	if fatal != nil {
		// Whatever the failure (a full disk, an I/O error, a lost lock),
		// nothing of this batch is kept, so nobody may be told otherwise.
		_ = w.exec(ctx, w.stmts.rollback) // fails harmlessly when SQLite already rolled back
		if !isolate && len(errs) == 1 && errs[0] != nil {
			fatal = nil // the op's own error; it is reported as is
		} else {
			w.log.Error("couldn't write batch", "ops", len(batch), "err", fatal)
		}
		for i := range errs {
			if errs[i] == nil {
				errs[i] = fmt.Errorf("couldn't commit: %w", fatal)
			}
		}
	}
	for i, op := range batch {
		op.done <- errs[i]
	}
}

func (w *writer) exec(ctx context.Context, s *sql.Stmt) error {
	_, err := s.ExecContext(ctx)
	return err
}

// groupKey is the context key of the group of writes in progress.
type groupKey struct{}

// group is one Atomically in progress: its writes run directly in the
// writer's transaction, on the writer's goroutine, each under a savepoint
// of its own so that a write whose error the group ignores is undone
// alone.
type group struct {
	w      *writer
	mu     sync.Mutex // serialises writes of one group made from several goroutines
	active bool
}

// errGroupOver is a write with the context of a group that has ended.
var errGroupOver = errors.New("write with the context of a finished group of writes")

func (g *group) run(ctx context.Context, run func(ctx context.Context, w *writer) error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.active {
		return errGroupOver
	}
	if err := g.w.exec(ctx, g.w.stmts.savepoint); err != nil {
		return err
	}
	// Not cancelled midway: an interrupted statement would roll back the
	// whole batch, other callers' writes with it.
	if err := run(context.WithoutCancel(ctx), g.w); err != nil {
		if rerr := g.w.exec(ctx, g.w.stmts.rollbackTo); rerr != nil {
			return errors.Join(err, rerr)
		}
		return errors.Join(err, g.w.exec(ctx, g.w.stmts.release))
	}
	return g.w.exec(ctx, g.w.stmts.release)
}

// atomically runs fn as one queued write: the batch's savepoint (or, alone
// in its batch, its transaction) around it makes its writes one unit.
func (w *writer) atomically(ctx context.Context, fn func(ctx context.Context) error) error {
	if g, ok := ctx.Value(groupKey{}).(*group); ok && g.w == w {
		return fn(ctx) // nested: joins the outer group
	}
	return w.do(ctx, func(wctx context.Context, w *writer) error {
		g := &group{w: w, active: true}
		defer func() {
			g.mu.Lock()
			g.active = false
			g.mu.Unlock()
		}()
		// The caller's context (its values and deadline) with the group:
		// the writes run on the writer's connection under it.
		return fn(context.WithValue(ctx, groupKey{}, g))
	})
}
