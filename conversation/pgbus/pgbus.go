// Package pgbus is a conversation.Bus over PostgreSQL's LISTEN/NOTIFY, for
// several andon instances sharing one database (store.driver = "postgres"):
// a visitor on one instance and an agent on another see each other's
// messages, typing and state live.
//
// Publish stores the update as a row of bus_updates and notifies its id
// (NOTIFY's payload is limited to 8000 bytes; an update with a long message
// is not); the other instances read the row and hand it to Hub.Deliver.
// NOTIFY is delivered at commit, so a notified row is always readable. The
// listener reconnects by itself after the database restarts and then reads
// the rows it missed.
package pgbus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/andon-chat/andon/conversation"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// channelFor is the NOTIFY channel of the bus of the andon that keeps its
// tables in schema: channels are per database, not per schema, and ids of
// another schema's bus_updates mean other rows.
func channelFor(schema string) string {
	sum := sha256.Sum256([]byte(schema))
	return "andon_bus_" + hex.EncodeToString(sum[:8])
}

// Defaults of Options.
const (
	DefaultQueue     = 4096
	DefaultKeep      = 5 * time.Minute
	DefaultMaxBackof = 2 * time.Second
)

// catchUpLimit bounds one catch-up read after a reconnect.
const catchUpLimit = 10000

// ErrQueueFull is Publish refusing an update because the database is not
// taking them as fast as they come (or is down).
var ErrQueueFull = errors.New("bus queue full")

// Options configure a Bus.
type Options struct {
	// DSN is the database's connection string (store.dsn).
	DSN string
	// Instance names this instance on the bus; its own updates are not
	// delivered back to it. Must be unique per running instance.
	Instance string
	// Deliver receives the updates of other instances (Hub.Deliver).
	Deliver func(*conversation.Update)
	// Queue bounds the updates waiting to be written (DefaultQueue).
	Queue int
	// Keep is how long rows stay for a reconnecting listener (DefaultKeep).
	Keep time.Duration
	// MaxBackoff bounds the wait between reconnect attempts
	// (DefaultMaxBackof), so that delivery resumes within about that long
	// after the database is back.
	MaxBackoff time.Duration
	Logger     *slog.Logger
}

// Bus is a conversation.Bus; Close stops it.
type Bus struct {
	opts    Options
	channel string
	log     *slog.Logger
	pool    *pgxpool.Pool
	queue   chan []byte
	cancel  context.CancelFunc
	wg      sync.WaitGroup

	mu        sync.Mutex
	listening bool // the listener is connected and LISTENing
}

var _ conversation.Bus = (*Bus)(nil)

// Open connects the bus and starts its writer and its listener.
func Open(ctx context.Context, opts Options) (*Bus, error) {
	if opts.Instance == "" || opts.Deliver == nil {
		return nil, errors.New("couldn't open the bus: no instance name or no Deliver")
	}
	if opts.Queue <= 0 {
		opts.Queue = DefaultQueue
	}
	if opts.Keep <= 0 {
		opts.Keep = DefaultKeep
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackof
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg, err := pgxpool.ParseConfig(opts.DSN)
	if err != nil {
		return nil, fmt.Errorf("couldn't open the bus: unusable dsn: %w", err)
	}
	cfg.MaxConns = 2
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("couldn't open the bus: %w", err)
	}
	var schema string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("couldn't open the bus: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	b := &Bus{opts: opts, channel: channelFor(schema), log: log, pool: pool, queue: make(chan []byte, opts.Queue), cancel: cancel}
	b.wg.Go(func() { b.write(runCtx) })
	b.wg.Go(func() { b.listen(runCtx) })
	return b, nil
}

// Publish queues u for the other instances; it never blocks.
func (b *Bus) Publish(ctx context.Context, u *conversation.Update) error {
	payload, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("couldn't encode update: %w", err)
	}
	select {
	case b.queue <- payload:
		return nil
	default:
		return ErrQueueFull
	}
}

// Listening reports whether the listener is connected (for tests and
// readiness): updates published meanwhile by others reach this instance.
func (b *Bus) Listening() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.listening
}

// Close stops the bus; updates still queued are dropped.
func (b *Bus) Close() error {
	b.cancel()
	b.wg.Wait()
	b.pool.Close()
	return nil
}

const insertSQL = `WITH ins AS (
	INSERT INTO bus_updates (instance, payload, at) VALUES ($1, $2, $3) RETURNING id)
	SELECT pg_notify($4, id::text || ' ' || $1) FROM ins`

