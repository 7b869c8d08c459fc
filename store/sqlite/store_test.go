package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"
	"go.uber.org/goleak"
	driver "modernc.org/sqlite"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestReopenKeepsDataAndSkipsMigrations(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "andon.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	id := store.NewID()
	if err := s.CreateConversation(ctx, store.Conversation{ID: id, Site: "shop"}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, _, err := s.AppendMessage(ctx, store.Message{ConversationID: id, ClientID: fmt.Sprint("c", i), From: store.FromVisitor, Text: "hi"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveArticles(ctx, []knowledge.Article{{ID: "a", Title: "A", Status: knowledge.Published}}); err != nil {
		t.Fatal(err)
	}
	applied := appliedMigrations(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openPath(t, path, Options{})
	if again := appliedMigrations(t, s); fmt.Sprint(again) != fmt.Sprint(applied) {
		t.Fatalf("schema_migrations changed on reopen: %v, was %v", again, applied)
	}
	c, err := s.Conversation(ctx, id)
	if err != nil || c.LastSeq != 3 || c.Site != "shop" {
		t.Fatalf("Conversation after reopen = %+v, %v", c, err)
	}
	if m, dup, err := s.AppendMessage(ctx, store.Message{ConversationID: id, ClientID: "c1", From: store.FromVisitor, Text: "retry"}); err != nil || !dup || m.Seq != 2 {
		t.Fatalf("retry after reopen = %+v, dup %v, %v; want the stored seq 2", m, dup, err)
	}
	if m, _, err := s.AppendMessage(ctx, store.Message{ConversationID: id, From: store.FromVisitor, Text: "next"}); err != nil || m.Seq != 4 {
		t.Fatalf("append after reopen = %+v, %v; want seq 4", m, err)
	}
	if as, err := s.ListArticles(ctx); err != nil || len(as) != 1 {
		t.Fatalf("ListArticles after reopen = %v, %v", as, err)
	}
}

func openPath(t *testing.T, path string, opts Options) *Store {
	t.Helper()
	s, err := Open(t.Context(), path, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// appliedMigrations lists schema_migrations as "version@applied_at".
func appliedMigrations(t *testing.T, s *Store) []string {
	t.Helper()
	rows, err := s.readDB.QueryContext(t.Context(), `SELECT version, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v, at int64
		if err := rows.Scan(&v, &at); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d@%d", v, at))
	}
	if len(out) == 0 {
		t.Fatal("no migrations recorded")
	}
	return out
}

func TestOpenSettings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opt  string
		want int // PRAGMA synchronous: 1 normal, 2 full
	}{
		{"", 2}, {"full", 2}, {"FULL", 2}, {"normal", 1},
	} {
		t.Run(tc.opt, func(t *testing.T) {
			t.Parallel()
			s := openTest(t, Options{Synchronous: tc.opt})
			var (
				mode        string
				sync, fkeys int
				busy, ckpt  int
			)
			err := s.w.do(t.Context(), func(ctx context.Context, w *writer) error {
				for _, q := range []struct {
					sql  string
					dest any
				}{
					{"PRAGMA journal_mode", &mode}, {"PRAGMA synchronous", &sync},
					{"PRAGMA foreign_keys", &fkeys}, {"PRAGMA busy_timeout", &busy},
					{"PRAGMA wal_autocheckpoint", &ckpt},
				} {
					if err := w.conn.QueryRowContext(ctx, q.sql).Scan(q.dest); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if mode != "wal" || sync != tc.want || fkeys != 1 || busy != int(busyTimeout.Milliseconds()) || ckpt != 0 {
				t.Fatalf("journal_mode %q, synchronous %d, foreign_keys %d, busy_timeout %d, wal_autocheckpoint %d; want wal, %d, 1, %d, 0",
					mode, sync, fkeys, busy, ckpt, tc.want, busyTimeout.Milliseconds())
			}
			if runtime.GOOS == "linux" && !driver.FdatasyncEnabled() {
				t.Fatal("commits use fsync(2), want fdatasync(2)")
			}
			// The read pool must never write: that is the writer's job.
			if _, err := s.readDB.ExecContext(t.Context(), `DELETE FROM articles`); err == nil {
				t.Fatal("a write through the read pool succeeded")
			}
		})
	}
}

func TestOpenRefusesBadOptions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, open := range map[string]func() (*Store, error){
		"synchronous off": func() (*Store, error) {
			return Open(t.Context(), filepath.Join(dir, "a.db"), Options{Synchronous: "off"})
		},
		"path with ?": func() (*Store, error) { return Open(t.Context(), filepath.Join(dir, "b.db?x=1"), Options{}) },
		"empty path":  func() (*Store, error) { return Open(t.Context(), "", Options{}) },
		"missing dir": func() (*Store, error) { return Open(t.Context(), filepath.Join(dir, "no", "such", "c.db"), Options{}) },
	} {
		if s, err := open(); err == nil {
			s.Close()
			t.Errorf("Open with %s succeeded", name)
		}
	}
}

// result waits for op's outcome.
func result(t *testing.T, op *writeOp) error {
	t.Helper()
	select {
	case err := <-op.done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("no result for an op")
		return nil
	}
}

func newOp(ctx context.Context, run func(ctx context.Context, w *writer) error) *writeOp {
	return &writeOp{ctx: ctx, run: run, done: make(chan error, 1)}
}

func appendOp(ctx context.Context, convID, text string, out *store.Message) *writeOp {
	return newOp(ctx, func(ctx context.Context, w *writer) error {
		m, _, err := w.appendMessage(ctx, store.Message{ConversationID: convID, From: store.FromVisitor, Text: text, At: time.Now()}, nil, nil)
		*out = m
		return err
	})
}

// TestBatchIsolatesFailures runs one batch by hand (the writer goroutine is
// idle meanwhile) so that the ops are known to share a transaction.
func TestBatchIsolatesFailures(t *testing.T) {
	t.Parallel()
	s := openTest(t, Options{})
	ctx := t.Context()
	id := store.NewID()
	if err := s.CreateConversation(ctx, store.Conversation{ID: id}); err != nil {
		t.Fatal(err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	errHalfway := errors.New("failed after writing")
	var first, unknown, skipped, last store.Message
	batch := []*writeOp{
		appendOp(ctx, id, "first", &first),
		appendOp(ctx, "no-such-conversation", "lost", &unknown),
		// Writes a message, then fails: its message must be undone.
		newOp(ctx, func(ctx context.Context, w *writer) error {
			if _, _, err := w.appendMessage(ctx, store.Message{ConversationID: id, From: store.FromBot, Text: "undone", At: time.Now()}, nil, nil); err != nil {
				return err
			}
			return errHalfway
		}),
		appendOp(canceled, id, "caller gone", &skipped),
		appendOp(ctx, id, "last", &last),
	}
	s.w.runBatch(batch)
	errs := make([]error, len(batch))
	for i, op := range batch {
		errs[i] = result(t, op)
	}
	if errs[0] != nil || errs[4] != nil {
		t.Fatalf("the good ops failed: %v, %v", errs[0], errs[4])
	}
	if !errors.Is(errs[1], store.ErrNotFound) || !errors.Is(errs[2], errHalfway) || !errors.Is(errs[3], context.Canceled) {
		t.Fatalf("the bad ops returned %v, %v, %v; want ErrNotFound, their own error, context.Canceled", errs[1], errs[2], errs[3])
	}
	if first.Seq != 1 || last.Seq != 2 {
		t.Fatalf("seqs %d and %d, want 1 and 2: an undone op must not use a seq", first.Seq, last.Seq)
	}
	ms, err := s.Messages(ctx, id, 0)
	if err != nil || len(ms) != 2 || ms[0].Text != "first" || ms[1].Text != "last" {
		t.Fatalf("stored %+v, %v; want just first and last", ms, err)
	}
}

// TestBatchLostIsReportedToAll: when the transaction itself is lost, no op
// of the batch may be told that its write succeeded.
func TestBatchLostIsReportedToAll(t *testing.T) {
	t.Parallel()
	for name, sabotage := range map[string]func(ctx context.Context, w *writer) error{
		"rolled back, op fails": func(ctx context.Context, w *writer) error {
			w.conn.ExecContext(ctx, "ROLLBACK")
			return errors.New("sabotage")
		},
		"rolled back, op succeeds": func(ctx context.Context, w *writer) error {
			_, err := w.conn.ExecContext(ctx, "ROLLBACK")
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := openTest(t, Options{})
			ctx := t.Context()
			id := store.NewID()
			if err := s.CreateConversation(ctx, store.Conversation{ID: id}); err != nil {
				t.Fatal(err)
			}
			var before, after store.Message
			batch := []*writeOp{appendOp(ctx, id, "before", &before), newOp(ctx, sabotage), appendOp(ctx, id, "after", &after)}
			s.w.runBatch(batch)
			for i, op := range batch {
				if err := result(t, op); err == nil {
					t.Errorf("op %d of a lost batch reported success", i)
				}
			}
			if ms, err := s.Messages(ctx, id, 0); err != nil || len(ms) != 0 {
				t.Fatalf("a lost batch left %v, %v", ms, err)
			}
			// The writer goes on working.
			if m, _, err := s.AppendMessage(ctx, store.Message{ConversationID: id, From: store.FromVisitor, Text: "ok"}); err != nil || m.Seq != 1 {
				t.Fatalf("append after a lost batch = %+v, %v", m, err)
			}
		})
	}
}

// TestCloseDrains closes the store under load: every call returns (success
// or ErrClosed), and every success is in the file afterwards.
func TestCloseDrains(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "andon.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 8)
	for i := range ids {
		ids[i] = store.NewID()
		if err := s.CreateConversation(ctx, store.Conversation{ID: ids[i]}); err != nil {
			t.Fatal(err)
		}
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		acked = make(map[string]int64) // client_id -> seq
		// underWay is the gate for Close: every writer has had an append
		// acknowledged and is in its loop, so Close meets calls in flight
		// however slow the machine.
		underWay sync.WaitGroup
	)
	const writers = 32
	underWay.Add(writers)
	for g := range writers {
		wg.Go(func() {
			var once sync.Once
			defer once.Do(underWay.Done)
			for i := 0; ; i++ {
				cid := fmt.Sprintf("g%d-%d", g, i)
				m, _, err := s.AppendMessage(ctx, store.Message{ConversationID: ids[(g+i)%len(ids)], ClientID: cid, From: store.FromVisitor, Text: cid})
				if errors.Is(err, ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("AppendMessage: %v", err)
					return
				}
				mu.Lock()
				acked[cid] = m.Seq
				mu.Unlock()
				once.Do(underWay.Done)
			}
		})
	}
	underWay.Wait()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	wg.Wait()
	if err := s.Ping(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Ping after Close = %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	s = openPath(t, path, Options{})
	stored := make(map[string]int64)
	for _, id := range ids {
		ms, err := s.Messages(ctx, id, 0)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range ms {
			if m.Seq != int64(i+1) {
				t.Fatalf("conversation %s: gap at seq %d", id, m.Seq)
			}
			stored[m.ClientID] = m.Seq
		}
	}
	if len(acked) < writers {
		t.Fatalf("%d appends acknowledged before Close, want one per writer at least", len(acked))
	}
	for cid, seq := range acked {
		if stored[cid] != seq {
			t.Fatalf("acknowledged %s as seq %d, stored as %d", cid, seq, stored[cid])
		}
	}
	t.Logf("%d acknowledged before Close, %d stored", len(acked), len(stored))
}

// TestCheckpointerCopiesWAL: with automatic checkpoints off on the write
// connection, the database file grows only if the checkpointer works.
func TestCheckpointerCopiesWAL(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "andon.db")
	s := openPath(t, path, Options{})
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	id := store.NewID()
	if err := s.CreateConversation(t.Context(), store.Conversation{ID: id}); err != nil {
		t.Fatal(err)
	}
	for range 200 {
		if _, _, err := s.AppendMessage(t.Context(), store.Message{ConversationID: id, From: store.FromVisitor, Text: strings.Repeat("x", 1000)}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for size() < before+200*1000 {
		if time.Now().After(deadline) {
			t.Fatalf("database file still %d bytes (was %d): the WAL was not checkpointed", size(), before)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestWALStartsOverUnderSteadyWrites: a checkpoint running beside a busy
// writer never catches up on its own, so without the writer's help the WAL
// would only grow. Its length, seen at each checkpoint, must fall again and
// again while the writes go on.
func TestWALStartsOverUnderSteadyWrites(t *testing.T) {
	t.Parallel()
	s := openTest(t, Options{Synchronous: "normal"})
	s.ckpt.restart.Store(64)
	id := store.NewID()
	if err := s.CreateConversation(t.Context(), store.Conversation{ID: id}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for ctx.Err() == nil {
				if _, _, err := s.AppendMessage(ctx, store.Message{ConversationID: id, From: store.FromVisitor, Text: "steady"}); err != nil && ctx.Err() == nil {
					t.Errorf("AppendMessage: %v", err)
					return
				}
			}
		})
	}
	// Wait for three restarts rather than counting them in a fixed window:
	// a loaded machine writes fewer pages per second, and a WAL that never
	// starts over still fails when the generous deadline passes.
	var (
		fell, prev int64
		start      = time.Now()
		end        = start.Add(30 * time.Second)
	)
	for fell < 3 && time.Now().Before(end) {
		if f := s.ckpt.frames.Load(); f != prev {
			if f < prev {
				fell++
			}
			prev = f
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	if fell < 3 {
		t.Fatalf("the WAL started over %d times in %s of steady writes, want at least 3", fell, time.Since(start).Round(time.Millisecond))
	}
}
