package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/andon-chat/andon/bot"
)

// Report is everything `andon eval` measured. Rates of in-scope outcomes
// are over in-scope questions, oos_recall over out-of-scope ones.
type Report struct {
	KB            string  `json:"kb"`
	QuestionsFile string  `json:"questions_file"`
	Articles      int     `json:"articles"`
	BuildSeconds  float64 `json:"build_seconds"`
	Embedder      string  `json:"embedder"`

	Questions  int `json:"questions"`
	InScope    int `json:"in_scope"`
	OutOfScope int `json:"out_of_scope"`
	// UnknownLabels counts in-scope questions whose label names no
	// published article: they can never be answered right.
	UnknownLabels int `json:"unknown_labels"`
	// UnknownLabelNames are those labels, sorted, so a typo can be found.
	UnknownLabelNames []string `json:"unknown_label_names,omitempty"`

	// Retrieval alone, in-scope questions.
	Top1Accuracy float64 `json:"top1_accuracy"`
	Top3Accuracy float64 `json:"top3_accuracy"`
	MRR          float64 `json:"mrr"`

	// The real decision: rules, small talk, then retrieval.
	DeflectionRate  float64 `json:"deflection_rate"`   // in-scope answered with the right article
	WrongAnswerRate float64 `json:"wrong_answer_rate"` // in-scope answered with a wrong article
	ClarifyRate     float64 `json:"clarify_rate"`      // in-scope given a clarifying question
	ClarifyHitRate  float64 `json:"clarify_hit_rate"`  // of those, the right article was offered
	EscalationRate  float64 `json:"escalation_rate"`   // in-scope escalated (any reason)
	OOSRecall       float64 `json:"oos_recall"`        // out-of-scope not answered (escalated or clarified)
	OOSAnswered     int     `json:"oos_answered"`
	// EscalatedByRule counts questions (in and out of scope) that an
	// escalation rule took before retrieval; SmallTalk those answered as
	// small talk. Both are real behaviour, reported rather than hidden.
	EscalatedByRule     int            `json:"escalated_by_rule"`
	EscalatedByRuleRate float64        `json:"escalated_by_rule_rate"`
	SmallTalk           int            `json:"smalltalk"`
	Rules               map[string]int `json:"rules,omitempty"`
	RuleExamples        []RuleExample  `json:"rule_examples,omitempty"`

	// The same decision from retrieval alone (no rules, no small talk).
	RetrievalOnly Decisions `json:"retrieval_only"`

	P50ms float64 `json:"p50_ms"` // per-question decision time
	P99ms float64 `json:"p99_ms"`

	Thresholds  Thresholds   `json:"thresholds"`
	Sweep       []SweepPoint `json:"sweep,omitempty"`
	Calibration *Calibration `json:"calibration,omitempty"`
}

// Decisions are the decision rates of one way of deciding.
type Decisions struct {
	DeflectionRate  float64 `json:"deflection_rate"`
	WrongAnswerRate float64 `json:"wrong_answer_rate"`
	ClarifyRate     float64 `json:"clarify_rate"`
	OOSRecall       float64 `json:"oos_recall"`
}

// RuleExample is a question an escalation rule took, for reviewing rules
// that fire on ordinary questions.
type RuleExample struct {
	Text  string `json:"text"`
	Label string `json:"label"`
	Rule  string `json:"rule"`
}

// Thresholds are the decision's thresholds, as in the [bot] config section.
type Thresholds struct {
	Answer  float64 `json:"answer_threshold"`
	Clarify float64 `json:"clarify_threshold"`
	Margin  float64 `json:"clarify_margin"`
}

// maxRuleExamples bounds the rule examples in a report.
const maxRuleExamples = 25

// tally counts what the bot did with in-scope questions.
type tally struct{ right, wrong, clarified, clarifyHit, escalated int }

func (t *tally) add(d bot.Decision, label string) {
	switch d.Action {
	case bot.Answer:
		if d.ArticleID == label {
			t.right++
		} else {
			t.wrong++
		}
	case bot.Clarify:
		t.clarified++
		if slices.Contains(clarifyOptions(d), label) {
			t.clarifyHit++
		}
	case bot.Escalate:
		t.escalated++
	}
}

