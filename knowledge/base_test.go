package knowledge

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// countingEmbedder is the built-in embedder that counts the texts it
// embeds, to see what an import or a restart re-embeds.
// Its fitted copies count into the same counter.
type countingEmbedder struct {
	*HashEmbedder
	texts *atomic.Int64
}

func (c *countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	c.texts.Add(int64(len(texts)))
	return c.HashEmbedder.Embed(ctx, texts)
}

func (c *countingEmbedder) Fit(texts []string) Fitter {
	return &countingEmbedder{HashEmbedder: c.HashEmbedder.Fit(texts).(*HashEmbedder), texts: c.texts}
}

func (c *countingEmbedder) WithState(data []byte) (Fitter, error) {
	f, err := c.HashEmbedder.WithState(data)
	if err != nil {
		return nil, err
	}
	return &countingEmbedder{HashEmbedder: f.(*HashEmbedder), texts: c.texts}, nil
}

func newCounting(opts HashOptions) *countingEmbedder {
	return &countingEmbedder{HashEmbedder: NewHashEmbedder(opts), texts: new(atomic.Int64)}
}

// fixture is a small bilingual knowledge base.
func fixture() []Article {
	return []Article{
		{ID: "reset-password", Title: "Reset your password", Lang: "en", URL: "https://example.com/reset",
			Body:      "# Reset your password\n\nOpen **Settings**, choose *Security* and click [Reset password](https://example.com/reset). We e-mail you a link that works for one hour.\n\n## If the e-mail does not arrive\n\nCheck your spam folder, then ask us to resend it.",
			Questions: []string{"I forgot my password", "how do I change my password", "can't log in, password not working"}},
		{ID: "aterstall-losenord", Title: "Återställ ditt lösenord", Lang: "sv",
			Body:      "Öppna **Inställningar**, välj *Säkerhet* och klicka på Återställ lösenord. Vi skickar en länk som gäller i en timme.",
			Questions: []string{"jag har glömt mitt lösenord", "hur byter jag lösenord"}},
		{ID: "opening-hours", Title: "Opening hours", Lang: "en",
			Body:      "Support is open Monday to Friday, 9 to 17 CET. On public holidays we are closed.",
			Questions: []string{"when are you open", "what are your opening hours", "are you open on weekends"}},
		{ID: "oppettider", Title: "Öppettider", Lang: "sv",
			Body:      "Supporten har öppet måndag till fredag 9–17. På helgdagar har vi stängt.",
			Questions: []string{"när har ni öppet", "vilka är era öppettider"}},
		{ID: "invoice-copy", Title: "Get a copy of an invoice", Lang: "en",
			Body:      "Invoices are listed under Billing → Invoices. Click an invoice to download it as a PDF.",
			Questions: []string{"where can I find my invoices", "download invoice pdf"}},
		{ID: "delete-team", Title: "Remove a team member", Lang: "en",
			Body:      "Admins can remove members under Team → Members → Remove.",
			Questions: []string{"how to remove a colleague from our team"}},
		{ID: "secret-draft", Title: "Unreleased pricing", Lang: "en", Status: Draft,
			Body: "Prices for the enterprise plan.", Questions: []string{"what does the enterprise plan cost"}},
	}
}

func openFixture(t *testing.T, opts Options) *Base {
	t.Helper()
	ctx := context.Background()
	if opts.Store == nil {
		opts.Store = NewMemoryStore()
	}
	b, err := Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if _, err := b.Import(ctx, fixture()); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSearchFindsTheRightArticle(t *testing.T) {
	t.Parallel()
	b := openFixture(t, Options{})
	cases := []struct{ query, want string }{
		{"I forgot my password", "reset-password"},
		{"forgot passwrod", "reset-password"},              // misspelling
		{"password reset how", "reset-password"},           // word order
		{"jag har glömt lösenordet", "aterstall-losenord"}, // inflection
		{"hur återställer jag mitt lösenord", "aterstall-losenord"},
		{"are you open on saturday", "opening-hours"},
		{"öppettider på helgen", "oppettider"},
		{"where do I download my invoice", "invoice-copy"},
		{"remove a member from my team", "delete-team"},
	}
	for _, c := range cases {
		rs, err := b.Search(context.Background(), c.query, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 || rs[0].ArticleID != c.want {
			t.Errorf("Search(%q) = %v, want %s first", c.query, ids(rs), c.want)
		}
	}
}

func ids(rs []Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ArticleID)
	}
	return out
}

