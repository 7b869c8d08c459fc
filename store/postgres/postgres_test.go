package postgres

import (
	"errors"
	"sync"
	"testing"

	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/postgres/pgtest"
	"github.com/andon-chat/andon/store/storetest"
)

func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(t.Context(), pgtest.FreshSchema(t), Options{})
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
	dsn := pgtest.FreshSchema(t)
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
	dsn := pgtest.FreshSchema(t)
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

func TestArticleEditorConformance(t *testing.T) {
	storetest.RunArticleEditor(t, func(t *testing.T) storetest.EditorStore { return openTest(t) })
}

func TestIncidentsConformance(t *testing.T) {
	storetest.RunIncidents(t, func(t *testing.T) store.Incidents { return openTest(t) })
}
