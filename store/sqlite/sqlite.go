// Package sqlite is andon's embedded store: one SQLite file in the data
// directory, pure Go (modernc.org/sqlite), no server to run. It implements
// store.Store and knowledge.ArticleStore.
//
// The file is in WAL mode: readers (a small pool) never wait for the writer
// and the writer never waits for them. All writes go through one goroutine
// that owns the only write connection and commits whatever is queued in one
// transaction (group commit), so a message is durable before AppendMessage
// returns and throughput grows with the number of concurrent visitors
// instead of being capped at one fsync per message. A third connection copies
// the WAL back into the database file (checkpoints) off the commit path.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"

	driver "modernc.org/sqlite" // also registers the "sqlite" database/sql driver
)

// Options tune Open. The zero value is the safe default.
type Options struct {
	// Synchronous is SQLite's synchronous setting for the write connection:
	// "full" (default) fsyncs the WAL on every commit, so an acknowledged
	// message survives a power loss; "normal" skips that fsync and survives
	// a crash of the process but may lose the last commits on power loss,
	// for a faster commit.
	Synchronous string
	// Logger receives migrations applied and writes that failed. Nil
	// discards.
	Logger *slog.Logger
}

// busyTimeout is how long a connection waits for a lock held by another
// process (an `andon` command run beside the server) before failing.
const busyTimeout = 5 * time.Second

// Store is the SQLite implementation of store.Store and knowledge.ArticleStore.
// It is safe for concurrent use.
type Store struct {
	log     *slog.Logger
	now     func() time.Time
	writeDB *sql.DB
	readDB  *sql.DB
	ckptDB  *sql.DB
	w       *writer
	ckpt    *checkpointer

	closeOnce sync.Once
	closeErr  error
}

var (
	_ store.Store            = (*Store)(nil)
	_ knowledge.ArticleStore = (*Store)(nil)
)

// Open opens (creating if needed) the database file at path, applies the
// migrations it has not seen yet, and starts the writer. Close it when done.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sync, err := synchronousMode(opts.Synchronous)
	if err != nil {
		return nil, err
	}
	if path == "" || strings.ContainsRune(path, '?') {
		// The driver reads everything after '?' as its parameters.
		return nil, fmt.Errorf("couldn't open store: unusable path %q", path)
	}
	// Commit with fdatasync(2) rather than fsync(2), as SQLite's own Linux
	// builds do (the transpiled library keeps the source default, fsync).
	// Same durability: the data and the size are synced, only timestamps
	// are not, and on ext4 it is the timestamp update that makes every
	// commit wait for a journal commit, which waits for every other dirty
	// file. The setting is process-wide; where the platform has no
	// fdatasync it stays off, harmlessly.
	_, _ = driver.Fdatasync(true)
	s := &Store{log: log, now: time.Now}
	if err := s.open(ctx, path, sync); err != nil {
		s.closeDBs()
		return nil, err
	}
	return s, nil
}

