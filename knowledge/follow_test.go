package knowledge_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store/sqlite"
)

func openShared(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "andon.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func openBase(t *testing.T, st *sqlite.Store) *knowledge.Base {
	t.Helper()
	b, err := knowledge.Open(context.Background(), knowledge.Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

var followArticles = []knowledge.Article{
	{ID: "refunds", Title: "Refunds", Body: "Refunds reach your card within five days.", Lang: "en", Questions: []string{"how do refunds work"}},
	{ID: "password", Title: "Reset your password", Body: "Use the link on the login page.", Lang: "en"},
	{ID: "shipping", Title: "Shipping", Body: "Parcels arrive in two working days.", Lang: "en", Questions: []string{"when will my parcel arrive"}},
}

// A running server (server) follows the store another process (ingest)
// writes to: at the next tick after the write it answers from the new
// article, and an unchanged store costs no re-index.
func TestFollowSeesAnotherProcessesImport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openShared(t)
	server := openBase(t, st)
	ingest := openBase(t, st)
	tick := make(chan time.Time)
	fctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		server.Follow(fctx, st, tick, func(err error) { t.Errorf("follow: %v", err) })
	}()
	defer func() { cancel(); <-done }()
	// step sends a tick and waits until it has been handled: the loop
	// takes the second tick only after the first look has finished.
	step := func() { tick <- time.Now(); tick <- time.Now() }

	step()
	if _, err := ingest.Import(ctx, followArticles); err != nil {
		t.Fatal(err)
	}
	if rs, _ := server.Search(ctx, "when will my parcel arrive", 1); len(rs) != 0 {
		t.Fatalf("before the tick the server already answers: %+v", rs)
	}
	step()
	rs, err := server.Search(ctx, "when will my parcel arrive", 1)
	if err != nil || len(rs) == 0 || rs[0].ArticleID != "shipping" {
		t.Fatalf("after the tick search = %+v, %v; want shipping", rs, err)
	}
	// Archived elsewhere: gone here at the next tick.
	a, _ := ingest.Article("shipping")
	a.Status = knowledge.Archived
	if _, err := ingest.Import(ctx, []knowledge.Article{a}); err != nil {
		t.Fatal(err)
	}
	step()
	if rs, _ := server.Search(ctx, "when will my parcel arrive", 3); len(rs) > 0 && rs[0].ArticleID == "shipping" {
		t.Fatal("an article archived by another process is still answered from")
	}
	if changed, err := server.Reload(ctx); err != nil || changed {
		t.Fatalf("Reload of an unchanged store = %v, %v; want no change", changed, err)
	}
}

// Taking one article into the index (an editor's save) gives the same
// search results as opening the knowledge base afresh on the same
// articles.
func TestIndexOneEqualsFullRebuild(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openShared(t)
	live := openBase(t, st)
	if _, err := live.Import(ctx, followArticles); err != nil {
		t.Fatal(err)
	}
	changed := knowledge.Article{ID: "password", Title: "Reset your password", Lang: "en", Status: knowledge.Published,
		Body: "Use the link on the login page; it works for an hour.", Questions: []string{"forgot my password", "reset link expired"}}
	added := knowledge.Article{ID: "invoices", Title: "Invoices", Lang: "en", Status: knowledge.Published,
		Body: "Download invoices as PDF under Billing.", Questions: []string{"where are my invoices"}}
	for _, a := range []knowledge.Article{changed, added} {
		if err := st.SaveArticles(ctx, []knowledge.Article{a}); err != nil {
			t.Fatal(err)
		}
		if err := live.Index(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	fresh := openBase(t, st)
	for _, q := range []string{"reset link expired", "where are my invoices", "how do refunds work", "parcel", "forgot my password pdf"} {
		got, err := live.Search(ctx, q, 4)
		if err != nil {
			t.Fatal(err)
		}
		want, err := fresh.Search(ctx, q, 4)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: after Index %+v, after a full rebuild %+v", q, got, want)
		}
	}
}
