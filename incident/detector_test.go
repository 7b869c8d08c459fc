package incident_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/andon-chat/andon/incident"
	"github.com/andon-chat/andon/knowledge"
)

// topic is one need visitors have, asked in many ways.
type topic struct {
	perHour float64  // its mean rate over a day
	words   []string // the words that say the need; a question takes a few
}

// topics of a web shop's support, with Zipf-like rates: a few asked all day
// long, many rarely.
var topics = []topic{
	{0, []string{"refund", "money back", "return", "returned item"}},
	{0, []string{"delivery", "parcel", "shipping", "tracking number", "late"}},
	{0, []string{"invoice", "receipt", "VAT", "billing address"}},
	{0, []string{"discount code", "coupon", "voucher", "promo"}},
	{0, []string{"log in", "cannot", "login", "password", "sign in", "account locked"}},
	{0, []string{"size guide", "fits", "too small", "too big", "exchange"}},
	{0, []string{"opening hours", "store open", "weekend", "holiday"}},
	{0, []string{"credit card", "payment declined", "card rejected", "pay"}},
	{0, []string{"cancel order", "cancellation", "change my order"}},
	{0, []string{"newsletter", "unsubscribe", "emails", "spam"}},
	{0, []string{"gift card", "balance", "gift wrapping"}},
	{0, []string{"warranty", "broken", "repair", "defect"}},
	{0, []string{"delete account", "privacy", "personal data", "GDPR"}},
	{0, []string{"stock", "sold out", "back in stock", "restock"}},
	{0, []string{"international", "ship abroad", "customs", "duties"}},
	{0, []string{"app", "crashes", "iphone", "android"}},
	{0, []string{"loyalty points", "membership", "bonus"}},
	{0, []string{"pick up", "click and collect", "collect in store"}},
	{0, []string{"student discount", "military", "verify"}},
	{0, []string{"phone number", "call", "speak to someone", "contact"}},
	{0, []string{"address change", "wrong address", "moved"}},
	{0, []string{"klarna", "installments", "pay later"}},
	{0, []string{"damaged", "package arrived", "torn", "wet"}},
	{0, []string{"jobs", "career", "work for you"}},
}

var (
	openers = []string{"", "hi", "hello", "hey,", "please help:", "question:", "excuse me", "good morning"}
	fillers = []string{"", "my", "the", "I have a problem with", "how does", "what about", "why", "where is", "help with", "is there"}
	closers = []string{"", "?", "today", "again", "please", "thanks", "asap", "!!"}
)

func init() {
	for i := range topics {
		topics[i].perHour = 30 / math.Pow(float64(i+1), 0.9) // 30/h down to ~2/h
	}
}

func question(r *rand.Rand, t topic) string {
	// The built-in embedder is lexical: questions of one need share its
	// main word (words[0]) and add some of the others.
	w := append([]string(nil), t.words[1:]...)
	r.Shuffle(len(w), func(i, j int) { w[i], w[j] = w[j], w[i] })
	w = append(w[:r.IntN(3)], t.words[0])
	r.Shuffle(len(w), func(i, j int) { w[i], w[j] = w[j], w[i] })
	n := len(w)
	parts := []string{openers[r.IntN(len(openers))], fillers[r.IntN(len(fillers))]}
	parts = append(parts, w[:n]...)
	parts = append(parts, closers[r.IntN(len(closers))])
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// daily is the traffic's shape over a day: quiet at night, a peak in the
// afternoon, less at weekends; its mean over a weekday is about 1.
func daily(t time.Time) float64 {
	h := float64(t.Hour()) + float64(t.Minute())/60
	m := 1 + 0.85*math.Sin((h-9)/24*2*math.Pi)
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		m *= 0.6
	}
	return m
}

type asked struct {
	at   time.Time
	text string
}

// traffic is a normal stretch of days, a Poisson arrival per topic per
// minute at its rate times the daily shape, in time order.
func traffic(r *rand.Rand, from time.Time, days int) []asked {
	var out []asked
	for t := from; t.Before(from.Add(time.Duration(days) * 24 * time.Hour)); t = t.Add(time.Minute) {
		for _, tp := range topics {
			for range poisson(r, tp.perHour*daily(t)/60) {
				out = append(out, asked{t.Add(time.Duration(r.IntN(60)) * time.Second), question(r, tp)})
			}
		}
	}
	slices.SortStableFunc(out, func(x, y asked) int { return x.at.Compare(y.at) })
	return out
}

