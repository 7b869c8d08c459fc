// Package ollama talks to an Ollama server (github.com/ollama/ollama/api):
// embeddings for the knowledge index. Every call is bounded by a timeout,
// and every failure says what is wrong and how an operator fixes it.
package ollama

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/ollama/ollama/api"
)

// DefaultTimeout bounds one call when EmbedderOptions leaves it zero.
const DefaultTimeout = 30 * time.Second

// DefaultBatch is how many texts go in one /api/embed call.
const DefaultBatch = 64

// EmbedderOptions are an Embedder's settings.
type EmbedderOptions struct {
	// URL of the Ollama server, e.g. http://127.0.0.1:11434.
	URL string
	// Model is the embedding model, e.g. nomic-embed-text.
	Model string
	// Timeout bounds each call to the server.
	Timeout time.Duration
	// Batch is how many texts go in one call.
	Batch int
	// HTTP is the client to use; nil means a plain http.Client (the
	// timeout comes from Timeout, per call).
	HTTP *http.Client
	// Logger hears when calls start failing and when they work again,
	// once each, not once per question; nil discards.
	Logger *slog.Logger
}

// Embedder makes vectors with an Ollama embedding model. It satisfies
// knowledge.Embedder.
type Embedder struct {
	c       *api.Client
	url     string
	model   string
	dim     int
	timeout time.Duration
	batch   int
	log     *slog.Logger

	mu      sync.Mutex
	failing error // the last call's error while calls fail, else nil
}

// NewEmbedder connects to the server and embeds one probe text, to learn
// the model's vector length and to fail now, with a fix in the error,
// rather than on a visitor's question.
func NewEmbedder(ctx context.Context, opts EmbedderOptions) (*Embedder, error) {
	u, err := url.Parse(opts.URL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("ollama URL %q is not an http(s) URL", opts.URL)
	}
	if opts.Model == "" {
		return nil, errors.New("no Ollama embedding model given")
	}
	hc := opts.HTTP
	if hc == nil {
		hc = &http.Client{}
	}
	e := &Embedder{
		c: api.NewClient(u, hc), url: opts.URL, model: opts.Model,
		timeout: opts.Timeout, batch: opts.Batch, log: opts.Logger,
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.timeout <= 0 {
		e.timeout = DefaultTimeout
	}
	if e.batch <= 0 {
		e.batch = DefaultBatch
	}
	vs, err := e.call(ctx, []string{"probe"})
	if err != nil {
		return nil, err
	}
	e.dim = len(vs[0])
	if e.dim == 0 {
		return nil, fmt.Errorf("Ollama model %q returned an empty vector: is it an embedding model (e.g. nomic-embed-text)?", e.model)
	}
	return e, nil
}

// ID names the model and the vector length, so an index built with
// another model (or another version of it with another length) is rebuilt.
func (e *Embedder) ID() string { return fmt.Sprintf("ollama:%s:%d", e.model, e.dim) }

// Dim is the model's vector length.
func (e *Embedder) Dim() int { return e.dim }

// Model is the embedding model's name.
func (e *Embedder) Model() string { return e.model }

// Embed returns one vector per text, asking the server in batches.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += e.batch {
		batch := texts[start:min(start+e.batch, len(texts))]
		vs, err := e.call(ctx, batch)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if len(v) != e.dim {
				return nil, fmt.Errorf("Ollama model %q returned a vector of length %d, not %d: was the model replaced? restart andon to rebuild the index", e.model, len(v), e.dim)
			}
		}
		out = append(out, vs...)
	}
	return out, nil
}

// call sends one /api/embed request within the timeout.
func (e *Embedder) call(parent context.Context, texts []string) ([][]float32, error) {
	ctx, cancel := context.WithTimeout(parent, e.timeout)
	defer cancel()
	resp, err := e.c.Embed(ctx, &api.EmbedRequest{Model: e.model, Input: texts})
	if err != nil {
		if parent.Err() != nil {
			return nil, parent.Err() // the caller gave up; nothing is wrong with Ollama
		}
		err = explain(ctx, err, e.url, e.model, e.timeout)
		e.note(err)
		return nil, err
	}
	e.note(nil)
	if len(resp.Embeddings) != len(texts) {
		return nil, fmt.Errorf("Ollama model %q returned %d vectors for %d texts", e.model, len(resp.Embeddings), len(texts))
	}
	return resp.Embeddings, nil
}

// Health is nil while calls work, else the last call's error (an *Error
// with the fix), for /readyz.
func (e *Embedder) Health() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.failing
}

// note records a call's outcome and logs the changes between working and
// failing, so an Ollama that is down fills no log with one line per question.
func (e *Embedder) note(err error) {
	e.mu.Lock()
	was := e.failing
	e.failing = err
	e.mu.Unlock()
	switch {
	case err != nil && was == nil:
		fix := ""
		var oe *Error
		if errors.As(err, &oe) {
			fix = oe.Fix
		}
		e.log.Warn("Ollama embeddings are failing; questions are escalated until it works again",
			"model", e.model, "url", e.url, "fix", fix, "err", err)
	case err == nil && was != nil:
		e.log.Info("Ollama embeddings work again", "model", e.model, "url", e.url)
	}
}

// Error is a failed call to Ollama with what the operator can do about it.
type Error struct {
	Err error
	// Fix is one sentence for the log: what to do.
	Fix string
}

func (e *Error) Error() string { return e.Err.Error() + " (" + e.Fix + ")" }
func (e *Error) Unwrap() error { return e.Err }

// explain turns a client error into an Error with a fix.
func explain(ctx context.Context, err error, url, model string, timeout time.Duration) error {
	var se api.StatusError
	switch {
	case errors.As(err, &se) && se.StatusCode == http.StatusNotFound:
		return &Error{fmt.Errorf("Ollama at %s has no model %q: %w", url, model, err),
			fmt.Sprintf("run `ollama pull %s` on the Ollama host", model)}
	case errors.As(err, &se) && se.StatusCode == http.StatusServiceUnavailable:
		return &Error{fmt.Errorf("Ollama at %s is busy: %w", url, err),
			"give Ollama more capacity (OLLAMA_NUM_PARALLEL, OLLAMA_MAX_QUEUE) or fewer other clients"}
	case errors.As(err, &se):
		return &Error{fmt.Errorf("Ollama at %s answered %d: %w", url, se.StatusCode, err),
			"see the Ollama server's log"}
	case ctx.Err() == context.DeadlineExceeded:
		return &Error{fmt.Errorf("Ollama at %s did not answer within %s", url, timeout),
			"check the Ollama host's load or raise ollama.timeout"}
	default:
		return &Error{fmt.Errorf("Ollama at %s is not reachable: %w", url, err),
			"start it with `ollama serve` or correct ollama.url"}
	}
}
