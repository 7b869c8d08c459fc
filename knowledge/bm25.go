package knowledge

import (
	"math"
	"slices"
)

// BM25 parameters (Robertson & Zaragoza 2009): k1 saturates repeated terms,
// b normalises by length. Units are short (questions, titles, sections), so
// length normalisation is kept mild.
const (
	bm25K1 = 1.2
	bm25B  = 0.5
)

// bm25Doc is one unit's terms with their frequencies.
type bm25Doc struct {
	terms []uint32
	tfs   []uint16
	len   int
}

// bm25Index is lexical retrieval over units: Okapi BM25 on Snowball stems.
// Units are kept as term lists so an import only analyses what changed and
// the postings are rebuilt cheaply.
type bm25Index struct {
	vocab    map[string]uint32
	docs     []bm25Doc
	postings [][]bm25Posting // by term
	idf      []float32       // by term
	avgLen   float64
}

type bm25Posting struct {
	unit uint32
	w    float32 // tf part of BM25, precomputed: tf*(k1+1)/(tf+k1*(1-b+b*len/avg))
}

// newBM25Doc counts terms, adding new ones to vocab.
func newBM25Doc(vocab map[string]uint32, terms []string) bm25Doc {
	counts := make(map[uint32]uint16, len(terms))
	for _, t := range terms {
		id, ok := vocab[t]
		if !ok {
			id = uint32(len(vocab))
			vocab[t] = id
		}
		if counts[id] < math.MaxUint16 {
			counts[id]++
		}
	}
	d := bm25Doc{len: len(terms)}
	for id := range counts {
		d.terms = append(d.terms, id)
	}
	slices.Sort(d.terms)
	d.tfs = make([]uint16, len(d.terms))
	for i, id := range d.terms {
		d.tfs[i] = counts[id]
	}
	return d
}

// build computes postings and IDF from docs.
func (x *bm25Index) build() {
	nTerms := len(x.vocab)
	df := make([]int, nTerms)
	var total int
	for _, d := range x.docs {
		total += d.len
		for _, t := range d.terms {
			df[t]++
		}
	}
	n := len(x.docs)
	x.avgLen = 1
	if n > 0 && total > 0 {
		x.avgLen = float64(total) / float64(n)
	}
	x.idf = make([]float32, nTerms)
	x.postings = make([][]bm25Posting, nTerms)
	for t, f := range df {
		if f > 0 {
			x.idf[t] = float32(math.Log(1 + (float64(n)-float64(f)+0.5)/(float64(f)+0.5)))
			x.postings[t] = make([]bm25Posting, 0, f)
		}
	}
	for u, d := range x.docs {
		norm := bm25K1 * (1 - bm25B + bm25B*float64(d.len)/x.avgLen)
		for i, t := range d.terms {
			tf := float64(d.tfs[i])
			x.postings[t] = append(x.postings[t], bm25Posting{unit: uint32(u), w: float32(tf * (bm25K1 + 1) / (tf + norm))})
		}
	}
}

// score adds each unit's BM25 score for the query terms into scores
// (len = number of units) and returns the query's total IDF, the score of
// a unit that matches every term once at average length: dividing by it
// gives a length-independent share of the query that matched.
func (x *bm25Index) score(terms []string, scores []float32) float32 {
	seen := make(map[string]bool, len(terms))
	var total float32
	for _, term := range terms {
		if seen[term] {
			continue
		}
		seen[term] = true
		id, ok := x.vocab[term]
		if !ok || x.idf[id] == 0 {
			// unknown terms count towards the query: an unmatched word
			// means the unit does not cover the question.
			total += x.maxIDF()
			continue
		}
		idf := x.idf[id]
		total += idf
		for _, p := range x.postings[id] {
			scores[p.unit] += idf * p.w
		}
	}
	return total
}

// maxIDF is the IDF of a term in exactly one unit.
func (x *bm25Index) maxIDF() float32 {
	n := float64(len(x.docs))
	return float32(math.Log(1 + (n-1+0.5)/1.5))
}
