package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// The fixture is a hand-written help centre (eval/testdata): ten articles
// in English and Swedish with example questions, and 25 questions, four of
// them out of scope and one a refund request that the billing rule takes.

func TestRunFixtureJSON(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := Run(context.Background(), Options{KB: "testdata/kb.jsonl", Questions: "testdata/questions.csv", JSON: true}, &out)
	if err != nil {
		t.Fatal(err)
	}
	var rep map[string]any
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	for _, key := range []string{"questions", "top1_accuracy", "mrr", "deflection_rate", "wrong_answer_rate", "oos_recall", "p50_ms", "p99_ms", "escalated_by_rule"} {
		if _, ok := rep[key]; !ok {
			t.Errorf("report has no %q", key)
		}
	}
	want := map[string]float64{
		"questions":         25,
		"in_scope":          21,
		"out_of_scope":      4,
		"articles":          10,
		"top1_accuracy":     1,
		"deflection_rate":   0.9048,
		"wrong_answer_rate": 0,
		"oos_recall":        1,
		"escalated_by_rule": 1,
	}
	for k, v := range want {
		if got, _ := rep[k].(float64); got != v {
			t.Errorf("%s = %v, want %v", k, rep[k], v)
		}
	}
	// The report carries the decision time; how fast it is belongs to the
	// benchmarks and `andon eval` on a quiet machine, not to a test.
	if p50, _ := rep["p50_ms"].(float64); p50 <= 0 || p50 > rep["p99_ms"].(float64) {
		t.Errorf("p50_ms = %v, p99_ms = %v", rep["p50_ms"], rep["p99_ms"])
	}
	rules, _ := rep["rules"].(map[string]any)
	if rules["sensitive:billing"] != 1.0 {
		t.Errorf("rules = %v, want the refund question under sensitive:billing", rules)
	}
}

func TestRunTableSweepCalibrate(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := Run(context.Background(), Options{KB: "testdata/kb.jsonl", Questions: "testdata/questions.csv", Sweep: true, Calibrate: true}, &out)
	if err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"top-1 accuracy", "deflection rate", "OOS recall", "escalated by rule", "answer threshold sweep", "[bot]\nanswer_threshold = ", "clarify_threshold = ", "clarify_margin = "} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, o := range map[string]Options{
		"no kb":            {Questions: "testdata/questions.csv"},
		"missing kb":       {KB: "testdata/nope.jsonl", Questions: "testdata/questions.csv"},
		"missing question": {KB: "testdata/kb.jsonl", Questions: "testdata/nope.csv"},
		"bad threshold":    {KB: "testdata/kb.jsonl", Questions: "testdata/questions.csv", AnswerThreshold: 2},
	} {
		if err := Run(ctx, o, &bytes.Buffer{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