func summarize(outs []outcome, b *bot.Bot) Report {
	var r Report
	a, c, m := b.Thresholds()
	r.Thresholds = Thresholds{Answer: a, Clarify: c, Margin: m}
	r.Rules = map[string]int{}
	var ms []float64
	var top1, top3, rOOS int
	var dec, ret tally // the real decisions and the retrieval-only ones
	var oosOK int
	var rr float64
	unknown := map[string]bool{}
	for _, o := range outs {
		r.Questions++
		ms = append(ms, o.ms)
		d := o.decision
		if o.preempt {
			if d.Action == bot.SmallTalk {
				r.SmallTalk++
			} else {
				r.EscalatedByRule++
				r.Rules[d.Reason]++
				if len(r.RuleExamples) < maxRuleExamples {
					r.RuleExamples = append(r.RuleExamples, RuleExample{Text: o.text, Label: o.label, Rule: d.Rule})
				}
			}
		}
		if !o.inScope {
			r.OutOfScope++
			if d.Action == bot.Answer {
				r.OOSAnswered++
			} else {
				oosOK++
			}
			if o.retrieval.Action != bot.Answer {
				rOOS++
			}
			continue
		}
		r.InScope++
		if o.unknown {
			r.UnknownLabels++
			if !unknown[o.label] {
				unknown[o.label] = true
				r.UnknownLabelNames = append(r.UnknownLabelNames, o.label)
			}
		}
		if o.rank == 1 {
			top1++
		}
		if o.rank >= 1 && o.rank <= 3 {
			top3++
		}
		if o.rank > 0 {
			rr += 1 / float64(o.rank)
		}
		dec.add(d, o.label)
		ret.add(o.retrieval, o.label)
	}
	sort.Strings(r.UnknownLabelNames)
	in, oos := float64(max(r.InScope, 1)), float64(max(r.OutOfScope, 1))
	r.Top1Accuracy = round(float64(top1)/in, 4)
	r.Top3Accuracy = round(float64(top3)/in, 4)
	r.MRR = round(rr/in, 4)
	r.DeflectionRate = round(float64(dec.right)/in, 4)
	r.WrongAnswerRate = round(float64(dec.wrong)/in, 4)
	r.ClarifyRate = round(float64(dec.clarified)/in, 4)
	if dec.clarified > 0 {
		r.ClarifyHitRate = round(float64(dec.clarifyHit)/float64(dec.clarified), 4)
	}
	r.EscalationRate = round(float64(dec.escalated)/in, 4)
	r.OOSRecall = round(float64(oosOK)/oos, 4)
	r.EscalatedByRuleRate = round(float64(r.EscalatedByRule)/float64(max(r.Questions, 1)), 4)
	r.RetrievalOnly = Decisions{
		DeflectionRate:  round(float64(ret.right)/in, 4),
		WrongAnswerRate: round(float64(ret.wrong)/in, 4),
		ClarifyRate:     round(float64(ret.clarified)/in, 4),
		OOSRecall:       round(float64(rOOS)/oos, 4),
	}
	if r.OutOfScope == 0 {
		r.OOSRecall, r.RetrievalOnly.OOSRecall = 0, 0
	}
	r.P50ms = round(percentile(ms, 0.50), 3)
	r.P99ms = round(percentile(ms, 0.99), 3)
	return r
}

// SweepPoint is the real decision's outcome at one answer threshold (the
// clarify threshold capped at it): rules and small talk included.
type SweepPoint struct {
	Threshold       float64 `json:"threshold"`
	DeflectionRate  float64 `json:"deflection_rate"`
	WrongAnswerRate float64 `json:"wrong_answer_rate"`
	ClarifyRate     float64 `json:"clarify_rate"`
	OOSRecall       float64 `json:"oos_recall"`
	// BadAnswerRate counts out-of-scope questions answered as wrong
	// answers too, over all questions: what --calibrate bounds.
	BadAnswerRate float64 `json:"bad_answer_rate"`
	// ClarifyHitRate is the share of clarifying questions that offered
	// the right article (one asked for an out-of-scope question is a miss).
	ClarifyHitRate float64 `json:"clarify_hit_rate"`
	Clarified      int     `json:"clarified"` // clarifying questions asked, in and out of scope
}

