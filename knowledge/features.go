package knowledge

import (
	"math"
	"sort"
	"unicode/utf8"
)

// Feature groups of the built-in embedder. Each group is normalised on its
// own and weighted, so long words with many character n-grams do not drown
// the word features.
const (
	groupWord = iota
	groupBigram
	groupChar
	numGroups
)

// feature is one hashed feature of a text with its raw count.
type feature struct {
	hash  uint64
	group int
	count float32
}

// fnv64 hashes s with FNV-1a, seeded with the group so that the word "ab"
// and the character n-gram "ab" differ. It is stable across processes,
// which the persisted index relies on.
func fnv64(seed byte, parts ...string) uint64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	h ^= uint64(seed)
	h *= prime
	for i, p := range parts {
		if i > 0 {
			h ^= ' '
			h *= prime
		}
		for j := 0; j < len(p); j++ {
			h ^= uint64(p[j])
			h *= prime
		}
	}
	// final avalanche (splitmix64) so low bits are well mixed for bucketing
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// featureSet holds the settings that decide which features a text has.
type featureSet struct {
	minN, maxN int // character n-gram lengths, on words padded with < and >
}

// extract returns the features of tokens with their counts, sorted by hash
// so that equal texts give equal, deterministic output.
func (fs featureSet) extract(toks []token) []feature {
	counts := make(map[uint64]*feature, len(toks)*8)
	add := func(h uint64, g int) {
		if f, ok := counts[h]; ok {
			f.count++
			return
		}
		counts[h] = &feature{hash: h, group: g, count: 1}
	}
	var buf []byte
	for i, t := range toks {
		add(fnv64('w', t.stem), groupWord)
		if i > 0 {
			add(fnv64('b', toks[i-1].stem, t.stem), groupBigram)
		}
		buf = append(buf[:0], '<')
		buf = append(buf, t.word...)
		buf = append(buf, '>')
		addCharGrams(buf, fs.minN, fs.maxN, func(g []byte) { add(fnv64('c', string(g)), groupChar) })
	}
	out := make([]feature, 0, len(counts))
	for _, f := range counts {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].hash < out[j].hash })
	return out
}

// addCharGrams calls fn with every n-gram of w (in runes) for n in
// [minN, maxN]; a word shorter than minN gives itself.
func addCharGrams(w []byte, minN, maxN int, fn func([]byte)) {
	// rune start offsets
	var starts [128]int
	n := 0
	for i := 0; i < len(w) && n < len(starts)-1; {
		starts[n] = i
		n++
		_, size := utf8.DecodeRune(w[i:])
		i += size
	}
	starts[n] = len(w)
	if n < minN {
		fn(w)
		return
	}
	for size := minN; size <= maxN; size++ {
		for i := 0; i+size <= n; i++ {
			fn(w[starts[i]:starts[i+size]])
		}
	}
}

// sublinear is the tf weighting of the built-in embedder and BM25-free
// cosine: repeated words count, but with diminishing returns.
func sublinear(c float32) float32 {
	return 1 + float32(math.Log(float64(c)))
}
