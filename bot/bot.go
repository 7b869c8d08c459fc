package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"
)

// Default thresholds. The answer and clarify thresholds are on the
// calibrated confidence (see confidence), the margin is in fused-score
// units. They are what deployments get without running `andon eval
// --calibrate`, so they were chosen on three data sets at once
// (docs/quality.md): at most about 5% wrong answers on each, and a
// clarifying question only when the right article is more likely than
// not among those offered.
const (
	DefaultAnswerThreshold  = 0.70
	DefaultClarifyThreshold = 0.50
	DefaultClarifyMargin    = 0.10
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
	// ClarifyThreshold and ClarifyMargin: below AnswerThreshold, the two
	// or three best candidates whose scores are within ClarifyMargin of
	// the best are offered in a clarifying question when the confidence
	// that the answer is among them is at least ClarifyThreshold.
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
	order := preferLanguage(rs, lang, b.clarifyMargin)
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
	top := rs[order[0]]
	rivals := rivalsOf(rs, order)
	d.Confidence = confidence(top, rivals)
	if d.Confidence >= b.answerThreshold {
		d.Action = Answer
		d.ArticleID = top.ArticleID
		d.Rule = fmt.Sprintf("answer: confidence %.2f >= %.2f", d.Confidence, b.answerThreshold)
		d.Reply, d.Lang = composeAnswer(lang, t.Text, top)
		d.Sources = []store.Source{{ArticleID: top.ArticleID, Title: top.Title, URL: top.URL}}
		return d
	}
	// Clarify when a small group of articles stands out together: the
	// group's confidence is that of its weakest member over the best
	// article outside it, so three equally poor matches for an unrelated
	// question are not offered as choices.
	group := []knowledge.Result{top}
	for _, r := range rivals {
		if len(group) == 3 || top.Score-r.Score > b.clarifyMargin {
			break
		}
		group = append(group, r)
	}
	if n := len(group); n >= 2 {
		groupConf := confidence(group[n-1], rivals[n-1:])
		if groupConf >= b.clarifyThreshold {
			d.Action = Clarify
			d.Rule = fmt.Sprintf("clarify: %d candidates within %.2f, together %.2f >= %.2f", n, b.clarifyMargin, groupConf, b.clarifyThreshold)
			titles := make([]string, n)
			for i, r := range group {
				titles[i] = r.Title
				d.Sources = append(d.Sources, store.Source{ArticleID: r.ArticleID, Title: r.Title, URL: r.URL})
			}
			d.Reply = composeClarify(lang, titles)
			return d
		}
	}
	d.Action, d.Reason = Escalate, ReasonLowConfidence
	d.Rule = fmt.Sprintf("%s: confidence %.2f < %.2f", ReasonLowConfidence, d.Confidence, b.answerThreshold)
	d.Reply = EscalationReply(lang, ReasonLowConfidence)
	return d
}

// The confidence is a logistic function of how far the best article's
// fused score stands above its nearest rival, plus a little of the score
// itself. The margin is what tells a right answer from a wrong one on
// every data set measured (an article nothing else comes close to is
// rarely wrong), while the absolute score differs between knowledge bases
// of example questions and of long articles. Fitted on BANKING77, CLINC150
// and the Swedish FAQ pooled, each weighted equally; on each of them the
// result is roughly a probability of being right (docs/quality.md).
const (
	confMargin = 11.0  // weight of the margin over the nearest rival
	confLevel  = 0.55  // weight of the score itself (11 * 0.05)
	confBias   = -0.75 // confidence 0.5 at a margin of about 0.065
)

// confidence is how sure the bot is that top answers the question.
func confidence(top knowledge.Result, rivals []knowledge.Result) float64 {
	margin := top.Score
	if len(rivals) > 0 {
		margin = top.Score - rivals[0].Score
	}
	z := confBias + confMargin*margin + confLevel*top.Score
	return 1 / (1 + math.Exp(-z))
}

// rivalsOf are the results that compete with the chosen one, best first.
// An article in another language than the chosen one is its translation
// or at least not what this visitor reads, so it is no rival: a Swedish
// question with an English twin close behind is still answered.
func rivalsOf(rs []knowledge.Result, order []int) []knowledge.Result {
	top := rs[order[0]]
	var out []knowledge.Result
	for _, j := range order[1:] {
		r := rs[j]
		if top.Lang != "" && r.Lang != "" && !strings.EqualFold(r.Lang, top.Lang) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// preferLanguage orders results by score, but moves the best candidate in
// the visitor's language ahead of better ones in other languages when it is
// within margin of the best: the same answer in Swedish beats a slightly
// better match in English for a Swedish visitor. Results without a
// language are neutral.
func preferLanguage(rs []knowledge.Result, lang string, margin float64) []int {
	order := make([]int, len(rs))
	for i := range order {
		order[i] = i
	}
	if len(rs) < 2 || rs[0].Lang == "" || sameLang(rs[0].Lang, lang) {
		return order
	}
	for i := 1; i < len(rs); i++ {
		if rs[0].Score-rs[i].Score > margin {
			break
		}
		if sameLang(rs[i].Lang, lang) {
			copy(order[1:i+1], order[0:i])
			order[0] = i
			break
		}
	}
	return order
}

func sameLang(a, b string) bool {
	return strings.EqualFold(NormalizeLang(a), b)
}
