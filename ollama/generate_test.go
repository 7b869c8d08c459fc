package ollama

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/andon-chat/andon/internal/ollamatest"
	"github.com/ollama/ollama/api"
)

func newGen(t *testing.T, s *ollamatest.Server, opts GeneratorOptions) *Generator {
	t.Helper()
	opts.URL, opts.Model = s.URL, "llama3.2"
	g, err := NewGenerator(opts)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

var question = []api.Message{{Role: "user", Content: "Is andon free?"}}

func TestStreamDeltasInOrder(t *testing.T) {
	s := ollamatest.New()
	defer s.Close()
	s.AddChatModel("llama3.2", "Yes,", " it is", " free [1].")
	gate := make(chan struct{})
	s.SetTokenGate(gate)
	g := newGen(t, s, GeneratorOptions{})
	deltas := make(chan string)
	res := make(chan error, 1)
	var ans Answer
	go func() {
		var err error
		ans, err = g.Stream(context.Background(), question, func(d string) error { deltas <- d; return nil })
		res <- err
	}()
	for _, want := range []string{"Yes,", " it is", " free [1]."} {
		gate <- struct{}{}
		if d := <-deltas; d != want {
			t.Fatalf("delta %q, want %q", d, want)
		}
	}
	if err := <-res; err != nil || ans.Text != "Yes, it is free [1]." || ans.Truncated {
		t.Fatalf("answer %+v, %v", ans, err)
	}
	if reqs := s.ChatRequests(); len(reqs) != 1 || reqs[0].Messages[0].Content != "Is andon free?" {
		t.Fatalf("requests %+v", reqs)
	}
}

func TestStreamFailures(t *testing.T) {
	ctx := context.Background()
	nop := func(string) error { return nil }
	t.Run("missing model", func(t *testing.T) {
		s := ollamatest.New()
		defer s.Close()
		_, err := newGen(t, s, GeneratorOptions{}).Stream(ctx, question, nop)
		if fixOf(t, err) != "run `ollama pull llama3.2` on the Ollama host" {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("busy", func(t *testing.T) {
		s := ollamatest.New()
		defer s.Close()
		s.AddChatModel("llama3.2", "x")
		s.SetBusy(true)
		_, err := newGen(t, s, GeneratorOptions{}).Stream(ctx, question, nop)
		if fixOf(t, err) == "" || !strings.Contains(err.Error(), "busy") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("dies mid-stream", func(t *testing.T) {
		s := ollamatest.New()
		defer s.Close()
		s.AddChatModel("llama3.2", "a", "b", "c")
		s.DieAfter(2)
		ans, err := newGen(t, s, GeneratorOptions{}).Stream(ctx, question, nop)
		if !strings.Contains(err.Error(), "stopped in the middle of an answer") || ans.Text != "ab" {
			t.Fatalf("answer %q, err %v", ans.Text, err)
		}
	})
	t.Run("first token timeout", func(t *testing.T) {
		s := ollamatest.New()
		defer s.Close()
		s.AddChatModel("llama3.2", "late")
		s.SetTokenGate(make(chan struct{})) // never opens
		start := time.Now()
		_, err := newGen(t, s, GeneratorOptions{FirstToken: 30 * time.Millisecond}).Stream(ctx, question, nop)
		if !strings.Contains(err.Error(), "wrote nothing within") || fixOf(t, err) == "" {
			t.Fatalf("err %v", err)
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("took %s", time.Since(start))
		}
	})
	t.Run("total timeout", func(t *testing.T) {
		s := ollamatest.New()
		defer s.Close()
		s.AddChatModel("llama3.2", "first", "never")
		gate := make(chan struct{}, 1)
		gate <- struct{}{} // only the first token
		s.SetTokenGate(gate)
		ans, err := newGen(t, s, GeneratorOptions{Total: 50 * time.Millisecond}).Stream(ctx, question, nop)
		if !strings.Contains(err.Error(), "did not finish within 50ms") || ans.Text != "first" {
			t.Fatalf("answer %q, err %v", ans.Text, err)
		}
	})
	t.Run("max length", func(t *testing.T) {
		s := ollamatest.New()
		defer s.Close()
		s.AddChatModel("llama3.2", "åäö", "ab", "cd", "never sent")
		var got []string
		ans, err := newGen(t, s, GeneratorOptions{MaxChars: 6}).Stream(ctx, question, func(d string) error { got = append(got, d); return nil })
		if err != nil || ans.Text != "åäöabc" || !ans.Truncated || strings.Join(got, "|") != "åäö|ab|c" {
			t.Fatalf("answer %+v, deltas %q, err %v", ans, got, err)
		}
	})
	t.Run("caller's delta error", func(t *testing.T) {
		s := ollamatest.New()
		defer s.Close()
		s.AddChatModel("llama3.2", "a", "b")
		gone := errors.New("visitor left")
		if _, err := newGen(t, s, GeneratorOptions{}).Stream(ctx, question, func(string) error { return gone }); !errors.Is(err, gone) {
			t.Fatalf("err %v", err)
		}
	})
}

// With one answer at a time and one waiting, a third is refused at once;
// the waiting one runs when the first is done.
func TestStreamConcurrencyLimit(t *testing.T) {
	s := ollamatest.New()
	defer s.Close()
	s.AddChatModel("llama3.2", "a")
	gate := make(chan struct{})
	s.SetTokenGate(gate)
	g := newGen(t, s, GeneratorOptions{Concurrency: 1, Queue: 1, FirstToken: time.Minute})
	ctx := context.Background()
	first := make(chan error, 1)
	go func() {
		_, err := g.Stream(ctx, question, func(string) error { return nil })
		first <- err
	}()
	waitFor(t, func() bool { return len(s.ChatRequests()) == 1 })
	second := make(chan error, 1)
	go func() {
		_, err := g.Stream(ctx, question, func(string) error { return nil })
		second <- err
	}()
	waitFor(t, func() bool { return g.waiting.Load() == 2 })
	if _, err := g.Stream(ctx, question, func(string) error { return nil }); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("third: %v, want ErrQueueFull", err)
	}
	if n := len(s.ChatRequests()); n != 1 {
		t.Fatalf("%d requests reached Ollama, want 1", n)
	}
	gate <- struct{}{}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	gate <- struct{}{}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
}

// waitFor polls a condition another goroutine makes true (no fixed sleep:
// it returns as soon as it holds).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition never held")
		}
		time.Sleep(time.Millisecond)
	}
}
