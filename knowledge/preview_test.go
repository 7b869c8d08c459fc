package knowledge

import (
	"context"
	"slices"
	"testing"
)

// Compare must predict exactly what Import then reports.
func TestComparePredictsImport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := NewMemoryStore()
	b := openFixture(t, Options{Store: st})
	next := fixture()
	next[0].Body += " Changed."
	next = append(next, Article{ID: "brand-new", Title: "New", Body: "Body."})
	cur, _ := st.ListArticles(ctx)
	preview := Compare(cur, next)
	rep, err := b.Import(ctx, next)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(preview.Added, rep.Added) || !slices.Equal(preview.Updated, rep.Updated) || !slices.Equal(preview.Unchanged, rep.Unchanged) {
		t.Fatalf("preview %+v, import %+v", preview, rep)
	}
	if len(rep.Added) != 1 || len(rep.Updated) != 1 {
		t.Fatalf("import %+v, want one added, one updated", rep)
	}
}
