package ingest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// datasets is the shared folder of public data sets next to the repository.
const datasets = "../../../shared/datasets"

func dataset(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(datasets, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("data set %s not available: %v", p, err)
	}
	return p
}

// The counts below are the ones in each data set's README.md.
func TestIntentDatasets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file               string
		articles           int
		rows, oos          int
		questions          int // after removing exact duplicates within a label
		minPerLabel, maxPL int
	}{
		// CLINC150: 150 intents x 100, plus 100 oos rows that are no article.
		{"clinc150/train.csv", 150, 15100, 100, 15000, 100, 100},
		{"clinc150/validation.csv", 150, 3100, 100, 3000, 20, 20},
		// BANKING77: 77 intents, 10,003 rows, 35-187 per intent, 4 exact
		// duplicate texts (all within their label).
		{"banking77/train.csv", 77, 10003, 0, 9999, 35, 187},
		// SweFAQ questions: one question per answer id.
		{"swefaq/validation.csv", 110, 110, 0, 110, 1, 1},
		{"swefaq/validation.jsonl", 110, 110, 0, 110, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			p := dataset(t, tt.file)
			as, err := Load(p)
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != tt.articles {
				t.Errorf("%d articles, want %d", len(as), tt.articles)
			}
			questions := 0
			for _, a := range as {
				n := len(a.Questions)
				questions += n
				if a.ID == OOS {
					t.Error("an oos article was made")
				}
				// Duplicates removed can only lower the count.
				if n < tt.minPerLabel-2 || n > tt.maxPL {
					t.Errorf("%s: %d questions, want %d..%d", a.ID, n, tt.minPerLabel, tt.maxPL)
				}
			}
			if questions != tt.questions {
				t.Errorf("%d questions, want %d", questions, tt.questions)
			}
			ex, err := ReadExamples(p)
			if err != nil {
				t.Fatal(err)
			}
			oos := 0
			for _, e := range ex {
				if e.Label == OOS {
					oos++
				}
			}
			if len(ex) != tt.rows || oos != tt.oos {
				t.Errorf("ReadExamples: %d rows (%d oos), want %d (%d oos)", len(ex), oos, tt.rows, tt.oos)
			}
		})
	}
}

func TestBanking77LabelsMatch(t *testing.T) {
	t.Parallel()
	as, err := Load(dataset(t, "banking77/train.csv"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(dataset(t, "banking77/labels.json"))
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	if err := json.Unmarshal(data, &labels); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, a := range as {
		ids[a.ID] = true
		if a.Lang != "en" {
			t.Errorf("%s: lang %q, want en", a.ID, a.Lang)
		}
	}
	for _, l := range labels {
		if !ids[l] {
			t.Errorf("label %s has no article", l)
		}
	}
}

// The Swedish FAQ answers come as validation_kb.jsonl, already in the JSONL
// article shape; every question's label must be one of its ids.
func TestSweFAQ(t *testing.T) {
	t.Parallel()
	kb, err := Load(dataset(t, "swefaq/validation_kb.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(kb) != 110 {
		t.Errorf("%d answer articles, want 110", len(kb))
	}
	ids := map[string]bool{}
	for _, a := range kb {
		ids[a.ID] = true
		if a.Lang != "sv" || a.Body == "" || a.Title == "" || len(a.Questions) != 0 {
			t.Errorf("%s: lang %q, title %q, %d questions", a.ID, a.Lang, a.Title, len(a.Questions))
		}
	}
	for _, f := range []string{"swefaq/validation.jsonl", "swefaq/validation.csv"} {
		qs, err := ReadExamples(dataset(t, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			if !ids[q.Label] {
				t.Errorf("%s:%d: label %s is not an answer id", f, q.Line, q.Label)
			}
		}
	}
}

// BenchmarkLoadCLINC150 measures importing 15,100 labelled rows (150
// articles), the size of a large real FAQ's example questions.
func BenchmarkLoadCLINC150(b *testing.B) {
	p := filepath.Join(datasets, "clinc150/train.csv")
	if _, err := os.Stat(p); err != nil {
		b.Skipf("data set %s not available: %v", p, err)
	}
	for b.Loop() {
		if _, err := Load(p); err != nil {
			b.Fatal(err)
		}
	}
}
