package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// datasets is the shared folder of public data sets beside the repository.
const datasets = "../../shared/datasets"

// TestQualityOnPublicDatasets guards the targets of docs/quality.md with
// the default configuration, so a change that costs answer quality fails
// here rather than in front of visitors. The floors sit a little below the
// measured values (CLINC150 top-1 0.929, deflection 0.87, wrong 0.025, OOS
// recall 0.84; Swedish FAQ top-1 0.673) to leave room for harmless
// reordering, and at or above the targets where those are met.
// Speed is measured by benchmarks, not asserted here.
func TestQualityOnPublicDatasets(t *testing.T) {
	if testing.Short() {
		t.Skip("builds knowledge bases from the public data sets")
	}
	t.Parallel()
	cases := []struct {
		name, kb, questions string
		min                 map[string]float64
		max                 map[string]float64
	}{
		{"clinc150", "clinc150/train.csv", "clinc150/validation.csv",
			map[string]float64{"top1_accuracy": 0.91, "deflection_rate": 0.80, "oos_recall": 0.75},
			map[string]float64{"wrong_answer_rate": 0.04}},
		{"swefaq", "swefaq/validation_kb.jsonl", "swefaq/validation.csv",
			map[string]float64{"top1_accuracy": 0.65},
			map[string]float64{"wrong_answer_rate": 0.06}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			kb, q := filepath.Join(datasets, c.kb), filepath.Join(datasets, c.questions)
			if _, err := os.Stat(q); err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatalf("data set missing in CI: %v", err)
				}
				t.Skipf("data set not available: %v", err)
			}
			var out bytes.Buffer
			if err := Run(context.Background(), Options{KB: kb, Questions: q, JSON: true}, &out); err != nil {
				t.Fatal(err)
			}
			var rep map[string]any
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatal(err)
			}
			for k, floor := range c.min {
				if got, _ := rep[k].(float64); got < floor {
					t.Errorf("%s = %v, want at least %v", k, got, floor)
				}
			}
			for k, ceil := range c.max {
				if got, _ := rep[k].(float64); got > ceil {
					t.Errorf("%s = %v, want at most %v", k, got, ceil)
				}
			}
		})
	}
}
