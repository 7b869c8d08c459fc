// Package incident notices when many visitors suddenly ask about the same
// thing: questions are grouped online into clusters of the same need (by
// cosine similarity of their embeddings to each cluster's centroid), each
// cluster keeps a baseline rate per hour of the week, and an alert is raised
// when a cluster's count in the last window is far above what its baseline
// makes likely (a small upper-tail probability), not when a fixed count is
// reached.
package incident

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// Embedder turns texts into vectors; the knowledge base's embedder (the
// one the bot searches with) fits.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Options are the detector's settings. The zero value of a field means its
// default.
type Options struct {
	// Window is how far back a burst is counted (default 10 minutes).
	Window time.Duration
	// PValue is the sensitivity: an alert is raised when a count at least
	// as high as the window's would have this probability or less under
	// the cluster's baseline (default 1e-6; larger is more sensitive).
	PValue float64
	// MinQuestions is the fewest questions in the window that can make an
	// alert, whatever the baseline (default 5), so a rare topic asked
	// twice is not an incident.
	MinQuestions int
	// Similarity is the least cosine similarity between a question and a
	// cluster's centroid for the question to join it (default 0.35).
	Similarity float64
	// Learn is how long the detector only learns after it starts, so that
	// every usual topic has a baseline before it can alert (default 24h).
	Learn time.Duration
	// MaxClusters bounds the memory: the cluster asked least recently is
	// forgotten to make room (default 2000).
	MaxClusters int
}

func (o Options) withDefaults() Options {
	if o.Window <= 0 {
		o.Window = 10 * time.Minute
	}
	if o.PValue <= 0 {
		o.PValue = 1e-6
	}
	if o.MinQuestions <= 0 {
		o.MinQuestions = 5
	}
	if o.Similarity <= 0 {
		o.Similarity = 0.35
	}
	if o.Learn < 0 {
		o.Learn = 0
	} else if o.Learn == 0 {
		o.Learn = 24 * time.Hour
	}
	if o.MaxClusters <= 0 {
		o.MaxClusters = 2000
	}
	return o
}

// Bounds on what one question can make the detector hold.
const (
	maxQuestionRunes = 500  // a longer question is cut before embedding
	maxRecent        = 1000 // questions of one cluster remembered for its window
	maxExamples      = 5    // example questions an alert carries
)

// The baseline's prior: a new cluster is expected about once every
// priorHours, with the weight of priorHours of observation, so that a
// cluster seen a few times stays uncertain (a heavy tail) instead of
// alerting on its third question. pseudoHours is how many hours of its
// parent's rate an hour-of-week or hour-of-day rate starts from.
const (
	priorHours  = 4.0
	pseudoHours = 1.0
)

const (
	slotsPerWeek = 7 * 24
)

// Alert says that a cluster of questions rose far above its usual rate.
type Alert struct {
	ClusterID string
	// Label is the question nearest the cluster's centroid among its
	// examples, to name the topic.
	Label string
	// Count questions were asked in the Window before At; Expected is the
	// baseline's mean for such a window at that time of the week.
	Count    int
	Expected float64
	PValue   float64
	Window   time.Duration
	At       time.Time
	// Examples are recent questions of the cluster, newest last.
	Examples []string
}

// Detector groups questions into clusters and raises alerts. Its methods
// are safe for concurrent use.
type Detector struct {
	opts Options
	emb  Embedder

	mu       sync.Mutex
	clusters []*cluster
	nextID   int
	started  time.Time
	last     time.Time             // exposure is counted up to here
	exposure [slotsPerWeek]float64 // hours observed per hour of the week
}

type cluster struct {
	id       string
	sum      []float64 // sum of the members' unit vectors
	norm     float64   // |sum|
	lastSeen time.Time
	// created is the detector's exposure when the cluster was made: its
	// own exposure is the detector's since then.
	created [slotsPerWeek]float64
	counts  [slotsPerWeek]float64 // questions per hour of the week, the window's included
	total   float64
	recent  []member // within the window (at most maxRecent), oldest first
	alerted bool     // an alert was raised and the burst has not ended
}