type botMaker func(answer, clarify, margin float64) (*bot.Bot, error)

// at re-decides every question from its retrieval results with the given
// thresholds; questions a rule or small talk took stay unanswered.
func at(outs []outcome, newBot botMaker, answer, clarify, margin float64) (SweepPoint, error) {
	b, err := newBot(answer, min(clarify, answer), margin)
	if err != nil {
		return SweepPoint{}, err
	}
	var in, oos, oosAnswered, oosClar int
	var t tally
	for _, o := range outs {
		var d bot.Decision
		if !o.preempt {
			d = b.DecideResults(o.turn, o.rs)
		}
		if !o.inScope {
			oos++
			switch d.Action {
			case bot.Answer:
				oosAnswered++
			case bot.Clarify:
				oosClar++ // offering choices for a question nobody can answer is a miss
			}
			continue
		}
		in++
		t.add(d, o.label)
	}
	p := SweepPoint{Threshold: round(answer, 3)}
	if in > 0 {
		p.DeflectionRate = round(float64(t.right)/float64(in), 4)
		p.WrongAnswerRate = round(float64(t.wrong)/float64(in), 4)
		p.ClarifyRate = round(float64(t.clarified)/float64(in), 4)
	}
	p.Clarified = t.clarified + oosClar
	if p.Clarified > 0 {
		p.ClarifyHitRate = round(float64(t.clarifyHit)/float64(p.Clarified), 4)
	}
	if oos > 0 {
		p.OOSRecall = round(1-float64(oosAnswered)/float64(oos), 4)
	}
	if in+oos > 0 {
		p.BadAnswerRate = round(float64(t.wrong+oosAnswered)/float64(in+oos), 4)
	}
	return p, nil
}

func sweep(outs []outcome, newBot botMaker, clarify, margin float64) ([]SweepPoint, error) {
	var pts []SweepPoint
	for i := 1; i <= 20; i++ {
		p, err := at(outs, newBot, float64(i)*0.05, clarify, margin)
		if err != nil {
			return nil, err
		}
		pts = append(pts, p)
	}
	return pts, nil
}

// Calibration proposes thresholds for a target wrong-answer rate.
type Calibration struct {
	TargetWrongRate float64    `json:"target_wrong_rate"`
	Thresholds      Thresholds `json:"thresholds"`
	// Expected outcome on this question set with the proposed thresholds.
	Expected SweepPoint `json:"expected"`
	TOML     string     `json:"toml"`
}

// minClarifyHit is the share of clarifying questions that must offer the
// right article for --calibrate to lower the clarify threshold further.
const minClarifyHit = 0.5

// calibrate lowers the answer threshold from 0.99 while the bad-answer
// rate (wrong answers plus answered out-of-scope questions, over all
// questions: the question file stands for the traffic) stays within the
// target, which gives the most deflection at that rate. Then it lowers the
// clarify threshold from there while at least half of the clarifying
// questions offer the right article. The margin is kept.
func calibrate(outs []outcome, newBot botMaker, target, answer, clarify, margin float64) (Calibration, error) {
	bestA := 0.99
	for t := 99; t >= 1; t-- {
		p, err := at(outs, newBot, float64(t)/100, float64(t)/100, margin)
		if err != nil {
			return Calibration{}, err
		}
		if p.BadAnswerRate > target {
			break
		}
		bestA = float64(t) / 100
	}
	bestC := bestA
	for t := int(bestA*100) - 5; t >= 5; t -= 5 {
		p, err := at(outs, newBot, bestA, float64(t)/100, margin)
		if err != nil {
			return Calibration{}, err
		}
		if p.Clarified > 0 && p.ClarifyHitRate < minClarifyHit {
			break
		}
		bestC = float64(t) / 100
	}
	exp, err := at(outs, newBot, bestA, bestC, margin)
	if err != nil {
		return Calibration{}, err
	}
	th := Thresholds{Answer: bestA, Clarify: bestC, Margin: margin}
	return Calibration{
		TargetWrongRate: target,
		Thresholds:      th,
		Expected:        exp,
		TOML: fmt.Sprintf("[bot]\nanswer_threshold = %.2f\nclarify_threshold = %.2f\nclarify_margin = %.2f\n",
			th.Answer, th.Clarify, th.Margin),
	}, nil
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

func writeJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("couldn't write report: %w", err)
	}
	return nil
}

