package incident

import (
	"context"
	"log/slog"
	"math"

	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/internal/locale"
	"github.com/andon-chat/andon/store"
)

// Responder is the bot as the hub asks it (conversation.Responder).
type Responder interface {
	Decide(ctx context.Context, t bot.Turn) bot.Decision
}

// OpenIncidents lists incidents (store.Incidents does).
type OpenIncidents interface {
	ListIncidents(ctx context.Context, limit int) ([]store.Incident, error)
}

// maxOpenChecked bounds the incidents one question is compared with.
const maxOpenChecked = 20

// StatusFirst wraps the bot: while an incident is open and has a status
// message, a visitor whose question is about its topic (as similar to the
// incident's example questions as a question must be to join a cluster)
// reads that status first, then the bot's answer.
type StatusFirst struct {
	Next      Responder
	Incidents OpenIncidents
	Detector  *Detector // its embedder and similarity decide "about the topic"
	Logger    *slog.Logger
}

// Decide implements the hub's Responder.
func (s StatusFirst) Decide(ctx context.Context, t bot.Turn) bot.Decision {
	d := s.Next.Decide(ctx, t)
	status := s.statusFor(ctx, t.Text)
	if status == "" {
		return d
	}
	lang := d.Lang
	if lang == "" {
		lang = t.Locale
	}
	first := locale.Text(lang, "incident.status_first", status)
	if d.Reply == "" {
		d.Reply = first
	} else {
		d.Reply = first + "\n\n" + d.Reply
	}
	return d
}

// statusFor is the status message of the open incident the question is
// about, "" when none.
func (s StatusFirst) statusFor(ctx context.Context, question string) string {
	ins, err := s.Incidents.ListIncidents(ctx, maxOpenChecked)
	if err != nil {
		if s.Logger != nil {
			s.Logger.Error("couldn't read the open incidents for a question", "err", err)
		}
		return ""
	}
	best, bestSim := "", -1.0
	for _, in := range ins {
		if in.State != store.IncidentOpen || in.Status == "" {
			continue
		}
		sim, err := s.Detector.similarity(ctx, question, in.Examples)
		if err != nil {
			return ""
		}
		if sim >= s.Detector.opts.Similarity && sim > bestSim {
			best, bestSim = in.Status, sim
		}
	}
	return best
}

// similarity is the cosine similarity of question to the centroid of
// examples, as a question is compared with a cluster.
func (d *Detector) similarity(ctx context.Context, question string, examples []string) (float64, error) {
	if len(examples) == 0 {
		return 0, nil
	}
	texts := make([]string, 0, len(examples)+1)
	texts = append(texts, cut(question, maxQuestionRunes))
	for _, e := range examples {
		texts = append(texts, cut(e, maxQuestionRunes))
	}
	vs, err := d.emb.Embed(ctx, texts)
	if err != nil || len(vs) != len(texts) {
		return 0, err
	}
	q := unit(vs[0])
	if q == nil {
		return 0, nil
	}
	sum := make([]float64, len(q))
	for _, v := range vs[1:] {
		if u := unit(v); len(u) == len(sum) {
			for i := range u {
				sum[i] += u[i]
			}
		}
	}
	var dot, sq float64
	for i := range sum {
		dot += q[i] * sum[i]
		sq += sum[i] * sum[i]
	}
	if sq == 0 {
		return 0, nil
	}
	return dot / math.Sqrt(sq), nil
}