type member struct {
	at   time.Time
	slot int
	text string
	vec  []float32
}

// NewDetector returns a detector that embeds with emb.
func NewDetector(emb Embedder, opts Options) (*Detector, error) {
	if emb == nil {
		return nil, errors.New("incident: no embedder")
	}
	return &Detector{opts: opts.withDefaults(), emb: emb}, nil
}

// Options returns the settings in use, defaults filled in.
func (d *Detector) Options() Options { return d.opts }

// Observe adds a visitor's question asked at at and returns an alert when
// it makes its cluster's burst unlikely under the baseline (at most one per
// burst), else nil. Questions should come in time order; an older one is
// counted at the newest time seen.
func (d *Detector) Observe(ctx context.Context, text string, at time.Time) (*Alert, error) {
	text = cut(text, maxQuestionRunes)
	vs, err := d.emb.Embed(ctx, []string{text})
	if err != nil {
		return nil, fmt.Errorf("couldn't embed a question: %w", err)
	}
	if len(vs) != 1 {
		return nil, fmt.Errorf("the embedder returned %d vectors for one question", len(vs))
	}
	vec := vs[0]
	if unit(vec) == nil {
		return nil, nil // no letters or digits: no topic
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.started.IsZero() {
		d.started, d.last = at, at
	}
	if at.Before(d.last) {
		at = d.last
	}
	d.advance(at)
	c := d.assign(vec, at)
	slot := slotOf(at)
	c.counts[slot]++
	c.total++
	c.lastSeen = at
	c.recent = append(c.recent, member{at: at, slot: slot, text: text, vec: vec})
	if len(c.recent) > maxRecent {
		c.recent = slices.Delete(c.recent, 0, len(c.recent)-maxRecent)
	}
	c.trim(at.Add(-d.opts.Window))
	return d.evaluate(c, at), nil
}

// Match returns the cluster a question belongs to, if any, without
// counting it; used to find the visitors who ask about an incident's
// topic.
func (d *Detector) Match(ctx context.Context, text string) (clusterID string, ok bool, err error) {
	vs, err := d.emb.Embed(ctx, []string{cut(text, maxQuestionRunes)})
	if err != nil || len(vs) != 1 {
		return "", false, err
	}
	if unit(vs[0]) == nil {
		return "", false, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	c, _ := d.nearest(vs[0])
	if c == nil {
		return "", false, nil
	}
	return c.id, true, nil
}

// evaluate decides whether cluster c's window is an alert.
func (d *Detector) evaluate(c *cluster, at time.Time) *Alert {
	n := len(c.recent)
	shape, rate := d.baseline(c, at)
	w := d.opts.Window.Hours()
	p := negBinomTail(n, shape, rate, w)
	if p > d.opts.PValue {
		if n < d.opts.MinQuestions || p > math.Sqrt(d.opts.PValue) {
			c.alerted = false // the burst is over (hysteresis: well below the threshold)
		}
		return nil
	}
	if c.alerted || n < d.opts.MinQuestions || at.Sub(d.started) < d.opts.Learn {
		return nil
	}
	c.alerted = true
	return &Alert{
		ClusterID: c.id,
		Label:     c.label(),
		Count:     n,
		Expected:  shape / rate * w,
		PValue:    p,
		Window:    d.opts.Window,
		At:        at,
		Examples:  c.examples(),
	}
}

// baseline is the Gamma posterior (shape, rate per hour) of cluster c's
// question rate at hour-of-week slot, leaving out the questions in the
// window being tested (its questions and its time): the cluster's overall
// rate (from the prior) is the start of its rate at this hour of the day,
// which is the start of its rate at this hour of the week.
func (d *Detector) baseline(c *cluster, at time.Time) (shape, rate float64) {
	slot := slotOf(at)
	var inWindow, windowHours [slotsPerWeek]float64
	for _, m := range c.recent {
		inWindow[m.slot]++
	}
	for t := at.Add(-d.opts.Window); t.Before(at); {
		next := t.Truncate(time.Hour).Add(time.Hour)
		if next.After(at) {
			next = at
		}
		windowHours[slotOf(t)] += next.Sub(t).Hours()
		t = next
	}
	exp := func(s int) float64 { return max(d.exposure[s]-c.created[s]-windowHours[s], 0) }
	n := func(s int) float64 { return max(c.counts[s]-inWindow[s], 0) }
	var nAll, eAll, nDay, eDay float64
	for s := range slotsPerWeek {
		nAll += n(s)
		eAll += exp(s)
		if s%24 == slot%24 {
			nDay += n(s)
			eDay += exp(s)
		}
	}
	overall := (1 + nAll) / (priorHours + eAll)
	daily := (pseudoHours*overall + nDay) / (pseudoHours + eDay)
	shape = pseudoHours*daily + n(slot)
	rate = pseudoHours + exp(slot)
	// Never more certain than the cluster's whole history allows.
	if total := 1 + nAll; shape > total {
		rate *= total / shape
		shape = total
	}
	return shape, rate
}

// advance counts the time from d.last to at as observed, per hour of the
// week.
func (d *Detector) advance(at time.Time) {
	t := d.last
	if gap := at.Sub(t); gap > 7*24*time.Hour {
		weeks := math.Floor(gap.Hours() / (7 * 24))
		for s := range slotsPerWeek {
			d.exposure[s] += weeks
		}
		t = t.Add(time.Duration(weeks) * 7 * 24 * time.Hour)
	}
	for t.Before(at) {
		next := t.Truncate(time.Hour).Add(time.Hour)
		if next.After(at) {
			next = at
		}
		d.exposure[slotOf(t)] += next.Sub(t).Hours()
		t = next
	}
	d.last = at
}

// assign returns the cluster vec joins, making one (and forgetting the
// least recently asked when full) when none is similar enough.
func (d *Detector) assign(vec []float32, at time.Time) *cluster {
	c, sim := d.nearest(vec)
	if c == nil || sim < d.opts.Similarity {
		if len(d.clusters) >= d.opts.MaxClusters {
			d.forgetOldest()
		}
		d.nextID++
		c = &cluster{id: fmt.Sprintf("c%d", d.nextID), sum: make([]float64, len(vec)), created: d.exposure}
		d.clusters = append(d.clusters, c)
	}
	u := unit(vec)
	var sq float64
	for i := range c.sum {
		c.sum[i] += u[i]
		sq += c.sum[i] * c.sum[i]
	}
	c.norm = math.Sqrt(sq)
	return d.mergeNear(c)
}

// mergeNear joins into c every other cluster whose centroid has become as
// similar to c's as a member must be: one need first asked in different
// words starts as several clusters, and their centroids meet as the
// words that differ average out.
func (d *Detector) mergeNear(c *cluster) *cluster {
	for i := 0; i < len(d.clusters); i++ {
		o := d.clusters[i]
		if o == c || len(o.sum) != len(c.sum) || o.norm == 0 {
			continue
		}
		var dot float64
		for j, x := range c.sum {
			dot += x * o.sum[j]
		}
		if dot/(c.norm*o.norm) < d.opts.Similarity {
			continue
		}
		var sq float64
		for j := range c.sum {
			c.sum[j] += o.sum[j]
			sq += c.sum[j] * c.sum[j]
		}
		c.norm = math.Sqrt(sq)
		for s := range slotsPerWeek {
			c.counts[s] += o.counts[s]
			c.created[s] = min(c.created[s], o.created[s]) // the older history
		}
		c.total += o.total
		c.recent = append(c.recent, o.recent...)
		slices.SortStableFunc(c.recent, func(x, y member) int { return x.at.Compare(y.at) })
		if len(c.recent) > maxRecent {
			c.recent = slices.Delete(c.recent, 0, len(c.recent)-maxRecent)
		}
		c.alerted = c.alerted || o.alerted
		if o.lastSeen.After(c.lastSeen) {
			c.lastSeen = o.lastSeen
		}
		d.clusters = slices.Delete(d.clusters, i, i+1)
		i--
	}
	return c
}

func (d *Detector) nearest(vec []float32) (*cluster, float64) {
	u := unit(vec)
	var best *cluster
	bestSim := math.Inf(-1)
	for _, c := range d.clusters {
		if len(c.sum) != len(u) || c.norm == 0 {
			continue
		}
		var dot float64
		for i, x := range u {
			dot += x * c.sum[i]
		}
		if sim := dot / c.norm; sim > bestSim {
			best, bestSim = c, sim
		}
	}
	return best, bestSim
}

func (d *Detector) forgetOldest() {
	i := 0
	for j, c := range d.clusters {
		if c.lastSeen.Before(d.clusters[i].lastSeen) {
			i = j
		}
	}
	d.clusters = slices.Delete(d.clusters, i, i+1)
}

// Clusters is how many clusters the detector holds.
func (d *Detector) Clusters() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.clusters)
}

