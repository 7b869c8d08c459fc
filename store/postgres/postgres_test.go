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

// Two instances saving one article from the same base at once: the row
// lock makes one win and the others get store.ErrConflict with the
// winner's record, for a new article (base 0, no row to lock yet) and an
// existing one alike.
func TestConcurrentArticleSavesAcrossInstances(t *testing.T) {
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
	for base := range int64(10) {
		start := make(chan struct{})
		var wg sync.WaitGroup
		errs := make([]error, 6)
		recs := make([]store.ArticleRecord, len(errs))
		for i := range errs {
			s := a
			if i%2 == 1 {
				s = b
			}
			wg.Go(func() {
				<-start
				art := knowledge.Article{ID: "a1", Title: "Refunds", Body: "Version by writer " + string(rune('A'+i)), Status: knowledge.Published}
				recs[i], errs[i] = s.SaveArticleVersion(t.Context(), art, base, "ann")
			})
		}
		close(start)
		wg.Wait()
		won := -1
		for i, err := range errs {
			switch {
			case err == nil:
				if won >= 0 {
					t.Fatalf("base %d: writers %d and %d both saved", base, won, i)
				}
				won = i
			case !errors.Is(err, store.ErrConflict):
				t.Fatalf("base %d: %v, want store.ErrConflict", base, err)
			}
		}
		if won < 0 {
			t.Fatalf("base %d: no save won: %v", base, errs)
		}
		for i, err := range errs {
			if err != nil && (recs[i].Version != base+1 || recs[i].Body != recs[won].Body) {
				t.Fatalf("base %d: conflict %d returned version %d %q, want the winner's %d %q", base, i, recs[i].Version, recs[i].Body, base+1, recs[won].Body)
			}
		}
		vs, err := a.ArticleVersions(t.Context(), "a1", 0, 100)
		if err != nil || len(vs) != int(base+1) {
			t.Fatalf("base %d: %d versions (%v), want %d", base, len(vs), err, base+1)
		}
	}
}

// Entries added to one incident at once from two instances all land, in
// a gap-free order, none after the close.
func TestConcurrentIncidentEntriesAcrossInstances(t *testing.T) {
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
	if _, err := a.OpenIncident(t.Context(), store.Incident{ID: "inc1", Label: "login", Count: 9, Usual: 1.5, WindowSeconds: 600}); err != nil {
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
			_, errs[i] = s.AddIncidentEntry(t.Context(), store.IncidentEntry{IncidentID: "inc1", Kind: store.IncidentStatus, Author: "ann", Text: "looking"})
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
	tl, err := b.IncidentTimeline(t.Context(), "inc1")
	if err != nil || len(tl) != 1+len(errs) {
		t.Fatalf("timeline has %d entries (%v), want %d", len(tl), err, 1+len(errs))
	}
}