// write stores queued updates in order, one statement each (the insert and
// its notify commit together), and deletes rows older than Keep.
func (b *Bus) write(ctx context.Context) {
	sweep := time.NewTicker(time.Minute)
	defer sweep.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-sweep.C:
			cut := time.Now().Add(-b.opts.Keep).UnixMicro()
			if _, err := b.pool.Exec(ctx, `DELETE FROM bus_updates WHERE at < $1`, cut); err != nil && ctx.Err() == nil {
				b.log.Warn("couldn't delete old bus updates", "err", err)
			}
		case p := <-b.queue:
			if _, err := b.pool.Exec(ctx, insertSQL, b.opts.Instance, string(p), time.Now().UnixMicro(), b.channel); err != nil && ctx.Err() == nil {
				// The database is away: this update is lost for the other
				// instances; their clients resynchronise by seq.
				b.log.Warn("couldn't publish an update to other instances", "err", err)
			}
		}
	}
}

// listen holds a connection that LISTENs, reconnecting with a bounded
// backoff; after each (re)connect it reads the rows published since the
// last one it saw.
func (b *Bus) listen(ctx context.Context) {
	var last int64 = -1 // -1: nothing seen yet, start from now
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := b.session(ctx, &last, func() { backoff = 100 * time.Millisecond })
		b.setListening(false)
		if ctx.Err() != nil {
			return
		}
		b.log.Warn("bus listener lost the database; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, b.opts.MaxBackoff)
	}
}

func (b *Bus) setListening(on bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.listening = on
}

// session is one connection of the listener, until it fails.
func (b *Bus) session(ctx context.Context, last *int64, connected func()) error {
	cfg, err := pgx.ParseConfig(b.opts.DSN)
	if err != nil {
		return err
	}
	// Named, so that an operator (or a test) can tell it in pg_stat_activity.
	cfg.RuntimeParams["application_name"] = ListenerName(b.opts.Instance)
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `LISTEN `+b.channel); err != nil {
		return err
	}
	// Rows the catch-up delivered may be notified too (published between
	// LISTEN and the read): they are not delivered twice.
	var caughtUp map[int64]bool
	if *last < 0 {
		if err := conn.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM bus_updates`).Scan(last); err != nil {
			return err
		}
	} else if caughtUp, err = b.catchUp(ctx, conn, last); err != nil {
		return err
	}
	connected()
	b.setListening(true)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		idText, instance, _ := strings.Cut(n.Payload, " ")
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil {
			b.log.Warn("bus: unreadable notification", "payload", n.Payload)
			continue
		}
		if instance == b.opts.Instance || caughtUp[id] {
			*last = max(*last, id)
			continue
		}
		var payload string
		err = conn.QueryRow(ctx, `SELECT payload FROM bus_updates WHERE id = $1`, id).Scan(&payload)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) { // no rows: swept already
			return err // *last not moved: the catch-up reads it
		}
		*last = max(*last, id)
		if err == nil {
			b.deliver(payload)
		}
	}
}

// catchUp delivers the rows of other instances after *last (published while
// this listener was away), at most catchUpLimit of them.
func (b *Bus) catchUp(ctx context.Context, conn *pgx.Conn, last *int64) (map[int64]bool, error) {
	rows, err := conn.Query(ctx, `SELECT id, payload FROM bus_updates
		WHERE id > $1 AND instance <> $2 ORDER BY id LIMIT `+strconv.Itoa(catchUpLimit), *last, b.opts.Instance)
	if err != nil {
		return nil, err
	}
	var payloads []string
	seen := map[int64]bool{}
	for rows.Next() {
		var (
			id int64
			p  string
		)
		if err := rows.Scan(&id, &p); err != nil {
			rows.Close()
			return nil, err
		}
		seen[id] = true
		*last = max(*last, id)
		payloads = append(payloads, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, p := range payloads {
		b.deliver(p)
	}
	return seen, nil
}

// ListenerName is the application_name of instance's listener connection.
func ListenerName(instance string) string {
	name := "andon bus " + instance
	if len(name) > 63 {
		name = name[:63]
	}
	return name
}

func (b *Bus) deliver(payload string) {
	var u conversation.Update
	if err := json.Unmarshal([]byte(payload), &u); err != nil {
		b.log.Warn("bus: unreadable update", "err", err)
		return
	}
	b.opts.Deliver(&u)
}
