package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"
)

// Default thresholds on the calibrated confidence (see confidence.go). They
// are what deployments get without running `andon eval --calibrate`, so
// they were chosen on several data sets at once (docs/quality.md), not
// tuned to one.
const (
	DefaultAnswerThreshold  = 0.50
	DefaultClarifyThreshold = 0.20
	DefaultClarifyMargin    = 0.15
	// DefaultRetrievalTimeout bounds one search, so a slow embedder (an
	// unreachable Ollama) escalates instead of leaving the visitor waiting.
	DefaultRetrievalTimeout = 5 * time.Second
)

// ReasonRetrievalError is the escalation reason when the knowledge base
// could not be searched.
const ReasonRetrievalError = "retrieval_error"

// searchK is how many articles the decision looks at.
const searchK = 5

// Retriever finds articles for a question; *knowledge.Base is one.
type Retriever interface {
	Search(ctx context.Context, query string, k int) ([]knowledge.Result, error)
}

// Options configure a Bot. Zero thresholds mean the defaults.
type Options struct {
	Retriever Retriever
	// Rules run before retrieval; nil means the default rules.
	Rules *Rules
	// AnswerThreshold is the confidence from which the bot answers.
	AnswerThreshold float64
	// ClarifyThreshold and ClarifyMargin: below AnswerThreshold, the
	// candidates with a confidence of at least ClarifyThreshold and within
	// ClarifyMargin of the best one are offered in a clarifying question
	// when there are two or more of them.
	ClarifyThreshold, ClarifyMargin float64
	// Languages the knowledge base answers in, preferred first (default
	// en, sv). A visitor writing in another language is answered in the
	// first.
	Languages []string
	// RetrievalTimeout bounds one search (default DefaultRetrievalTimeout).
	RetrievalTimeout time.Duration
	Logger           *slog.Logger
}

// Bot makes the decision for each visitor message. It is safe for
// concurrent use.
type Bot struct {
	retriever        Retriever
	rules            *Rules
	answerThreshold  float64
	clarifyThreshold float64
	clarifyMargin    float64
	languages        []string
	timeout          time.Duration
	log              *slog.Logger
}

