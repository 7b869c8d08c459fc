package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
)

// The bundled demo knowledge base is what every first run shows, so it is
// held to a bar too: questions written apart from the articles' own example
// questions (testdata/demo_questions.csv, English and Swedish, four of them
// out of scope) must mostly be answered, rarely wrongly, and the
// out-of-scope ones never.
func TestDemoKnowledgeBaseAnswers(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := Run(context.Background(), Options{KB: "../knowledge/demo/articles", Questions: "testdata/demo_questions.csv", JSON: true}, &out)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Articles   int     `json:"articles"`
		Top1       float64 `json:"top1_accuracy"`
		Deflection float64 `json:"deflection_rate"`
		Wrong      float64 `json:"wrong_answer_rate"`
		OOSRecall  float64 `json:"oos_recall"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Articles != 44 || rep.Top1 < 0.85 || rep.Deflection < 0.80 || rep.Wrong > 0.05 || rep.OOSRecall != 1 {
		t.Fatalf("demo knowledge base: %+v (want 44 articles, top-1 >= 0.85, deflection >= 0.80, wrong <= 0.05, every out-of-scope question escalated)", rep)
	}
}