// maxLabelsShown is how many unknown labels the table names.
const maxLabelsShown = 10

func writeTable(w io.Writer, r Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format+"\n", args...) }
	p("knowledge base\t%s (%d articles, built in %.2fs)", r.KB, r.Articles, r.BuildSeconds)
	p("embedder\t%s", r.Embedder)
	p("questions\t%d (%d in scope, %d out of scope)", r.Questions, r.InScope, r.OutOfScope)
	if r.UnknownLabels > 0 {
		names := r.UnknownLabelNames
		more := ""
		if len(names) > maxLabelsShown {
			names, more = names[:maxLabelsShown], fmt.Sprintf(" and %d more", len(names)-maxLabelsShown)
		}
		p("unknown labels\t%d (no published article): %s%s", r.UnknownLabels, strings.Join(names, ", "), more)
	}
	p("thresholds\tanswer %.2f, clarify %.2f, margin %.2f", r.Thresholds.Answer, r.Thresholds.Clarify, r.Thresholds.Margin)
	p("")
	p("retrieval (in scope)\t")
	p("  top-1 accuracy\t%.4f", r.Top1Accuracy)
	p("  top-3 accuracy\t%.4f", r.Top3Accuracy)
	p("  MRR\t%.4f", r.MRR)
	p("")
	p("decision\twith rules\tretrieval only")
	p("  deflection rate\t%.4f\t%.4f", r.DeflectionRate, r.RetrievalOnly.DeflectionRate)
	p("  wrong-answer rate\t%.4f\t%.4f", r.WrongAnswerRate, r.RetrievalOnly.WrongAnswerRate)
	p("  clarify rate\t%.4f\t%.4f", r.ClarifyRate, r.RetrievalOnly.ClarifyRate)
	if r.OutOfScope > 0 {
		p("  OOS recall\t%.4f\t%.4f", r.OOSRecall, r.RetrievalOnly.OOSRecall)
	}
	p("  escalated by rule\t%d (%.2f%%)", r.EscalatedByRule, 100*r.EscalatedByRuleRate)
	p("  small talk\t%d", r.SmallTalk)
	p("")
	p("decision time\tp50 %.3f ms, p99 %.3f ms", r.P50ms, r.P99ms)
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Rules) > 0 {
		names := make([]string, 0, len(r.Rules))
		for k := range r.Rules {
			names = append(names, k)
		}
		sort.Strings(names)
		var parts []string
		for _, k := range names {
			parts = append(parts, fmt.Sprintf("%s %d", k, r.Rules[k]))
		}
		fmt.Fprintf(w, "\nrules fired: %s\n", strings.Join(parts, ", "))
		for _, e := range r.RuleExamples {
			fmt.Fprintf(w, "  %q (%s) -> %s\n", e.Text, e.Label, e.Rule)
		}
	}
	if len(r.Sweep) > 0 {
		fmt.Fprintf(w, "\nanswer threshold sweep (clarify threshold %.2f or the answer threshold if lower, margin %.2f):\n", r.Thresholds.Clarify, r.Thresholds.Margin)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "threshold\tdeflection\twrong answers\tclarify\tOOS recall\tbad answers\t")
		for _, s := range r.Sweep {
			fmt.Fprintf(tw, "%.2f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t\n", s.Threshold, s.DeflectionRate, s.WrongAnswerRate, s.ClarifyRate, s.OOSRecall, s.BadAnswerRate)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if r.Calibration != nil {
		c := r.Calibration
		fmt.Fprintf(w, "\ncalibrated for a bad-answer rate <= %.3f (wrong answers and answered out-of-scope questions): deflection %.4f, wrong answers %.4f, clarify %.4f (right article offered %.4f), OOS recall %.4f\n",
			c.TargetWrongRate, c.Expected.DeflectionRate, c.Expected.WrongAnswerRate, c.Expected.ClarifyRate, c.Expected.ClarifyHitRate, c.Expected.OOSRecall)
		fmt.Fprint(w, c.TOML)
	}
	return nil
}
