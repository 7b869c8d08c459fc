package knowledge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/philippgille/chromem-go"
)

// snapshot is an immutable view of the knowledge base that searches read
// without locks; every change builds a new one.
type snapshot struct {
	all       []Article // every article, drafts included, by ID
	byID      map[string]Article
	arts      []*Article // published articles; unit.art indexes this
	units     []unit
	unitIDs   []string
	emb       Embedder // made the vectors; embeds the queries
	dim       int
	mat       []float32 // dim columns of len(units): mat[j*len(units)+u] is dimension j of unit u's unit-length vector
	lex       *bm25Index
	intent    *intentModel
	intentArt []int32 // intent class -> index into arts
	questions []int   // per article: number of question units
}

// row returns unit u's vector, in dst when it has room.
func (s *snapshot) row(u int, dst []float32) []float32 {
	dst = slices.Grow(dst[:0], s.dim)[:s.dim]
	n := len(s.units)
	for j := range dst {
		dst[j] = s.mat[j*n+u]
	}
	return dst
}

func (s *snapshot) setRow(u int, v []float32) {
	n := len(s.units)
	for j, x := range v {
		s.mat[j*n+u] = x
	}
}

// refitShare is how much of the corpus may be new since the embedder was
// fitted before it is fitted again (and everything re-embedded): small
// imports re-embed only what changed, large ones refresh the IDF weights.
const refitShare = 0.2

// embedBatch is how many texts go to the embedder at once.
const embedBatch = 256

// indexer carries what survives from one build to the next: vectors and
// BM25 documents of unchanged articles, and the intent model.
type indexer struct {
	b *Base

	emb     Embedder          // the embedder the vectors were made with
	embID   string            // its ID
	hashes  map[string]string // article ID -> content hash its vectors were made from
	rows    map[string]int32  // unit ID -> row in last, for reuse
	fitBase int               // units when the embedder was last fitted
	drift   int               // units embedded since

	lexVocab map[string]uint32
	lexDocs  map[string]bm25Doc // hash+unit ID -> document

	intentSig string
	intent    *intentModel
	intentIDs []string // class -> article ID

	loaded *chromem.Collection // vectors read from Dir, until the first build

	last *snapshot
}

// vector returns a unit's vector from the previous build or the loaded file.
func (ix *indexer) vector(id string) ([]float32, bool) {
	if r, ok := ix.rows[id]; ok && ix.last != nil {
		return ix.last.row(int(r), nil), true
	}
	if ix.loaded == nil {
		return nil, false
	}
	doc, err := ix.loaded.GetByID(context.Background(), id)
	if err != nil || len(doc.Embedding) == 0 || !finite(doc.Embedding) {
		return nil, false
	}
	return doc.Embedding, true
}

func newIndexer(b *Base) *indexer {
	return &indexer{
		b:        b,
		emb:      b.emb,
		hashes:   make(map[string]string),
		rows:     make(map[string]int32),
		lexVocab: make(map[string]uint32),
		lexDocs:  make(map[string]bm25Doc),
	}
}

type buildStats struct {
	embedded int
	refit    bool
	dirty    bool // the persisted index is out of date
}

// build indexes all articles, reusing what it can from the previous build.
func (ix *indexer) build(ctx context.Context, all []Article) (*snapshot, buildStats, error) {
	var st buildStats
	b := ix.b
	emb := ix.emb
	s := &snapshot{all: all, byID: make(map[string]Article, len(all)), dim: emb.Dim()}
	for i := range all {
		all[i].Hash = all[i].ContentHash()
		s.byID[all[i].ID] = all[i]
		if all[i].Status.Answerable() {
			s.arts = append(s.arts, &all[i])
		}
	}
	s.questions = make([]int, len(s.arts))
	titles := make(map[string]int, len(s.arts))
	for _, a := range s.arts {
		titles[strings.ToLower(strings.TrimSpace(a.Title))]++
	}
	for i, a := range s.arts {
		for _, u := range articleUnits(a, int32(i), b.chunkMax) {
			if len(words(u.embed)) == 0 {
				continue // nothing to find it by
			}
			if u.kind == unitTitle && titles[strings.ToLower(u.text)] > 1 {
				// A title several articles share (a FAQ page's name) tells
				// none of them apart; their chunks carry it anyway.
				continue
			}
			if u.kind == unitQuestion {
				s.questions[i]++
			}
			s.units = append(s.units, u)
			s.unitIDs = append(s.unitIDs, unitID(a.ID, u.kind, u.n))
		}
	}

	// Which articles keep their vectors?
	embID := emb.ID()
	reuse := make([]bool, len(s.arts))
	for i, a := range s.arts {
		reuse[i] = ix.embID == embID && ix.hashes[a.ID] == a.Hash
	}
	prev := make([][]float32, len(s.units))
	for u := range s.units {
		if reuse[s.units[u].art] {
			v, ok := ix.vector(s.unitIDs[u])
			if !ok || len(v) != s.dim {
				reuse[s.units[u].art] = false
			}
			prev[u] = v
		}
	}
	var todo []int
	for u := range s.units {
		if !reuse[s.units[u].art] {
			todo = append(todo, u)
		}
	}
	if b.fitter != nil && len(s.units) > 0 {
		if ix.embID != embID || ix.fitBase == 0 ||
			float64(ix.drift+len(todo)) > refitShare*float64(max(ix.fitBase, len(s.units))) {
			texts := make([]string, len(s.units))
			for u := range s.units {
				texts[u] = s.units[u].embed
			}
			emb = b.fitter.Fit(texts)
			embID = emb.ID()
			ix.fitBase, ix.drift = len(s.units), 0
			st.refit = true
			todo = todo[:0]
			for u := range s.units {
				todo = append(todo, u)
			}
			clear(reuse)
		} else {
			ix.drift += len(todo)
		}
	}

	// Embed what is new or changed, then lay every vector out in one matrix.
	s.mat = make([]float32, len(s.units)*s.dim)
	for u := range s.units {
		if reuse[s.units[u].art] {
			s.setRow(u, prev[u])
		}
	}
	for lo := 0; lo < len(todo); lo += embedBatch {
		batch := todo[lo:min(lo+embedBatch, len(todo))]
		texts := make([]string, len(batch))
		for i, u := range batch {
			texts[i] = s.units[u].embed
		}
		vs, err := emb.Embed(ctx, texts)
		if err != nil {
			return nil, st, fmt.Errorf("couldn't embed: %w", err)
		}
		if len(vs) != len(batch) {
			return nil, st, fmt.Errorf("couldn't embed: %d vectors for %d texts", len(vs), len(batch))
		}
		for i, u := range batch {
			if len(vs[i]) != s.dim {
				return nil, st, fmt.Errorf("couldn't embed: vector of length %d, embedder says %d", len(vs[i]), s.dim)
			}
			row := slices.Clone(vs[i])
			normalize(row)
			s.setRow(u, row)
		}
	}
	st.embedded = len(todo)
	kept := len(s.units) - len(todo)
	had := len(ix.rows)
	if ix.loaded != nil {
		had = ix.loaded.Count()
	}
	st.dirty = st.embedded > 0 || had != kept || st.refit || ix.embID != embID
	ix.loaded = nil
	ix.rows = make(map[string]int32, len(s.units))
	for u := range s.units {
		ix.rows[s.unitIDs[u]] = int32(u)
	}
	ix.hashes = make(map[string]string, len(s.arts))
	for _, a := range s.arts {
		ix.hashes[a.ID] = a.Hash
	}
	ix.emb, ix.embID, s.emb = emb, embID, emb

	s.lex = ix.buildLex(s)
	if err := ix.buildIntent(ctx, s); err != nil {
		return nil, st, err
	}
	ix.last = s
	return s, st, nil
}

