package knowledge

import (
	"context"
	"math"
	"math/rand/v2"
)

// intentModel is a multinomial logistic regression from a question's
// features to the article it asks for, trained on the knowledge base's own
// example questions (the labelled data of intent data sets). On intent data
// it ranks clearly better than nearest neighbours alone, because it learns
// which words tell close articles apart; its probabilities also feed the
// bot's confidence.
type intentModel struct {
	rows    map[uint64]int32 // feature hash -> weight row
	idf     map[uint64]float32
	rareIDF float32
	w       []float32 // rows*C
	bias    []float32
	c       int
	fs      featureSet
	gw      [numGroups]float32
}

// intentExample is one training text with its class.
type intentExample struct {
	feats []feature
	class int32
}

// Training settings, measured on BANKING77 and CLINC150 (docs/quality.md):
// more epochs or character n-grams of other lengths gain nothing there
// and cost training time.
const (
	intentEpochs   = 5
	intentLR       = 4.0
	intentMaxWork  = 6e9  // bound on epochs*examples*features*classes
	intentMinGrad  = 1e-4 // smaller gradients are skipped
	intentMaxFloat = 16e6 // bound on the weight matrix (64 MB)
)

// trainIntent fits the model. feats are already extracted (raw counts).
// It returns nil when there are fewer than two classes or the problem is
// too large for the work budget.
func trainIntent(ctx context.Context, examples []intentExample, c int, fs featureSet, gw [numGroups]float32) (*intentModel, error) {
	if c < 2 || len(examples) == 0 {
		return nil, nil
	}
	m := &intentModel{c: c, fs: fs, gw: gw, rows: make(map[uint64]int32)}
	// IDF over the training texts; features seen once are kept out of the
	// weight matrix (they cannot generalise) but still count for the norm.
	df := make(map[uint64]int32)
	nnz := 0
	for _, ex := range examples {
		for _, f := range ex.feats {
			df[f.hash]++
		}
		nnz += len(ex.feats)
	}
	n := float64(len(examples))
	m.idf = make(map[uint64]float32, len(df))
	for h, d := range df {
		m.idf[h] = float32(math.Log((n+1)/(float64(d)+1)) + 1)
		if d >= 2 {
			m.rows[h] = int32(len(m.rows))
		}
	}
	m.rareIDF = float32(math.Log((n+1)/1) + 1)
	if float64(len(m.rows))*float64(c) > intentMaxFloat {
		return nil, nil
	}
	epochs := intentEpochs
	for epochs > 2 && float64(epochs)*float64(nnz)*float64(c) > intentMaxWork {
		epochs--
	}
	if float64(epochs)*float64(nnz)*float64(c) > intentMaxWork {
		return nil, nil
	}
	m.w = make([]float32, len(m.rows)*c)
	m.bias = make([]float32, c)

	xs := make([]sparseVec, len(examples))
	for i, ex := range examples {
		xs[i] = m.vector(ex.feats)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	p := make([]float32, c)
	active := make([]int32, 0, c)
	step, total := 0, epochs*len(xs)
	for e := 0; e < epochs; e++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			step++
			// linear decay to (nearly) zero: the last examples seen must
			// not decide, or two articles with the same example question
			// get 0.95 and 0.05 instead of a fair split
			eta := float32(intentLR * max(0.01, 1-float64(step)/float64(total)))
			m.logits(xs[i], p)
			softmax(p)
			p[examples[i].class] -= 1
			// Most classes get a vanishing gradient once the model has
			// seen an example: update only the others.
			active = active[:0]
			for j, g := range p {
				if g > intentMinGrad || g < -intentMinGrad {
					active = append(active, int32(j))
				}
			}
			x := xs[i]
			for k, r := range x.idx {
				row := m.w[int(r)*c : int(r)*c+c]
				v := x.val[k] * eta
				for _, j := range active {
					row[j] -= v * p[j]
				}
			}
			for _, j := range active {
				m.bias[j] -= 0.1 * eta * p[j]
			}
		}
	}
	return m, nil
}

// sparseVec is a TF-IDF vector over weight rows.
type sparseVec struct {
	idx []int32
	val []float32
}

// vector weighs features like the built-in embedder (sublinear TF times IDF,
// each group normalised and weighted) and keeps those with a weight row.
func (m *intentModel) vector(feats []feature) sparseVec {
	var norms [numGroups]float64
	ws := make([]float32, len(feats))
	for i, f := range feats {
		idf, ok := m.idf[f.hash]
		if !ok {
			idf = m.rareIDF
		}
		ws[i] = sublinear(f.count) * idf
		norms[f.group] += float64(ws[i]) * float64(ws[i])
	}
	var total float64
	for g := range norms {
		if norms[g] > 0 {
			total += float64(m.gw[g] * m.gw[g])
		}
	}
	var v sparseVec
	if total == 0 {
		return v
	}
	for i, f := range feats {
		r, ok := m.rows[f.hash]
		if !ok {
			continue
		}
		v.idx = append(v.idx, r)
		v.val = append(v.val, ws[i]*float32(float64(m.gw[f.group])/math.Sqrt(norms[f.group]*total)))
	}
	return v
}

func (m *intentModel) logits(x sparseVec, out []float32) {
	copy(out, m.bias)
	c := m.c
	for k, r := range x.idx {
		row := m.w[int(r)*c : int(r)*c+c]
		v := x.val[k]
		for j := range out {
			out[j] += v * row[j]
		}
	}
}

// predict returns the probability of each class for the features.
func (m *intentModel) predict(feats []feature) []float32 {
	p := make([]float32, m.c)
	m.logits(m.vector(feats), p)
	softmax(p)
	return p
}

// softmax turns logits into probabilities in place.
func softmax(p []float32) {
	mx := p[0]
	for _, v := range p {
		mx = max(mx, v)
	}
	var s float32
	for i, v := range p {
		p[i] = float32(math.Exp(float64(v - mx)))
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
}
