// Package eval scores the bot's real decision on a labelled question set
// against a throw-away knowledge base: retrieval accuracy, how many
// questions it deflects, how often it answers wrongly, whether it declines
// out-of-scope questions, and how long each decision takes. It also sweeps
// and calibrates the decision thresholds.
package eval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/knowledge/ingest"
)

// Options say what to evaluate and how to report it.
type Options struct {
	KB        string // knowledge base: a file or folder in any ingest format
	Questions string // labelled questions: text,label CSV or JSONL; label "oos" = out of scope
	JSON      bool   // one JSON object instead of a table
	Sweep     bool   // add the curve over the answer threshold
	Calibrate bool   // propose thresholds for TargetWrongRate
	// TargetWrongRate is the wrong-answer rate --calibrate aims for
	// (default 0.05).
	TargetWrongRate float64
	// Thresholds of the decision; zero means the bot's defaults.
	AnswerThreshold, ClarifyThreshold, ClarifyMargin float64
	// Embedder makes the vectors; nil means the built-in one.
	Embedder knowledge.Embedder
}

// outcome is what happened to one question.
type outcome struct {
	text, label string
	inScope     bool
	unknown     bool // in scope, but the label names no published article
	rank        int  // 1-based rank of the right article in retrieval, 0 if absent
	decision    bot.Decision
	retrieval   bot.Decision // the decision from retrieval alone, no rules or small talk
	ms          float64
	turn        bot.Turn
	rs          []knowledge.Result // what retrieval found, for re-deciding with other thresholds
	preempt     bool               // a rule or small talk decided before retrieval
}

// Run builds the knowledge base from opts.KB, runs every question of
// opts.Questions through the bot, and writes the report to stdout.
func Run(ctx context.Context, opts Options, stdout io.Writer) error {
	if opts.KB == "" || opts.Questions == "" {
		return errors.New("need a knowledge base and a question file")
	}
	if opts.TargetWrongRate <= 0 {
		opts.TargetWrongRate = 0.05
	}
	arts, err := ingest.Load(opts.KB)
	if err != nil {
		return fmt.Errorf("couldn't load knowledge base %s: %w", opts.KB, err)
	}
	questions, err := ingest.ReadExamples(opts.Questions)
	if err != nil {
		return fmt.Errorf("couldn't read questions %s: %w", opts.Questions, err)
	}
	start := time.Now()
	base, err := knowledge.Open(ctx, knowledge.Options{Store: knowledge.NewMemoryStore(), Embedder: opts.Embedder})
	if err != nil {
		return err
	}
	defer base.Close()
	if _, err := base.Import(ctx, arts); err != nil {
		return fmt.Errorf("couldn't import knowledge base: %w", err)
	}
	buildTime := time.Since(start)
	rules, err := bot.NewRules(bot.DefaultRulesConfig())
	if err != nil {
		return fmt.Errorf("couldn't compile the default rules: %w", err)
	}
	newBot := func(answer, clarify, margin float64) (*bot.Bot, error) {
		return bot.New(bot.Options{
			Retriever: base, Rules: rules,
			AnswerThreshold: answer, ClarifyThreshold: clarify, ClarifyMargin: margin,
		})
	}
	b, err := newBot(opts.AnswerThreshold, opts.ClarifyThreshold, opts.ClarifyMargin)
	if err != nil {
		return err
	}
	outs, err := runQuestions(ctx, base, b, questions)
	if err != nil {
		return err
	}
	rep := summarize(outs, b)
	rep.KB, rep.QuestionsFile = opts.KB, opts.Questions
	rep.Articles = base.Len()
	rep.Embedder = base.EmbedderID()
	rep.BuildSeconds = round(buildTime.Seconds(), 3)
	a, cl, m := b.Thresholds()
	if opts.Sweep {
		if rep.Sweep, err = sweep(outs, newBot, cl, m); err != nil {
			return err
		}
	}
	if opts.Calibrate {
		c, err := calibrate(outs, newBot, opts.TargetWrongRate, a, cl, m)
		if err != nil {
			return err
		}
		rep.Calibration = &c
	}
	if opts.JSON {
		return writeJSON(stdout, rep)
	}
	return writeTable(stdout, rep)
}

// runQuestions decides every question; for retrieval metrics it also
// searches on its own, because a rule may decide before retrieval.
func runQuestions(ctx context.Context, base *knowledge.Base, b *bot.Bot, qs []ingest.Example) ([]outcome, error) {
	// Known labels: an in-scope label that names no article can never be
	// answered right, and is reported.
	outs := make([]outcome, 0, len(qs))
	for _, q := range qs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		o := outcome{text: q.Text, label: q.Label, inScope: q.Label != ingest.OOS}
		if a, ok := base.Article(q.Label); o.inScope && (!ok || a.Status == knowledge.Draft) {
			o.unknown = true // a draft is never answered either
		}
		rs, err := base.Search(ctx, q.Text, 10)
		if err != nil {
			return nil, fmt.Errorf("couldn't search for %q: %w", q.Text, err)
		}
		for i, r := range rs {
			if r.ArticleID == q.Label {
				o.rank = i + 1
				break
			}
		}
		t := bot.Turn{Text: q.Text}
		t0 := time.Now()
		o.decision = b.Decide(ctx, t)
		o.ms = float64(time.Since(t0).Nanoseconds()) / 1e6
		o.turn, o.rs = t, rs
		o.retrieval = b.DecideResults(t, rs)
		o.preempt = o.decision.Action == bot.SmallTalk ||
			o.decision.Action == bot.Escalate && o.decision.Reason != bot.ReasonLowConfidence && o.decision.Reason != bot.ReasonRetrievalError
		outs = append(outs, o)
	}
	return outs, nil
}

// clarifyOptions are the article IDs a decision offered.
func clarifyOptions(d bot.Decision) []string {
	var ids []string
	if d.Action == bot.Clarify {
		for _, s := range d.Sources {
			ids = append(ids, s.ArticleID)
		}
	}
	return ids
}

func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(p*float64(len(s))+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}
