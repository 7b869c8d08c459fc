package knowledge

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// HashOptions are the settings of the built-in embedder. The zero value
// means the defaults, which were chosen by measurement (docs/quality.md).
type HashOptions struct {
	// Dim is the vector length (default 512): longer vectors collide less,
	// shorter ones scan faster.
	Dim int
	// MinN and MaxN bound the character n-grams taken from each word padded
	// with < and > (default 3 and 5).
	MinN, MaxN int
	// WordWeight, BigramWeight and CharWeight weigh the three feature groups
	// (stemmed words, pairs of stemmed words, character n-grams; default
	// 1, 0.5, 1).
	WordWeight, BigramWeight, CharWeight float64
}

func (o HashOptions) withDefaults() HashOptions {
	if o.Dim <= 0 {
		o.Dim = 512
	}
	if o.MinN <= 0 {
		o.MinN = 3
	}
	if o.MaxN < o.MinN {
		o.MaxN = max(o.MinN, 5)
	}
	if o.WordWeight == 0 && o.BigramWeight == 0 && o.CharWeight == 0 {
		o.WordWeight, o.BigramWeight, o.CharWeight = 1, 0.5, 1
	}
	return o
}

// HashEmbedder is the built-in embedder: TF-IDF weighted features of
// Snowball-stemmed words, stem bigrams and character n-grams, hashed with a
// sign into Dim buckets (feature hashing, Weinberger et al. 2009) and L2
// normalised. It needs no download, is deterministic, and handles
// inflections (stems), misspellings and compounds (n-grams). IDF weights
// are learned from the knowledge base with Fit.
type HashEmbedder struct {
	opts HashOptions
	fs   featureSet
	an   *analyzer // shared by copies: it only caches stems
	st   *hashState
}

// hashState is what Fit learns; it never changes once made.
type hashState struct {
	idf     map[uint64]float32 // features seen at least twice
	rareIDF float32            // features seen once or never
	raw     []byte             // marshalled, for ID and persistence
	id      string
}

// NewHashEmbedder returns an unfitted built-in embedder; until Fit every
// feature weighs the same.
func NewHashEmbedder(opts HashOptions) *HashEmbedder {
	opts = opts.withDefaults()
	return &HashEmbedder{
		opts: opts,
		fs:   featureSet{minN: opts.MinN, maxN: opts.MaxN},
		an:   newAnalyzer(),
		st:   &hashState{rareIDF: 1, id: "unfitted"},
	}
}

// ID names the algorithm version, the settings and the fitted IDF state.
func (e *HashEmbedder) ID() string {
	o := e.opts
	return fmt.Sprintf("andon-hash-v1/d%d/n%d-%d/w%g,%g,%g/idf-%s",
		o.Dim, o.MinN, o.MaxN, o.WordWeight, o.BigramWeight, o.CharWeight, e.st.id)
}

// Dim is the vector length.
func (e *HashEmbedder) Dim() int { return e.opts.Dim }

// Embed returns one normalised vector per text; a text without letters or
// digits gives a zero vector.
func (e *HashEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		out[i] = e.embed(t)
	}
	return out, nil
}

func (e *HashEmbedder) embed(text string) []float32 {
	v := make([]float32, e.opts.Dim)
	dim := uint64(e.opts.Dim)
	for _, f := range e.weighted(e.fs.extract(e.an.analyze(text, ""))) {
		i := f.hash % dim
		if f.hash>>63 == 1 {
			v[i] -= f.count
		} else {
			v[i] += f.count
		}
	}
	normalize(v)
	return v
}

// weighted replaces each feature's count with its weight: sublinear term
// frequency times IDF, each group normalised to unit length and scaled by
// its group weight.
func (e *HashEmbedder) weighted(fs []feature) []feature {
	var norms [numGroups]float64
	for i := range fs {
		idf, ok := e.st.idf[fs[i].hash]
		if !ok {
			idf = e.st.rareIDF
		}
		fs[i].count = sublinear(fs[i].count) * idf
		norms[fs[i].group] += float64(fs[i].count) * float64(fs[i].count)
	}
	gw := [numGroups]float64{e.opts.WordWeight, e.opts.BigramWeight, e.opts.CharWeight}
	var scale [numGroups]float32
	for g := range norms {
		if norms[g] > 0 {
			scale[g] = float32(gw[g] / math.Sqrt(norms[g]))
		}
	}
	for i := range fs {
		fs[i].count *= scale[fs[i].group]
	}
	return fs
}

// Fit returns a copy with IDF weights learned from texts:
// log((N+1)/(df+1)) + 1 over the texts that contain a feature. Features
// seen once share the weight of unseen ones, which keeps the state small.
func (e *HashEmbedder) Fit(texts []string) Fitter {
	df := make(map[uint64]uint32)
	for _, t := range texts {
		for _, f := range e.fs.extract(e.an.analyze(t, "")) {
			df[f.hash]++
		}
	}
	keys := make([]uint64, 0, len(df))
	for h, d := range df {
		if d >= 2 {
			keys = append(keys, h)
		}
	}
	slices.Sort(keys)
	var buf bytes.Buffer
	var tmp [12]byte
	binary.LittleEndian.PutUint32(tmp[:4], uint32(len(texts)))
	buf.Write(tmp[:4])
	for _, h := range keys {
		binary.LittleEndian.PutUint64(tmp[:8], h)
		binary.LittleEndian.PutUint32(tmp[8:], df[h])
		buf.Write(tmp[:12])
	}
	st, _ := newHashState(buf.Bytes()) // our own bytes are well formed
	return e.with(st)
}

func (e *HashEmbedder) with(st *hashState) *HashEmbedder {
	c := *e
	c.st = st
	return &c
}

func newHashState(raw []byte) (*hashState, error) {
	if len(raw) < 4 || (len(raw)-4)%12 != 0 {
		return nil, errors.New("couldn't read embedder state: bad length")
	}
	n := int(binary.LittleEndian.Uint32(raw[:4]))
	idf := make(map[uint64]float32, (len(raw)-4)/12)
	for p := 4; p < len(raw); p += 12 {
		h := binary.LittleEndian.Uint64(raw[p:])
		d := binary.LittleEndian.Uint32(raw[p+8:])
		idf[h] = float32(math.Log(float64(n+1)/float64(d+1)) + 1)
	}
	sum := sha256.Sum256(raw)
	st := &hashState{idf: idf, raw: raw, id: hex.EncodeToString(sum[:6]), rareIDF: 1}
	if n > 0 {
		st.rareIDF = float32(math.Log(float64(n+1)/2) + 1)
	}
	return st, nil
}

// MarshalState returns the fitted IDF state, gzipped.
func (e *HashEmbedder) MarshalState() ([]byte, error) {
	raw := e.st.raw
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(raw); err != nil {
		return nil, fmt.Errorf("couldn't compress embedder state: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("couldn't compress embedder state: %w", err)
	}
	return buf.Bytes(), nil
}

// WithState returns a copy with a state from MarshalState.
func (e *HashEmbedder) WithState(data []byte) (Fitter, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("couldn't read embedder state: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("couldn't read embedder state: %w", err)
	}
	st, err := newHashState(raw)
	if err != nil {
		return nil, err
	}
	return e.with(st), nil
}

// normalize scales v to unit length in place; a zero vector stays zero.
func normalize(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	k := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= k
	}
}
