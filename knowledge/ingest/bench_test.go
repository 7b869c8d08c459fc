package ingest

import (
	"encoding/json"
	"fmt"
	"testing"
)

// BenchmarkLoadJSONArray reads a pretty-printed JSON array of 5,000
// articles: its cost should grow with the file, like JSONL's, not with the
// file times the number of articles.
func BenchmarkLoadJSONArray(b *testing.B) {
	arts := make([]map[string]string, 5000)
	for i := range arts {
		arts[i] = map[string]string{"id": fmt.Sprintf("a%d", i), "title": fmt.Sprintf("Title %d", i), "body": "Some body text about one thing or another."}
	}
	raw, err := json.MarshalIndent(arts, "", "  ")
	if err != nil {
		b.Fatal(err)
	}
	p := writeFile(b, b.TempDir(), "kb.json", string(raw))
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if got, err := Load(p); err != nil || len(got) != len(arts) {
			b.Fatalf("Load = %d, %v", len(got), err)
		}
	}
}