func (c *cluster) trim(since time.Time) {
	i := 0
	for i < len(c.recent) && c.recent[i].at.Before(since) {
		i++
	}
	c.recent = slices.Delete(c.recent, 0, i)
}

func (c *cluster) examples() []string {
	from := max(len(c.recent)-maxExamples, 0)
	out := make([]string, 0, len(c.recent)-from)
	for _, m := range c.recent[from:] {
		out = append(out, m.text)
	}
	return out
}

// label is the recent question nearest the centroid.
func (c *cluster) label() string {
	best, bestSim := "", math.Inf(-1)
	for _, m := range c.recent {
		var dot float64
		for i, x := range unit(m.vec) {
			dot += x * c.sum[i]
		}
		if dot > bestSim {
			best, bestSim = m.text, dot
		}
	}
	return best
}

// slotOf is the hour of the week (UTC), 0 = Sunday 00:00.
func slotOf(t time.Time) int {
	t = t.UTC()
	return int(t.Weekday())*24 + t.Hour()
}

// unit returns v normalised, or nil for a zero vector.
func unit(v []float32) []float64 {
	var sq float64
	for _, x := range v {
		sq += float64(x) * float64(x)
	}
	if sq == 0 {
		return nil
	}
	n := math.Sqrt(sq)
	u := make([]float64, len(v))
	for i, x := range v {
		u[i] = float64(x) / n
	}
	return u
}

func cut(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// negBinomTail is P(X >= k) when X counts a window of w hours whose
// rate has a Gamma(shape, rate) distribution: the negative binomial
// posterior predictive, which is wider than a Poisson when the baseline is
// uncertain (a new cluster) and tends to the Poisson as it becomes sure.
func negBinomTail(k int, shape, rate, w float64) float64 {
	if k <= 0 {
		return 1
	}
	q := w / (rate + w) // probability of "one more"
	logPMF := func(i int) float64 {
		li, _ := math.Lgamma(float64(i) + shape)
		la, _ := math.Lgamma(shape)
		lf, _ := math.Lgamma(float64(i) + 1)
		return li - la - lf + shape*math.Log1p(-q) + float64(i)*math.Log(q)
	}
	mean := shape * q / (1 - q)
	if float64(k) <= mean {
		return 1 // not above the mean: no burst
	}
	// Above the mode the terms fall; sum them until they stop counting.
	var sum float64
	first := logPMF(k)
	for i := k; i < k+100000; i++ {
		t := math.Exp(logPMF(i) - first)
		sum += t
		if t < 1e-12*sum {
			break
		}
	}
	return math.Min(1, math.Exp(first)*sum)
}
