// Package postgres is the PostgreSQL store: the same contract as
// store/sqlite (the store/storetest suite runs against both), for running
// several andon instances on one database. Writes are plain transactions
// (no single writer as on SQLite); a conversation's row lock orders its
// seq, so seq stays gap-free whichever instance appends.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options are the PostgreSQL store's settings besides the DSN.
type Options struct {
	Logger *slog.Logger
}

// defaultMaxConns is the pool's size unless the DSN sets pool_max_conns.
const defaultMaxConns = 16

// Store is a store.Store on PostgreSQL.
type Store struct {
	log  *slog.Logger
	now  func() time.Time
	pool *pgxpool.Pool
}

var (
	_ store.Store            = (*Store)(nil)
	_ knowledge.ArticleStore = (*Store)(nil)
)

// Open connects to the database dsn names (a postgres:// URL or key=value
// string) and applies the embedded migrations it lacks.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("couldn't open store: unusable dsn: %w", err)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		// pgxpool's default (4 on 2 cores) queues appends behind each
		// other while each waits for its commit's flush.
		cfg.MaxConns = defaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("couldn't open store: %w", err)
	}
	s := &Store{log: log, now: time.Now, pool: pool}
	if err := migrate(ctx, pool, log); err != nil {
		pool.Close()
		return nil, fmt.Errorf("couldn't migrate the database: %w", err)
	}
	return s, nil
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("couldn't reach the database: %w", err)
	}
	return nil
}

// Close closes the pool; it waits for connections in use.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// querier is what a read or a write runs on: the pool or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// group is one Atomically in progress: every write made with its context
// runs in its transaction under a savepoint of its own, so that a write
// whose error fn ignores is undone alone.
type group struct {
	mu     sync.Mutex // a pgx.Tx is not safe for concurrent use
	tx     pgx.Tx
	active bool
}

type groupKey struct{}

// errGroupOver is a write with the context of a group that has ended.
var errGroupOver = errors.New("write with the context of a finished group of writes")

// Atomically implements store.Grouper with one transaction.
func (s *Store) Atomically(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(groupKey{}).(*group); ok {
		return fn(ctx) // nested: joins the outer group
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("couldn't begin a group of writes: %w", err)
	}
	g := &group{tx: tx, active: true}
	end := func() {
		g.mu.Lock()
		g.active = false
		g.mu.Unlock()
	}
	if err := fn(context.WithValue(ctx, groupKey{}, g)); err != nil {
		end()
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return err
	}
	end()
	if err := tx.Commit(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("couldn't commit a group of writes: %w", err)
	}
	return nil
}

// write runs fn in a transaction: the group's (under a savepoint) when ctx
// belongs to one, else its own. A context already done writes nothing.
func (s *Store) write(ctx context.Context, fn func(ctx context.Context, q querier) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if g, ok := ctx.Value(groupKey{}).(*group); ok {
		g.mu.Lock()
		defer g.mu.Unlock()
		if !g.active {
			return errGroupOver
		}
		// Not cancelled midway: an interrupted statement aborts the
		// whole group's transaction.
		ctx = context.WithoutCancel(ctx)
		sp, err := g.tx.Begin(ctx)
		if err != nil {
			return err
		}
		if err := fn(ctx, sp); err != nil {
			return errors.Join(err, sp.Rollback(ctx))
		}
		return sp.Commit(ctx)
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return fn(ctx, tx) })
}

// read runs fn on the group's transaction when ctx belongs to one (reads
// see the group's own writes), else on the pool.
func (s *Store) read(ctx context.Context, fn func(q querier) error) error {
	if g, ok := ctx.Value(groupKey{}).(*group); ok {
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.active {
			return fn(g.tx)
		}
	}
	return fn(s.pool)
}

// readSnapshot is read for several statements that must agree: outside a
// group they run in one read-only REPEATABLE READ transaction.
func (s *Store) readSnapshot(ctx context.Context, fn func(q querier) error) error {
	if g, ok := ctx.Value(groupKey{}).(*group); ok {
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.active {
			return fn(g.tx)
		}
	}
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	return pgx.BeginTxFunc(ctx, s.pool, opts, func(tx pgx.Tx) error { return fn(tx) })
}

// conversationExists reports store.ErrNotFound for an unknown conversation.
func conversationExists(ctx context.Context, q querier, id string) error {
	var one int
	err := q.QueryRow(ctx, `SELECT 1 FROM conversations WHERE id = $1`, id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("conversation %q: %w", id, store.ErrNotFound)
	}
	return err
}

// isUniqueViolation reports a unique constraint's refusal (23505).
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
