package main

import (
	"strings"
	"testing"

	"github.com/andon-chat/andon/internal/ollamatest"
)

func TestEvalEmbedderFlag(t *testing.T) {
	t.Parallel()
	s := ollamatest.New()
	defer s.Close()
	s.AddEmbedModel("nomic-embed-text", 32)
	kb, qs := "../../eval/testdata/kb.jsonl", "../../eval/testdata/questions.csv"

	code, out, stderr := call(t, "eval", "--kb", kb, "--questions", qs, "--embedder", "ollama:nomic-embed-text", "--ollama-url", s.URL)
	if code != 0 || !strings.Contains(out, "ollama:nomic-embed-text:32") {
		t.Fatalf("eval with ollama: %d\n%s\n%s", code, out, stderr)
	}
	if len(s.EmbedRequests()) < 2 {
		t.Fatalf("articles and questions were not embedded by Ollama")
	}
	if code, out, _ := call(t, "eval", "--kb", kb, "--questions", qs); code != 0 || !strings.Contains(out, "embedder        andon-hash-v1") {
		t.Fatalf("eval with the built-in embedder: %d\n%s", code, out)
	}
	if code, _, stderr := call(t, "eval", "--kb", kb, "--questions", qs, "--embedder", "ollama:bge-m3", "--ollama-url", s.URL); code != 1 || !strings.Contains(stderr, "ollama pull bge-m3") {
		t.Fatalf("missing model: %d %q", code, stderr)
	}
	if code, _, stderr := call(t, "eval", "--kb", kb, "--questions", qs, "--embedder", "openai"); code != 2 || !strings.Contains(stderr, `want "builtin" or "ollama:MODEL"`) {
		t.Fatalf("bad --embedder: %d %q", code, stderr)
	}
}
