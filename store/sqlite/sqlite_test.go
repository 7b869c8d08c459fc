package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/storetest"
)

// openTest opens a store on a new file in t.TempDir() and closes it with t.
func openTest(t testing.TB, opts Options) *Store {
	t.Helper()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "andon.db"), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	for _, sync := range []string{"full", "normal"} {
		t.Run(sync, func(t *testing.T) {
			t.Parallel()
			storetest.Run(t, func(t *testing.T) store.Store { return openTest(t, Options{Synchronous: sync}) })
		})
	}
}

func TestArticleConformance(t *testing.T) {
	t.Parallel()
	storetest.RunArticles(t, func(t *testing.T) knowledge.ArticleStore { return openTest(t, Options{}) })
}

func TestArticleEditorConformance(t *testing.T) {
	storetest.RunArticleEditor(t, func(t *testing.T) storetest.EditorStore { return openTest(t, Options{}) })
}
