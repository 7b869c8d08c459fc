package knowledge

import (
	"context"
	"fmt"
	"slices"
)

// Fusion weights of the three signals, measured on BANKING77, CLINC150 and
// the Swedish FAQ (docs/quality.md). Without an intent model its weight is
// shared out between the other two in proportion.
const (
	fuseVector = 0.30
	fuseLex    = 0.40
	fuseIntent = 0.30
)

// chunkPositionDecay lowers a chunk's claim to be quoted by 5% per section
// before it (at most 25%): the prior that an article's first sections hold
// its main answer. It changes which chunk is quoted, not the ranking.
const chunkPositionDecay = 0.05

// scratch is per-search working memory, pooled in the Base: a search over
// 100k units would otherwise allocate about a megabyte.
type scratch struct {
	sims []float32
	lex  []float32
}

// articleHit collects one article's signals during a search.
type articleHit struct {
	vec, other float32 // best cosine of any unit; of titles and chunks
	q1, q2, q3 float32 // top question cosines
	nq         int
	lex        float32
	intent     float32
	bestChunk  int32   // unit index, -1 if none
	chunkScore float32 // of bestChunk, with the position prior
	bestQ      int32
	qScore     float32
	indexed    bool // the article has a unit at all
}

// Search returns up to k published articles for the query, best first,
// each with its best matching chunk and example question.
func (b *Base) Search(ctx context.Context, query string, k int) ([]Result, error) {
	s := b.snap.Load()
	if k <= 0 {
		k = 5
	}
	if s == nil || len(s.units) == 0 {
		return nil, nil
	}
	toks := b.an.analyze(query, "")
	if len(toks) == 0 {
		return nil, nil
	}
	vs, err := s.emb.Embed(ctx, []string{query})
	if err != nil {
		return nil, fmt.Errorf("couldn't embed query: %w", err)
	}
	if len(vs) != 1 || len(vs[0]) != s.dim {
		return nil, fmt.Errorf("couldn't embed query: got %d vectors", len(vs))
	}
	q := vs[0]
	normalize(q)
	sc, _ := b.scratch.Get().(*scratch)
	if sc == nil {
		sc = new(scratch)
	}
	defer b.scratch.Put(sc)
	return s.search(q, toks, b.fs, k, sc), nil
}

func (s *snapshot) search(q []float32, toks []token, fs featureSet, k int, sc *scratch) []Result {
	n := len(s.units)
	if cap(sc.sims) < n {
		sc.sims = make([]float32, n)
		sc.lex = make([]float32, n)
	}
	sims, lex := sc.sims[:n], sc.lex[:n]
	clear(lex)
	scan(s.mat, q, sims)
	total := s.lex.score(lexTerms(toks), lex)
	if total > 0 {
		inv := 1 / total
		for i := range lex {
			lex[i] *= inv
		}
	}

	hits := make([]articleHit, len(s.arts))
	for i := range hits {
		hits[i] = articleHit{vec: -1, other: -1, bestChunk: -1, bestQ: -1, chunkScore: -2, qScore: -2}
	}
	for u := range s.units {
		un := &s.units[u]
		h := &hits[un.art]
		h.indexed = true
		v, l := sims[u], lex[u]
		h.vec = max(h.vec, v)
		h.lex = max(h.lex, l)
		if un.kind != unitQuestion {
			h.other = max(h.other, v)
		}
		switch un.kind {
		case unitChunk:
			// Articles answer their main question first and add details and
			// edge cases below, so a later section must match clearly
			// better to be the one quoted.
			cs := (v + l) * (1 - chunkPositionDecay*float32(min(un.n, 5)))
			if cs > h.chunkScore {
				h.chunkScore, h.bestChunk = cs, int32(u)
			}
		case unitQuestion:
			h.nq++
			switch {
			case v > h.q1:
				h.q1, h.q2, h.q3 = v, h.q1, h.q2
			case v > h.q2:
				h.q2, h.q3 = v, h.q2
			case v > h.q3:
				h.q3 = v
			}
			if v+l > h.qScore {
				h.qScore, h.bestQ = v+l, int32(u)
			}
		}
	}
	wv, wl, wi := float64(fuseVector), float64(fuseLex), float64(fuseIntent)
	if s.intent != nil {
		p := s.intent.predict(fs.extract(toks))
		for c, a := range s.intentArt {
			hits[a].intent = p[c]
		}
	} else {
		wv, wl, wi = wv/(wv+wl), wl/(wv+wl), 0
	}
	scores := make([]float64, len(hits))
	order := make([]int, 0, len(hits))
	for a := range hits {
		h := &hits[a]
		if !h.indexed {
			// Nothing to find it by: its score would be below every real
			// match and make the best one's lead look decisive.
			continue
		}
		v := h.vec
		if h.nq >= 2 {
			// Several phrasings that agree count more than one lucky match:
			// a nearest-neighbour vote weighted towards the best question.
			agg := (3*h.q1 + h.q2) / 4
			if h.nq >= 3 {
				agg = (3*h.q1 + h.q2 + h.q3) / 5
			}
			v = max(agg, h.other)
		}
		scores[a] = wv*float64(v) + wl*float64(h.lex) + wi*float64(h.intent)
		order = append(order, a)
	}
	slices.SortStableFunc(order, func(x, y int) int {
		switch {
		case scores[x] > scores[y]:
			return -1
		case scores[x] < scores[y]:
			return 1
		}
		return 0
	})
	k = min(k, len(order))
	out := make([]Result, 0, k)
	for _, a := range order[:k] {
		h := &hits[a]
		art := s.arts[a]
		r := Result{
			ArticleID: art.ID, Title: art.Title, URL: art.URL, Lang: art.Lang,
			Score: scores[a], Lexical: float64(h.lex), Vector: float64(h.vec), Intent: float64(h.intent),
		}
		if h.bestChunk >= 0 {
			r.Chunk = s.units[h.bestChunk].text
			r.Heading = s.units[h.bestChunk].heading
		}
		if h.bestQ >= 0 {
			r.MatchedQuestion = s.units[h.bestQ].text
		}
		out = append(out, r)
	}
	return out
}