func TestSearchResultFields(t *testing.T) {
	t.Parallel()
	b := openFixture(t, Options{})
	rs, err := b.Search(context.Background(), "the reset e-mail does not arrive", 10)
	if err != nil {
		t.Fatal(err)
	}
	r := rs[0]
	if r.ArticleID != "reset-password" || r.Title != "Reset your password" || r.URL != "https://example.com/reset" || r.Lang != "en" {
		t.Fatalf("top result = %+v", r)
	}
	if r.Heading != "If the e-mail does not arrive" || !strings.Contains(r.Chunk, "spam folder") {
		t.Errorf("best chunk = %q under %q, want the spam folder section", r.Chunk, r.Heading)
	}
	if !slices.Contains(fixture()[0].Questions, r.MatchedQuestion) {
		t.Errorf("matched question %q is not one of the article's", r.MatchedQuestion)
	}
	if r.Score <= rs[1].Score || r.Vector <= 0 || r.Lexical <= 0 || r.Intent <= 0 {
		t.Errorf("scores = %+v, next %+v", r, rs[1])
	}
	seen := map[string]bool{}
	for _, r := range rs {
		if seen[r.ArticleID] {
			t.Errorf("article %s returned twice", r.ArticleID)
		}
		seen[r.ArticleID] = true
		if r.ArticleID == "secret-draft" {
			t.Error("a draft was returned")
		}
	}
	if len(rs) != 6 {
		t.Errorf("got %d results for k=10, want the 6 published articles", len(rs))
	}
}

func TestSearchEdgeCases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	empty, err := Open(ctx, Options{Store: NewMemoryStore()})
	if err != nil {
		t.Fatal(err)
	}
	if rs, err := empty.Search(ctx, "anything", 5); err != nil || len(rs) != 0 {
		t.Errorf("empty base: %v, %v", rs, err)
	}
	b := openFixture(t, Options{})
	for _, q := range []string{"", "   ", "?!"} {
		if rs, err := b.Search(ctx, q, 5); err != nil || len(rs) != 0 {
			t.Errorf("Search(%q) = %v, %v; want nothing", q, rs, err)
		}
	}
	if rs, _ := b.Search(ctx, "password", 0); len(rs) != 5 {
		t.Errorf("k=0 gave %d results, want the default 5", len(rs))
	}
}

// filler returns n articles that make the fixture large enough that a
// change of one or two articles stays below the embedder's refit share.
func filler(n int) []Article {
	var out []Article
	for i := range n {
		id := fmt.Sprintf("filler-%02d", i)
		out = append(out, Article{ID: id, Title: "Topic " + id, Body: "Text about the topic " + id + ".", Lang: "en"})
	}
	return out
}

func TestImportReportsChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	emb := newCounting(HashOptions{})
	store := NewMemoryStore()
	b := openFixture(t, Options{Store: store, Embedder: emb})
	if _, err := b.Import(ctx, filler(30)); err != nil {
		t.Fatal(err)
	}
	if b.Len() != len(fixture())+30 {
		t.Fatalf("Len = %d", b.Len())
	}
	// the same articles again: nothing changes, nothing is embedded
	before := emb.texts.Load()
	rep, err := b.Import(ctx, fixture())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Added)+len(rep.Updated) != 0 || len(rep.Unchanged) != len(fixture()) {
		t.Errorf("re-import report = %+v", rep)
	}
	if n := emb.texts.Load() - before; n != 0 {
		t.Errorf("re-import embedded %d texts, want 0", n)
	}
	// one changed, one new: only their units are embedded
	arts := fixture()
	arts[2].Body = "Support is open every day, 8 to 20."
	extra := Article{ID: "new-one", Title: "Export your data", Body: "Use Settings → Export.", Lang: "en"}
	before = emb.texts.Load()
	rep, err = b.Import(ctx, []Article{arts[2], arts[0], extra})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Updated, []string{"opening-hours"}) || !slices.Equal(rep.Added, []string{"new-one"}) || !slices.Equal(rep.Unchanged, []string{"reset-password"}) {
		t.Errorf("report = %+v", rep)
	}
	want := int64(len(articleUnits(&arts[2], 0, DefaultChunkMaxChars)) + len(articleUnits(&extra, 0, DefaultChunkMaxChars)))
	if n := emb.texts.Load() - before; n != want {
		t.Errorf("embedded %d texts, want %d (the changed and the new article's units)", n, want)
	}
	got, ok := b.Article("opening-hours")
	if !ok || got.Body != arts[2].Body || got.Hash != got.ContentHash() || got.Status != Published {
		t.Errorf("Article = %+v", got)
	}
	stored, _ := store.ListArticles(ctx)
	if len(stored) != len(fixture())+31 {
		t.Errorf("store holds %d articles", len(stored))
	}
	rs, _ := b.Search(ctx, "export my data", 1)
	if len(rs) == 0 || rs[0].ArticleID != "new-one" {
		t.Errorf("new article not found: %v", ids(rs))
	}
}

func TestImportRejectsBadBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := NewMemoryStore()
	b := openFixture(t, Options{Store: store})
	for name, arts := range map[string][]Article{
		"no id":     {{Title: "x"}},
		"duplicate": {{ID: "a", Title: "x"}, {ID: "a", Title: "y"}},
	} {
		if _, err := b.Import(ctx, arts); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if stored, _ := store.ListArticles(ctx); len(stored) != len(fixture()) {
		t.Errorf("a rejected batch changed the store: %d articles", len(stored))
	}
}

func TestDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := openFixture(t, Options{})
	if err := b.Delete(ctx, "opening-hours"); err != nil {
		t.Fatal(err)
	}
	if _, ok := b.Article("opening-hours"); ok {
		t.Error("deleted article still there")
	}
	rs, _ := b.Search(ctx, "what are your opening hours", 10)
	if slices.Contains(ids(rs), "opening-hours") {
		t.Error("deleted article still found")
	}
}

func TestIndexPersistsAndReloads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	store := NewMemoryStore()
	emb := newCounting(HashOptions{})
	b := openFixture(t, Options{Dir: dir, Store: store, Embedder: emb})
	if _, err := b.Import(ctx, filler(30)); err != nil {
		t.Fatal(err)
	}
	want, _ := b.Search(ctx, "forgot password", 3)
	b.Close()
	for _, f := range []string{indexFile, manifestFile, stateFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatalf("%s not written: %v", f, err)
		}
	}

	// a restart with the same embedder settings embeds nothing
	emb2 := newCounting(HashOptions{})
	b2, err := Open(ctx, Options{Dir: dir, Store: store, Embedder: emb2})
	if err != nil {
		t.Fatal(err)
	}
	if n := emb2.texts.Load(); n != 0 {
		t.Errorf("restart embedded %d texts, want 0", n)
	}
	got, _ := b2.Search(ctx, "forgot password", 3)
	if !slices.Equal(ids(got), ids(want)) || got[0].Score != want[0].Score {
		t.Errorf("after restart %v (%.4f), before %v (%.4f)", ids(got), got[0].Score, ids(want), want[0].Score)
	}
	b2.Close()

	// an article changed in the store while the server was down is
	// re-embedded on start, and only it
	arts := fixture()
	arts[4].Body = "Invoices are e-mailed every month; older ones are under Billing."
	arts[4].Hash = arts[4].ContentHash()
	if err := store.SaveArticles(ctx, []Article{arts[4]}); err != nil {
		t.Fatal(err)
	}
	emb3 := newCounting(HashOptions{})
	b3, err := Open(ctx, Options{Dir: dir, Store: store, Embedder: emb3})
	if err != nil {
		t.Fatal(err)
	}
	if n, want := emb3.texts.Load(), int64(len(articleUnits(&arts[4], 0, DefaultChunkMaxChars))); n != want {
		t.Errorf("start after a change embedded %d texts, want %d", n, want)
	}
	b3.Close()
}

func TestIndexRebuiltWhenEmbedderChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	store := NewMemoryStore()
	b := openFixture(t, Options{Dir: dir, Store: store, Embedder: newCounting(HashOptions{Dim: 256})})
	b.Close()

	for name, opts := range map[string]HashOptions{
		"dimension":    {Dim: 512},
		"n-grams":      {Dim: 256, MinN: 2, MaxN: 4},
		"group weight": {Dim: 256, WordWeight: 1, BigramWeight: 0, CharWeight: 1},
	} {
		dir2 := t.TempDir()
		copyDir(t, dir, dir2)
		emb := newCounting(opts)
		b2, err := Open(ctx, Options{Dir: dir2, Store: store, Embedder: emb})
		if err != nil {
			t.Fatal(err)
		}
		units := 0
		for _, a := range fixture() {
			if a.Status != Draft {
				units += len(articleUnits(&a, 0, DefaultChunkMaxChars))
			}
		}
		if n := emb.texts.Load(); n != int64(units) {
			t.Errorf("%s changed: embedded %d texts, want all %d", name, n, units)
		}
		rs, err := b2.Search(ctx, "forgot password", 1)
		if err != nil || len(rs) == 0 || rs[0].ArticleID != "reset-password" {
			t.Errorf("%s changed: search after rebuild = %v, %v", name, ids(rs), err)
		}
		b2.Close()
		// and the rebuilt index is saved: the next start embeds nothing
		emb2 := newCounting(opts)
		b3, err := Open(ctx, Options{Dir: dir2, Store: store, Embedder: emb2})
		if err != nil {
			t.Fatal(err)
		}
		if n := emb2.texts.Load(); n != 0 {
			t.Errorf("%s changed: second start embedded %d texts", name, n)
		}
		b3.Close()
	}
}

func TestCorruptIndexIsRebuilt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	store := NewMemoryStore()
	b := openFixture(t, Options{Dir: dir, Store: store})
	b.Close()
	if err := os.WriteFile(filepath.Join(dir, indexFile), []byte("not a gob"), 0o600); err != nil {
		t.Fatal(err)
	}
	b2, err := Open(ctx, Options{Dir: dir, Store: store})
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := b2.Search(ctx, "forgot password", 1)
	if len(rs) == 0 || rs[0].ArticleID != "reset-password" {
		t.Errorf("after rebuild: %v", ids(rs))
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSearchDuringImport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := openFixture(t, Options{Dir: t.TempDir()})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 5 {
			if _, err := b.Import(ctx, filler(10*(i+1))); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for {
		select {
		case <-done:
			rs, _ := b.Search(ctx, "I forgot my password", 1)
			if len(rs) == 0 || rs[0].ArticleID != "reset-password" {
				t.Errorf("after imports: %v", ids(rs))
			}
			return
		default:
		}
		rs, err := b.Search(ctx, "I forgot my password", 1)
		if err != nil || len(rs) == 0 || rs[0].ArticleID != "reset-password" {
			t.Fatalf("during imports: %v, %v", ids(rs), err)
		}
	}
}

// An archived article stays in the store but no visitor is answered from it.
func TestArchivedNotSearched(t *testing.T) {
	t.Parallel()
	b := openFixture(t, Options{})
	ctx := context.Background()
	a, _ := b.Article("invoice-copy")
	a.Status = Archived
	if _, err := b.Import(ctx, []Article{a}); err != nil {
		t.Fatal(err)
	}
	rs, err := b.Search(ctx, "download invoice pdf", 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.ArticleID == "invoice-copy" {
			t.Fatal("an archived article was returned")
		}
	}
	if got, ok := b.Article("invoice-copy"); !ok || got.Status != Archived {
		t.Fatalf("archived article = %+v, %v; want it kept", got, ok)
	}
}
