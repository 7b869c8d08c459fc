package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A question file whose labels are misspelt, or name a draft, used to be
// reported as a bare count: the labels to fix have to be named.
func TestRunNamesUnknownLabels(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	kb := filepath.Join(dir, "kb.jsonl")
	qs := filepath.Join(dir, "q.csv")
	os.WriteFile(kb, []byte(`{"id":"shipping","title":"Shipping","body":"We ship within two days."}
{"id":"returns","title":"Returns","body":"Send it back within 30 days.","status":"draft"}
`), 0o600)
	os.WriteFile(qs, []byte("text,label\nhow fast do you ship,shipping\nwhen will my parcel arrive,shiping\nhow long does delivery take,shiping\ncan I send it back,returns\nweather tomorrow,oos\n"), 0o600)

	var out bytes.Buffer
	if err := Run(context.Background(), Options{KB: kb, Questions: qs, JSON: true}, &out); err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.UnknownLabels != 3 || !slices.Equal(rep.UnknownLabelNames, []string{"returns", "shiping"}) {
		t.Errorf("unknown labels = %d %q, want 3 [returns shiping]", rep.UnknownLabels, rep.UnknownLabelNames)
	}
	out.Reset()
	if err := Run(context.Background(), Options{KB: kb, Questions: qs}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "unknown labels  3 (no published article): returns, shiping") {
		t.Errorf("table does not name the labels:\n%s", out.String())
	}
}