func (s *Store) open(ctx context.Context, path, sync string) error {
	ms := fmt.Sprint(busyTimeout.Milliseconds())
	write := url.Values{
		"_busy_timeout": {ms},
		"_journal_mode": {"WAL"},
		"_synchronous":  {sync},
		"_foreign_keys": {"1"},
		// The checkpointer does it, off the commit path; see checkpoint.go.
		// Once a checkpoint has caught up, a WAL grown by a burst is cut back.
		"_pragma": {"wal_autocheckpoint(0)", "journal_size_limit(67108864)"},
	}
	var err error
	if s.writeDB, err = sql.Open("sqlite", path+"?"+write.Encode()); err != nil {
		return fmt.Errorf("couldn't open %s: %w", path, err)
	}
	// One connection, held by the writer for the store's lifetime.
	s.writeDB.SetMaxOpenConns(1)
	s.writeDB.SetMaxIdleConns(1)
	s.writeDB.SetConnMaxLifetime(0)
	s.writeDB.SetConnMaxIdleTime(0)
	conn, err := s.writeDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("couldn't open %s: %w", path, err)
	}
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		conn.Close()
		return fmt.Errorf("couldn't read the journal mode of %s: %w", path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		conn.Close()
		return fmt.Errorf("couldn't switch %s to WAL mode (it is %q)", path, mode)
	}
	if _, err := migrate(ctx, conn, embeddedMigrations(), s.log); err != nil {
		conn.Close()
		return fmt.Errorf("couldn't migrate %s: %w", path, err)
	}

	read := url.Values{
		"_busy_timeout": {ms},
		"_query_only":   {"1"},
	}
	if s.readDB, err = sql.Open("sqlite", path+"?"+read.Encode()); err != nil {
		conn.Close()
		return fmt.Errorf("couldn't open %s for reading: %w", path, err)
	}
	readers := max(4, runtime.GOMAXPROCS(0))
	s.readDB.SetMaxOpenConns(readers)
	s.readDB.SetMaxIdleConns(readers)
	if err := s.readDB.PingContext(ctx); err != nil {
		conn.Close()
		return fmt.Errorf("couldn't open %s for reading: %w", path, err)
	}

	ckpt := url.Values{
		"_busy_timeout": {ms},
		"_synchronous":  {sync},
	}
	if s.ckptDB, err = sql.Open("sqlite", path+"?"+ckpt.Encode()); err != nil {
		conn.Close()
		return fmt.Errorf("couldn't open %s for checkpoints: %w", path, err)
	}
	s.ckptDB.SetMaxOpenConns(1)

	if s.w, err = newWriter(ctx, conn, s.log); err != nil {
		conn.Close()
		return err
	}
	s.ckpt = newCheckpointer(s.ckptDB, s.log, func() { s.w.catchUp.Store(true) })
	return nil
}

// synchronousMode maps Options.Synchronous to the PRAGMA value.
func synchronousMode(v string) (string, error) {
	switch strings.ToLower(v) {
	case "", "full":
		return "FULL", nil
	case "normal":
		return "NORMAL", nil
	}
	return "", fmt.Errorf(`couldn't open store: synchronous is %q, want "full" or "normal"`, v)
}

// Ping reports whether the database can be read and written: it runs an
// empty transaction through the writer, so a writer that is stuck (a lock
// held by another process, a broken connection) makes the server unready.
func (s *Store) Ping(ctx context.Context) error {
	// It writes nothing, so unlike a write it may give up when ctx ends:
	// a stuck writer must make Ping fail, not hang.
	op, err := s.w.queue(ctx, func(context.Context, *writer) error { return nil })
	if err == nil {
		select {
		case err = <-op.done:
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	if err != nil {
		return fmt.Errorf("couldn't write to the database: %w", err)
	}
	if err := s.readDB.PingContext(ctx); err != nil {
		return fmt.Errorf("couldn't read the database: %w", err)
	}
	return nil
}

// Close finishes every write already queued, refuses new ones, and closes
// the database. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.w.stop()
		s.ckpt.close()
		s.w.conn.Close()
		s.closeErr = s.closeDBs()
	})
	return s.closeErr
}

func (s *Store) closeDBs() error {
	var errs []error
	// Readers first: the last connection to close checkpoints the WAL into
	// the database file and removes it, and that should be the writer's.
	for _, db := range []*sql.DB{s.readDB, s.ckptDB, s.writeDB} {
		if db != nil {
			if err := db.Close(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("couldn't close the store: %w", err)
	}
	return nil
}

// read runs fn in a read transaction, so that the queries in it see one
// snapshot (for example: the conversation exists, and these are its messages).
func (s *Store) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.readDB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// conversationExists returns store.ErrNotFound unless conversation id is stored.
func conversationExists(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, id string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM conversations WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("conversation %q: %w", id, store.ErrNotFound)
	}
	return err
}

// Atomically commits every write fn makes with the context it is given
// together, or none of them (see store.Grouper). fn runs on the writer's
// goroutine, inside one queued write: other writes wait for it.
func (s *Store) Atomically(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.w.atomically(ctx, fn)
}