// lexTerms are the BM25 terms of a text: Snowball stems and character
// 4-grams of the words (which match compounds and misspellings: on the
// Swedish FAQ they lift top-1 from 0.52 to 0.65).
func lexTerms(toks []token) []string {
	out := make([]string, 0, len(toks)*6)
	var buf []byte
	for _, t := range toks {
		out = append(out, t.stem)
		buf = append(buf[:0], '<')
		buf = append(buf, t.word...)
		buf = append(buf, '>')
		addCharGrams(buf, 4, 4, func(g []byte) { out = append(out, "#"+string(g)) })
	}
	return out
}

func (ix *indexer) buildLex(s *snapshot) *bm25Index {
	// The vocabulary grows: a copy, because the previous snapshot's index
	// reads the old one while searches run.
	vocab := maps.Clone(ix.lexVocab)
	docs := make(map[string]bm25Doc, len(s.units))
	x := &bm25Index{vocab: vocab, docs: make([]bm25Doc, len(s.units))}
	for u, un := range s.units {
		key := s.arts[un.art].Hash + s.unitIDs[u]
		d, ok := ix.lexDocs[key]
		if !ok {
			d = newBM25Doc(vocab, lexTerms(ix.b.an.analyze(un.embed, s.arts[un.art].Lang)))
		}
		docs[key] = d
		x.docs[u] = d
	}
	ix.lexDocs, ix.lexVocab = docs, vocab
	x.build()
	return x
}

// buildIntent trains the intent model on the example questions (and the
// titles) of articles that have any; it is reused while those articles do
// not change.
func (ix *indexer) buildIntent(ctx context.Context, s *snapshot) error {
	h := sha256.New()
	var classes []int32
	for i, a := range s.arts {
		if s.questions[i] > 0 {
			classes = append(classes, int32(i))
			h.Write([]byte(a.ID + "\x00" + a.Hash + "\x00"))
		}
	}
	sig := hex.EncodeToString(h.Sum(nil))
	if sig != ix.intentSig {
		var examples []intentExample
		cls := make(map[int32]int32, len(classes))
		for c, a := range classes {
			cls[a] = int32(c)
		}
		for _, un := range s.units {
			c, ok := cls[un.art]
			if !ok || un.kind == unitChunk {
				continue
			}
			examples = append(examples, intentExample{
				feats: ix.b.fs.extract(ix.b.an.analyze(un.embed, s.arts[un.art].Lang)),
				class: c,
			})
		}
		m, err := trainIntent(ctx, examples, len(classes), ix.b.fs, [numGroups]float32{1, 0.5, 1})
		if err != nil {
			return fmt.Errorf("couldn't train intent model: %w", err)
		}
		ix.intent, ix.intentSig = m, sig
		ix.intentIDs = ix.intentIDs[:0]
		for _, a := range classes {
			ix.intentIDs = append(ix.intentIDs, s.arts[a].ID)
		}
		if m == nil && len(classes) >= 2 {
			ix.b.log.Warn("knowledge base too large for the intent model; using vectors and BM25 only",
				"articles_with_questions", len(classes), "examples", len(examples))
		}
	}
	s.intent = ix.intent
	if s.intent != nil {
		pos := make(map[string]int32, len(s.arts))
		for i, a := range s.arts {
			pos[a.ID] = int32(i)
		}
		s.intentArt = make([]int32, len(ix.intentIDs))
		for c, id := range ix.intentIDs {
			s.intentArt[c] = pos[id]
		}
	}
	return nil
}
