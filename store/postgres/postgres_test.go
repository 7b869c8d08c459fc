package postgres

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/storetest"
	"github.com/jackc/pgx/v5"
)

// testDSN is the database the tests use (ANDON_TEST_POSTGRES); without it
// they skip, except under CI=true where PostgreSQL is required.
func testDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("ANDON_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but ANDON_TEST_POSTGRES is not set: .ci/run starts PostgreSQL and sets it")
		}
		t.Skip("no PostgreSQL: set ANDON_TEST_POSTGRES to a DSN (e.g. postgres://andon@127.0.0.1:5433/postgres) to run these tests")
	}
	return dsn
}

var schemas atomic.Int64

// freshSchema creates an empty schema for one test and returns a DSN whose
// connections use it, so that parallel tests do not see each other's rows.
func freshSchema(t testing.TB) string {
	t.Helper()
	dsn := testDSN(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("couldn't connect to ANDON_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("t%d_%d", time.Now().UnixNano(), schemas.Add(1))
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			return
		}
		defer conn.Close(context.Background())
		_, _ = conn.Exec(context.Background(), `DROP SCHEMA `+name+` CASCADE`)
	})
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	if !strings.Contains(dsn, "://") {
		return dsn + " search_path=" + name
	}
	return dsn + sep + "search_path=" + name
}

func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(t.Context(), freshSchema(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTest(t) })
}

func TestArticlesConformance(t *testing.T) {
	storetest.RunArticles(t, func(t *testing.T) knowledge.ArticleStore { return openTest(t) })
}

// Several instances starting at once migrate once: the advisory lock makes
// the others wait and then find every migration applied.
func TestConcurrentMigrations(t *testing.T) {
	dsn := freshSchema(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			s, err := Open(t.Context(), dsn, Options{})
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
	}
	s, err := Open(t.Context(), dsn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ms, _ := embeddedMigrations()
	var n int
	if err := s.pool.QueryRow(t.Context(), `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(ms) {
		t.Fatalf("schema_migrations has %d rows (%v), want %d", n, err, len(ms))
	}
}

func TestHandoffsConformance(t *testing.T) {
	storetest.RunHandoffs(t, func(t *testing.T) storetest.HandoffStore { return openTest(t) })
}

func TestDeliveriesConformance(t *testing.T) {
	storetest.RunDeliveries(t, func(t *testing.T) store.Deliveries { return openTest(t) })
}

func TestUsersConformance(t *testing.T) {
	storetest.RunUsers(t, func(t *testing.T) store.Users { return openTest(t) })
}

// Two instances escalating one conversation at once: one handoff opens, the
// other gets store.ErrExists (not a bare constraint error), whichever of the
// check and the unique index catches it.
func TestConcurrentOpenHandoffsAcrossInstances(t *testing.T) {
	dsn := freshSchema(t)
	a, err := Open(t.Context(), dsn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(t.Context(), dsn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for round := range 20 {
		id := store.NewID()
		if err := a.CreateConversation(t.Context(), store.Conversation{ID: id}); err != nil {
			t.Fatal(err)
		}
		start := make(chan struct{})
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			s := a
			if i%2 == 1 {
				s = b
			}
			wg.Go(func() {
				<-start
				errs[i] = s.CreateHandoff(t.Context(), store.Handoff{ID: store.NewID(), ConversationID: id, State: store.HandoffOpen})
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, store.ErrExists):
				t.Fatalf("round %d: %v, want store.ErrExists", round, err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d open handoffs created, want 1", round, won)
		}
	}
}