// New checks the options and returns a Bot.
func New(opts Options) (*Bot, error) {
	if opts.Retriever == nil {
		return nil, errors.New("couldn't create bot: no retriever")
	}
	b := &Bot{
		retriever:        opts.Retriever,
		rules:            opts.Rules,
		answerThreshold:  orDefault(opts.AnswerThreshold, DefaultAnswerThreshold),
		clarifyThreshold: orDefault(opts.ClarifyThreshold, DefaultClarifyThreshold),
		clarifyMargin:    orDefault(opts.ClarifyMargin, DefaultClarifyMargin),
		timeout:          opts.RetrievalTimeout,
		log:              opts.Logger,
	}
	if b.rules == nil {
		r, err := NewRules(DefaultRulesConfig())
		if err != nil {
			return nil, fmt.Errorf("couldn't compile default rules: %w", err)
		}
		b.rules = r
	}
	for _, l := range opts.Languages {
		if n := NormalizeLang(l); n != "" {
			b.languages = append(b.languages, n)
		}
	}
	if len(b.languages) == 0 {
		b.languages = []string{LangEnglish, LangSwedish}
	}
	if b.timeout <= 0 {
		b.timeout = DefaultRetrievalTimeout
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	switch {
	case b.answerThreshold > 1:
		return nil, fmt.Errorf("couldn't create bot: answer threshold %g is above 1", b.answerThreshold)
	case b.clarifyThreshold > b.answerThreshold:
		return nil, fmt.Errorf("couldn't create bot: clarify threshold %g is above the answer threshold %g", b.clarifyThreshold, b.answerThreshold)
	case b.answerThreshold < 0 || b.clarifyThreshold < 0 || b.clarifyMargin < 0:
		return nil, errors.New("couldn't create bot: thresholds must not be negative")
	}
	return b, nil
}

func orDefault(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// Decide returns the bot's decision for one visitor message: an escalation
// rule, small talk, or, from retrieval, an answer, a clarifying question or
// an escalation for low confidence. It never blocks longer than the
// retrieval timeout.
func (b *Bot) Decide(ctx context.Context, t Turn) Decision {
	if d, ok := b.rules.Check(t); ok {
		return d
	}
	if d, ok := SmallTalkReply(t); ok {
		return d
	}
	lang := b.replyLang(t.Lang())
	sctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	rs, err := b.retriever.Search(sctx, t.Text, searchK)
	if err != nil {
		b.log.Warn("retrieval failed, escalating", "err", err)
		return Decision{
			Action: Escalate,
			Reason: ReasonRetrievalError,
			Rule:   ReasonRetrievalError + ": " + err.Error(),
			Reply:  EscalationReply(lang, ReasonRetrievalError),
			Lang:   lang,
		}
	}
	return b.decide(t, lang, rs)
}

// DecideResults is the decision retrieval alone would make from results
// already found, without rules or small talk: `andon eval` reports it next
// to the real decision, so rules that fire on ordinary questions show.
func (b *Bot) DecideResults(t Turn, rs []knowledge.Result) Decision {
	if len(rs) > searchK {
		rs = rs[:searchK]
	}
	return b.decide(t, b.replyLang(t.Lang()), rs)
}

// Thresholds returns the answer threshold, clarify threshold and margin in
// use, defaults filled in.
func (b *Bot) Thresholds() (answer, clarify, margin float64) {
	return b.answerThreshold, b.clarifyThreshold, b.clarifyMargin
}

// replyLang is the visitor's language when the bot speaks it, else the
// first configured one.
func (b *Bot) replyLang(l string) string {
	for _, x := range b.languages {
		if x == l {
			return l
		}
	}
	return b.languages[0]
}

// decide turns retrieval results into a decision.
func (b *Bot) decide(t Turn, lang string, rs []knowledge.Result) Decision {
	confs := Confidences(rs)
	order := preferLanguage(rs, confs, lang, b.clarifyMargin)
	cands := make([]Candidate, len(order))
	for i, j := range order {
		r := rs[j]
		cands[i] = Candidate{
			ArticleID: r.ArticleID, Title: r.Title, URL: r.URL,
			Score: r.Score, Lexical: r.Lexical, Vector: r.Vector,
			MatchedQuestion: r.MatchedQuestion, Chunk: r.Chunk,
		}
	}
	d := Decision{Candidates: cands, Lang: lang}
	if len(order) == 0 {
		d.Action, d.Reason = Escalate, ReasonLowConfidence
		d.Rule = ReasonLowConfidence + ": nothing found"
		d.Reply = EscalationReply(lang, ReasonLowConfidence)
		return d
	}
	top := order[0]
	d.Confidence = confs[top]
	if d.Confidence >= b.answerThreshold {
		r := rs[top]
		d.Action = Answer
		d.ArticleID = r.ArticleID
		d.Rule = fmt.Sprintf("answer: confidence %.2f >= %.2f", d.Confidence, b.answerThreshold)
		d.Reply, d.Lang = composeAnswer(lang, t.Text, r)
		d.Sources = []store.Source{{ArticleID: r.ArticleID, Title: r.Title, URL: r.URL}}
		return d
	}
	var close []int
	for _, j := range order {
		if confs[j] >= b.clarifyThreshold && d.Confidence-confs[j] <= b.clarifyMargin && len(close) < 3 {
			close = append(close, j)
		}
	}
	if len(close) >= 2 {
		d.Action = Clarify
		d.Rule = fmt.Sprintf("clarify: %d candidates within %.2f of %.2f", len(close), b.clarifyMargin, d.Confidence)
		titles := make([]string, len(close))
		for i, j := range close {
			titles[i] = rs[j].Title
			d.Sources = append(d.Sources, store.Source{ArticleID: rs[j].ArticleID, Title: rs[j].Title, URL: rs[j].URL})
		}
		d.Reply = composeClarify(lang, titles)
		return d
	}
	d.Action, d.Reason = Escalate, ReasonLowConfidence
	d.Rule = fmt.Sprintf("%s: confidence %.2f < %.2f", ReasonLowConfidence, d.Confidence, b.answerThreshold)
	d.Reply = EscalationReply(lang, ReasonLowConfidence)
	return d
}

// preferLanguage orders results by confidence, but moves a candidate in the
// visitor's language ahead of close ones in another language: the same
// answer in Swedish beats a slightly better match in English for a Swedish
// visitor. Results without a language are neutral.
func preferLanguage(rs []knowledge.Result, confs []float64, lang string, margin float64) []int {
	order := make([]int, len(rs))
	for i := range order {
		order[i] = i
	}
	if len(rs) < 2 || rs[0].Lang == "" || sameLang(rs[0].Lang, lang) {
		return order
	}
	for i := 1; i < len(rs); i++ {
		if confs[0]-confs[i] > margin {
			break
		}
		if sameLang(rs[i].Lang, lang) {
			copy(order[1:i+1], order[0:i])
			order[0] = i
			// the preferred one inherits the top's confidence: the two
			// were judged interchangeable within the margin
			confs[i] = max(confs[i], confs[0])
			break
		}
	}
	return order
}

func sameLang(a, b string) bool {
	return strings.EqualFold(NormalizeLang(a), b)
}

// Confidences returns, for each result, how sure the bot is that it is the
// answer the visitor wants.
func Confidences(rs []knowledge.Result) []float64 {
	out := make([]float64, len(rs))
	for i, r := range rs {
		out[i] = r.Score
	}
	return out
}
