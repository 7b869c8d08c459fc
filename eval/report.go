package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
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

	Questions  int `json:"questions"`
	InScope    int `json:"in_scope"`
	OutOfScope int `json:"out_of_scope"`
	// UnknownLabels counts in-scope questions whose label names no article.
	UnknownLabels int `json:"unknown_labels"`

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

func summarize(outs []outcome, b *bot.Bot) Report {
	var r Report
	a, c, m := b.Thresholds()
	r.Thresholds = Thresholds{Answer: a, Clarify: c, Margin: m}
	r.Rules = map[string]int{}
	var ms []float64
	var top1, top3, clar, clarHit, esc, deflect, wrong int
	var rDeflect, rWrong, rClar, rOOS int
	var oosOK int
	var rr float64
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
		switch d.Action {
		case bot.Answer:
			if d.ArticleID == o.label {
				deflect++
			} else {
				wrong++
			}
		case bot.Clarify:
			clar++
			for _, id := range clarifyOptions(d) {
				if id == o.label {
					clarHit++
				}
			}
		case bot.Escalate:
			esc++
		}
		switch o.retrieval.Action {
		case bot.Answer:
			if o.retrieval.ArticleID == o.label {
				rDeflect++
			} else {
				rWrong++
			}
		case bot.Clarify:
			rClar++
		}
	}
	in, oos := float64(max(r.InScope, 1)), float64(max(r.OutOfScope, 1))
	r.Top1Accuracy = round(float64(top1)/in, 4)
	r.Top3Accuracy = round(float64(top3)/in, 4)
	r.MRR = round(rr/in, 4)
	r.DeflectionRate = round(float64(deflect)/in, 4)
	r.WrongAnswerRate = round(float64(wrong)/in, 4)
	r.ClarifyRate = round(float64(clar)/in, 4)
	if clar > 0 {
		r.ClarifyHitRate = round(float64(clarHit)/float64(clar), 4)
	}
	r.EscalationRate = round(float64(esc)/in, 4)
	r.OOSRecall = round(float64(oosOK)/oos, 4)
	r.EscalatedByRuleRate = round(float64(r.EscalatedByRule)/float64(max(r.Questions, 1)), 4)
	r.RetrievalOnly = Decisions{
		DeflectionRate:  round(float64(rDeflect)/in, 4),
		WrongAnswerRate: round(float64(rWrong)/in, 4),
		ClarifyRate:     round(float64(rClar)/in, 4),
		OOSRecall:       round(float64(rOOS)/oos, 4),
	}
	if r.OutOfScope == 0 {
		r.OOSRecall, r.RetrievalOnly.OOSRecall = 0, 0
	}
	r.P50ms = round(percentile(ms, 0.50), 3)
	r.P99ms = round(percentile(ms, 0.99), 3)
	return r
}

// SweepPoint is the real decision's outcome at one answer threshold, with
// clarifying questions left out (below the threshold means not answered).
type SweepPoint struct {
	Threshold       float64 `json:"threshold"`
	DeflectionRate  float64 `json:"deflection_rate"`
	WrongAnswerRate float64 `json:"wrong_answer_rate"`
	OOSRecall       float64 `json:"oos_recall"`
}

// at computes the outcome when answering every question whose confidence
// is at least t and that no rule or small talk took first.
func at(outs []outcome, t float64) SweepPoint {
	var in, oos, right, wrong, oosOK int
	for _, o := range outs {
		answered := !o.preempt && o.conf >= t && len(o.retrieval.Candidates) > 0
		if !o.inScope {
			oos++
			if !answered {
				oosOK++
			}
			continue
		}
		in++
		if answered {
			if o.topRight {
				right++
			} else {
				wrong++
			}
		}
	}
	p := SweepPoint{Threshold: round(t, 3)}
	if in > 0 {
		p.DeflectionRate = round(float64(right)/float64(in), 4)
		p.WrongAnswerRate = round(float64(wrong)/float64(in), 4)
	}
	if oos > 0 {
		p.OOSRecall = round(float64(oosOK)/float64(oos), 4)
	}
	return p
}

func sweep(outs []outcome) []SweepPoint {
	var pts []SweepPoint
	for i := 0; i <= 20; i++ {
		pts = append(pts, at(outs, float64(i)*0.05))
	}
	return pts
}

// Calibration proposes thresholds for a target wrong-answer rate.
type Calibration struct {
	TargetWrongRate float64    `json:"target_wrong_rate"`
	Thresholds      Thresholds `json:"thresholds"`
	// Expected outcome at the proposed answer threshold.
	Expected SweepPoint `json:"expected"`
	TOML     string     `json:"toml"`
}

// calibrate picks the lowest answer threshold whose wrong-answer rate is at
// most the target (the most deflection that keeps wrong answers rare), and
// the lowest clarify threshold below it at which at least half of the
// clarifying questions would offer the right article.
func calibrate(outs []outcome, target float64, a, c, m float64) Calibration {
	best := 1.0
	for t := 1.0; t >= -1e-9; t -= 0.01 {
		if at(outs, t).WrongAnswerRate > target {
			break
		}
		best = t
	}
	best = round(math.Max(best, 0.01), 2)
	clar := best
	for t := best - 0.01; t > 0; t -= 0.01 {
		var n, hit int
		for _, o := range outs {
			if o.preempt || !o.inScope || o.conf < t || o.conf >= best {
				continue
			}
			n++
			if o.topRight || o.rank >= 1 && o.rank <= 3 {
				hit++
			}
		}
		if n > 0 && float64(hit)/float64(n) < 0.5 {
			break
		}
		clar = t
	}
	th := Thresholds{Answer: best, Clarify: round(clar, 2), Margin: m}
	return Calibration{
		TargetWrongRate: target,
		Thresholds:      th,
		Expected:        at(outs, best),
		TOML: fmt.Sprintf("[bot]\nanswer_threshold = %.2f\nclarify_threshold = %.2f\nclarify_margin = %.2f\n",
			th.Answer, th.Clarify, th.Margin),
	}
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

func writeTable(w io.Writer, r Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format+"\n", args...) }
	p("knowledge base\t%s (%d articles, built in %.2fs)", r.KB, r.Articles, r.BuildSeconds)
	p("questions\t%d (%d in scope, %d out of scope)", r.Questions, r.InScope, r.OutOfScope)
	if r.UnknownLabels > 0 {
		p("unknown labels\t%d", r.UnknownLabels)
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
		fmt.Fprintln(w, "\nanswer threshold sweep (no clarifying questions):")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "threshold\tdeflection\twrong answers\tOOS recall\t")
		for _, s := range r.Sweep {
			fmt.Fprintf(tw, "%.2f\t%.4f\t%.4f\t%.4f\t\n", s.Threshold, s.DeflectionRate, s.WrongAnswerRate, s.OOSRecall)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if r.Calibration != nil {
		c := r.Calibration
		fmt.Fprintf(w, "\ncalibrated for wrong-answer rate <= %.3f: deflection %.4f, wrong answers %.4f, OOS recall %.4f\n",
			c.TargetWrongRate, c.Expected.DeflectionRate, c.Expected.WrongAnswerRate, c.Expected.OOSRecall)
		fmt.Fprint(w, c.TOML)
	}
	return nil
}