func poisson(r *rand.Rand, mean float64) int {
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func newDetector(t *testing.T) *incident.Detector {
	t.Helper()
	// The bot's embedder is fitted to the knowledge base (IDF weights, so
	// that greetings and fillers weigh little); a day of questions
	// stands in for the articles here.
	var corpus []string
	for _, q := range traffic(rand.New(rand.NewPCG(9, 9)), monday, 1) {
		corpus = append(corpus, q.text)
	}
	emb := knowledge.NewHashEmbedder(knowledge.HashOptions{}).Fit(corpus)
	d, err := incident.NewDetector(emb, incident.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// login is the topic of the burst: asked about once in 10 minutes at 10:00.
const login = 4

// monday is a Monday at midnight UTC: the replay starts there.
var monday = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

func TestQuietOnNormalDays(t *testing.T) {
	if testing.Short() {
		t.Skip("replays a week of traffic")
	}
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { quietWeek(t, seed) })
	}
}

// quietWeek replays a normal week (Monday to Sunday, the first day only
// learned) through a detector and fails on any alert.
func quietWeek(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(1, seed))
	d := newDetector(t)
	ctx := context.Background()
	qs := traffic(r, monday, 7)
	alarms := 0
	for _, q := range qs {
		a, err := d.Observe(ctx, q.text, q.at)
		if err != nil {
			t.Fatal(err)
		}
		if a != nil {
			alarms++
			t.Logf("false alarm at %s: %d questions, expected %.2f, p=%.2g, e.g. %q", a.At.Format("Mon 15:04"), a.Count, a.Expected, a.PValue, a.Examples)
		}
	}
	t.Logf("%d questions over 7 days in %d clusters of %d topics: %d false alarms", len(qs), d.Clusters(), len(topics), alarms)
	if alarms > 0 {
		t.Errorf("%d false alarms on a normal week; want 0", alarms)
	}
}

func TestAlertsOnABurst(t *testing.T) {
	if testing.Short() {
		t.Skip("replays days of traffic")
	}
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { burst(t, seed) })
	}
}

// burst replays two normal days and a third with a burst of questions
// about logging in; exactly one alert must come, within the window.
func burst(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(3, seed))
	d := newDetector(t)
	ctx := context.Background()
	// Two normal days to learn, then on Wednesday at 10:00 a login outage:
	// 14 more visitors than usual ask about logging in within 10 minutes.
	qs := traffic(r, monday, 3)
	start := monday.Add(2*24*time.Hour + 10*time.Hour)
	var burst []asked
	for i := range 14 {
		burst = append(burst, asked{start.Add(time.Duration(i) * 10 * time.Minute / 14), question(r, topics[login])})
	}
	qs = merge(qs, burst)
	var alerts []*incident.Alert
	for _, q := range qs {
		a, err := d.Observe(ctx, q.text, q.at)
		if err != nil {
			t.Fatal(err)
		}
		if a != nil {
			alerts = append(alerts, a)
		}
	}
	if len(alerts) != 1 {
		for _, a := range alerts {
			t.Logf("alert at %s: %d, expected %.2f, %q", a.At.Format("Mon 15:04"), a.Count, a.Expected, a.Examples)
		}
		t.Fatalf("%d alerts; want exactly the burst's", len(alerts))
	}
	a := alerts[0]
	delay := a.At.Sub(start)
	t.Logf("alert %s after the burst began: %d questions in %s, usually %.2f (p=%.2g), label %q", delay, a.Count, a.Window, a.Expected, a.PValue, a.Label)
	if delay < 0 || delay > d.Options().Window {
		t.Errorf("alert %s after the burst began; want within the window %s", delay, d.Options().Window)
	}
	if !strings.Contains(strings.ToLower(strings.Join(a.Examples, " ")), "log") &&
		!strings.Contains(strings.ToLower(strings.Join(a.Examples, " ")), "password") &&
		!strings.Contains(strings.ToLower(strings.Join(a.Examples, " ")), "sign in") {
		t.Errorf("examples %q are not about logging in", a.Examples)
	}
}

func merge(a, b []asked) []asked {
	out := make([]asked, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if b[0].at.Before(a[0].at) {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}
