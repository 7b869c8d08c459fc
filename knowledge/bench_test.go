package knowledge

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// synthText makes deterministic text over a Zipf-distributed vocabulary of
// made-up words, shaped like support articles: the retrieval benchmarks
// need volume, not meaning.
type synthText struct {
	rng   *rand.Rand
	zipf  *rand.Zipf
	vocab []string
}

func newSynthText(seed uint64) *synthText {
	rng := rand.New(rand.NewPCG(seed, 7))
	syll := []string{"ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ber", "dan", "gor", "hel", "jor", "kel", "lin", "mor", "pas", "rik", "sen", "tor", "ung", "var"}
	vocab := make([]string, 5000)
	for i := range vocab {
		var b strings.Builder
		for range 2 + rng.IntN(3) {
			b.WriteString(syll[rng.IntN(len(syll))])
		}
		vocab[i] = b.String()
	}
	return &synthText{rng: rng, zipf: rand.NewZipf(rng, 1.1, 2, uint64(len(vocab)-1)), vocab: vocab}
}

func (g *synthText) words(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.vocab[g.zipf.Uint64()]
	}
	return strings.Join(ws, " ")
}

// synthArticles returns articles with about chunks chunks in total: four
// sections of about 60 words each per article.
func synthArticles(chunks int) []Article {
	g := newSynthText(1)
	n := chunks / 4
	arts := make([]Article, n)
	for i := range arts {
		var body strings.Builder
		for s := range 4 {
			fmt.Fprintf(&body, "## %s\n\n%s.\n\n", g.words(3), g.words(55+s))
		}
		arts[i] = Article{ID: fmt.Sprintf("a%06d", i), Title: g.words(4), Body: body.String(), Lang: "en"}
	}
	return arts
}

var (
	benchMu    sync.Mutex
	benchBases = map[int]*Base{}
)

func benchBase(b *testing.B, chunks int) *Base {
	benchMu.Lock()
	defer benchMu.Unlock()
	if kb, ok := benchBases[chunks]; ok {
		return kb
	}
	ctx := context.Background()
	kb, err := Open(ctx, Options{Store: NewMemoryStore()})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := kb.Import(ctx, synthArticles(chunks)); err != nil {
		b.Fatal(err)
	}
	benchBases[chunks] = kb
	return kb
}

// BenchmarkSearch measures one search (embedding the query, the vector
// scan, BM25 and fusion) over knowledge bases of 1k, 10k and 100k chunks.
// Targets: p50 <= 5 ms at 10k and <= 60 ms at 100k on two cores.
func BenchmarkSearch(b *testing.B) {
	for _, chunks := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("chunks=%d", chunks), func(b *testing.B) {
			kb := benchBase(b, chunks)
			s := kb.snap.Load()
			if len(s.units) < chunks {
				b.Fatalf("only %d units", len(s.units))
			}
			g := newSynthText(2)
			queries := make([]string, 64)
			for i := range queries {
				queries[i] = g.words(5 + i%5)
			}
			ctx := context.Background()
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, err := kb.Search(ctx, queries[i%len(queries)], 5); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkScan isolates the vector scan at 100k units for a sparse
// (built-in) and a dense (model embedding) query of 512 dimensions.
func BenchmarkScan(b *testing.B) {
	const n, dim = 100_000, 512
	rng := rand.New(rand.NewPCG(1, 1))
	m := make([]float32, n*dim)
	for i := range m {
		m[i] = rng.Float32() - 0.5
	}
	out := make([]float32, n)
	for _, nnz := range []int{80, dim} {
		q := make([]float32, dim)
		for _, j := range rng.Perm(dim)[:nnz] {
			q[j] = rng.Float32()
		}
		b.Run(fmt.Sprintf("nonzero=%d", nnz), func(b *testing.B) {
			for b.Loop() {
				scan(m, q, out)
			}
		})
	}
}

// BenchmarkPublishOne measures an editor's publish into a knowledge base
// of 10,000 articles: from the save's Index call until search finds the
// new article (Index returns with the new snapshot in place). Target: 1 s.
func BenchmarkPublishOne(b *testing.B) {
	ctx := context.Background()
	kb := benchBase(b, 40_000) // 4 chunks an article: 10,000 articles
	if kb.Len() < 10_000 {
		b.Fatalf("%d articles, want 10000", kb.Len())
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		id := fmt.Sprintf("published-%d-%d", b.N, i)
		a := Article{ID: id, Title: fmt.Sprintf("Zebra %d feeding", i), Body: fmt.Sprintf("Feed zebra number %d twice a day with hay.", i),
			Lang: "en", Status: Published, Questions: []string{fmt.Sprintf("how do I feed zebra %d", i)}}
		if err := kb.Index(ctx, a); err != nil {
			b.Fatal(err)
		}
		rs, err := kb.Search(ctx, fmt.Sprintf("how do I feed zebra %d", i), 1)
		if err != nil || len(rs) == 0 || rs[0].ArticleID != id {
			b.Fatalf("search after publish = %+v, %v", rs, err)
		}
	}
}
