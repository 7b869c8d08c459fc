package ollamatest

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ollama/ollama/api"
)

func client(t *testing.T, s *Server) *api.Client {
	t.Helper()
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	return api.NewClient(u, s.Client())
}

func TestProtocol(t *testing.T) {
	s := New()
	defer s.Close()
	s.AddEmbedModel("nomic-embed-text", 8)
	s.AddChatModel("llama3.2", "Hello", " there", " [1]")
	c := client(t, s)
	ctx := context.Background()

	if err := c.Heartbeat(ctx); err != nil {
		t.Fatalf("HEAD /: %v", err)
	}
	if v, err := c.Version(ctx); err != nil || v != Version {
		t.Fatalf("version = %q, %v", v, err)
	}
	lr, err := c.List(ctx)
	if err != nil || len(lr.Models) != 2 {
		t.Fatalf("tags = %+v, %v", lr, err)
	}
	er, err := c.Embed(ctx, &api.EmbedRequest{Model: "nomic-embed-text", Input: []string{"a", "b", "a"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(er.Embeddings) != 3 || len(er.Embeddings[0]) != 8 {
		t.Fatalf("embeddings = %v", er.Embeddings)
	}
	if er.Embeddings[0][0] != er.Embeddings[2][0] || er.Embeddings[0][0] == er.Embeddings[1][0] {
		t.Fatalf("same text must give the same vector, another text another: %v", er.Embeddings)
	}
	var got []string
	var done bool
	err = c.Chat(ctx, &api.ChatRequest{Model: "llama3.2"}, func(r api.ChatResponse) error {
		got = append(got, r.Message.Content)
		done = r.Done
		return nil
	})
	if err != nil || strings.Join(got, "") != "Hello there [1]" || !done {
		t.Fatalf("chat = %q done=%v, %v", got, done, err)
	}
	if reqs := s.ChatRequests(); len(reqs) != 1 || reqs[0].Model != "llama3.2" {
		t.Fatalf("chat requests = %+v", reqs)
	}
}

func statusOf(err error) int {
	var se api.StatusError
	if errors.As(err, &se) {
		return se.StatusCode
	}
	return 0
}

func TestErrors(t *testing.T) {
	s := New()
	defer s.Close()
	s.AddChatModel("llama3.2", "a", "b", "c")
	c := client(t, s)
	ctx := context.Background()

	_, err := c.Embed(ctx, &api.EmbedRequest{Model: "missing", Input: "x"})
	if statusOf(err) != http.StatusNotFound || !strings.Contains(err.Error(), `model "missing" not found, try pulling it first`) {
		t.Fatalf("missing embed model: %v", err)
	}
	err = c.Chat(ctx, &api.ChatRequest{Model: "missing"}, func(api.ChatResponse) error { return nil })
	if statusOf(err) != http.StatusNotFound {
		t.Fatalf("missing chat model: %v", err)
	}

	s.SetBusy(true)
	err = c.Chat(ctx, &api.ChatRequest{Model: "llama3.2"}, func(api.ChatResponse) error { return nil })
	if statusOf(err) != http.StatusServiceUnavailable || !strings.Contains(err.Error(), "server busy") {
		t.Fatalf("busy: %v", err)
	}
	if err := c.Heartbeat(ctx); err != nil {
		t.Fatalf("HEAD / while busy: %v", err)
	}
	s.SetBusy(false)

	s.Fail("/api/embed", http.StatusInternalServerError)
	if _, err := c.Embed(ctx, &api.EmbedRequest{Model: "x", Input: "x"}); statusOf(err) != http.StatusInternalServerError {
		t.Fatalf("failing embed: %v", err)
	}
	s.Fail("/api/embed", 0)

	// api.Client.Chat ignores the read error of a dropped stream, so a
	// caller knows it died only because no chunk said done.
	s.DieAfter(2)
	var got []string
	done := false
	c.Chat(ctx, &api.ChatRequest{Model: "llama3.2"}, func(r api.ChatResponse) error {
		got = append(got, r.Message.Content)
		done = done || r.Done
		return nil
	})
	if len(got) != 2 || done {
		t.Fatalf("dying stream: got %q, done=%v; want 2 tokens and no done", got, done)
	}
}

func TestTokenGate(t *testing.T) {
	s := New()
	defer s.Close()
	s.AddChatModel("llama3.2", "one", "two")
	gate := make(chan struct{})
	s.SetTokenGate(gate)
	c := client(t, s)
	tokens := make(chan string)
	errc := make(chan error, 1)
	go func() {
		errc <- c.Chat(context.Background(), &api.ChatRequest{Model: "llama3.2"}, func(r api.ChatResponse) error {
			if !r.Done {
				tokens <- r.Message.Content
			}
			return nil
		})
	}()
	for _, want := range []string{"one", "two"} {
		select {
		case tok := <-tokens:
			t.Fatalf("token %q came before the gate opened", tok)
		default:
		}
		gate <- struct{}{}
		if tok := <-tokens; tok != want {
			t.Fatalf("token = %q, want %q", tok, want)
		}
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}
