package ollama

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/ollama/ollama/api"
)

// Defaults of GeneratorOptions' zero values.
const (
	DefaultFirstToken  = 5 * time.Second
	DefaultTotal       = 60 * time.Second
	DefaultMaxChars    = 2000
	DefaultConcurrency = 2
	DefaultQueue       = 16
)

// GeneratorOptions are a Generator's settings and budgets.
type GeneratorOptions struct {
	URL, Model string
	// FirstToken bounds the time from the call (queueing included) to the
	// model's first text, so a slow, busy or missing model costs a visitor
	// no more than this before the caller falls back.
	FirstToken time.Duration
	// Total bounds the whole answer.
	Total time.Duration
	// MaxChars cuts the answer off (Answer.Truncated) at this length.
	MaxChars int
	// Concurrency is how many answers the model writes at once; Queue how
	// many more may wait for a turn. A call beyond both fails at once.
	Concurrency, Queue int
	HTTP               *http.Client
}

// Generator streams chat answers from an Ollama model within budgets.
type Generator struct {
	c       *api.Client
	opts    GeneratorOptions
	slots   chan struct{}
	waiting atomic.Int32
}

// Answer is a finished answer.
type Answer struct {
	Text      string
	Truncated bool // cut at MaxChars
}

// ErrQueueFull is returned at once when Concurrency answers are being
// written and Queue more wait.
var ErrQueueFull = errors.New("too many answers waiting for the model")

// NewGenerator returns a Generator; it does not call the server.
func NewGenerator(opts GeneratorOptions) (*Generator, error) {
	u, err := url.Parse(opts.URL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("ollama URL %q is not an http(s) URL", opts.URL)
	}
	if opts.Model == "" {
		return nil, errors.New("no Ollama chat model given")
	}
	if opts.FirstToken <= 0 {
		opts.FirstToken = DefaultFirstToken
	}
	if opts.Total <= 0 {
		opts.Total = DefaultTotal
	}
	if opts.MaxChars <= 0 {
		opts.MaxChars = DefaultMaxChars
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.Queue < 0 {
		opts.Queue = 0
	} else if opts.Queue == 0 {
		opts.Queue = DefaultQueue
	}
	if opts.HTTP == nil {
		opts.HTTP = &http.Client{}
	}
	return &Generator{c: api.NewClient(u, opts.HTTP), opts: opts, slots: make(chan struct{}, opts.Concurrency)}, nil
}

// errStop ends a stream from its callback once MaxChars is reached.
var errStop = errors.New("answer long enough")

// Stream asks the model to continue msgs and calls onDelta with each
// piece of text as it comes. A failure before the first piece (including
// waiting for a turn longer than FirstToken) or during the stream is an
// *Error with the fix; onDelta's own error ends the stream and is returned.
func (g *Generator) Stream(ctx context.Context, msgs []api.Message, onDelta func(string) error) (Answer, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, g.opts.Total)
	defer cancel()
	firstCtx, firstCancel := context.WithTimeout(ctx, g.opts.FirstToken)
	defer firstCancel()

	if int(g.waiting.Add(1)) > g.opts.Queue+g.opts.Concurrency {
		g.waiting.Add(-1)
		return Answer{}, &Error{ErrQueueFull, fmt.Sprintf("raise the queue or the concurrency for %s, or give Ollama more capacity", g.opts.Model)}
	}
	defer g.waiting.Add(-1)
	select {
	case g.slots <- struct{}{}:
		defer func() { <-g.slots }()
	case <-firstCtx.Done():
		return Answer{}, g.timeout(ctx, firstCtx, start, false)
	}

	// The stream runs under streamCtx; until the first piece, the
	// first-token deadline ends it too.
	streamCtx, streamCancel := context.WithCancel(ctx)
	defer streamCancel()
	var gotFirst atomic.Bool
	stopFirst := context.AfterFunc(firstCtx, func() {
		if !gotFirst.Load() {
			streamCancel()
		}
	})
	defer stopFirst()

	var b strings.Builder
	var ans Answer
	done := false
	var cbErr error
	stream := true
	err := g.c.Chat(streamCtx, &api.ChatRequest{Model: g.opts.Model, Messages: msgs, Stream: &stream}, func(r api.ChatResponse) error {
		if r.Done {
			done = true
		}
		piece := r.Message.Content
		if piece == "" {
			return nil
		}
		gotFirst.Store(true)
		if rest := g.opts.MaxChars - utf8.RuneCountInString(b.String()); utf8.RuneCountInString(piece) > rest {
			piece = string([]rune(piece)[:rest])
			ans.Truncated = true
		}
		b.WriteString(piece)
		if piece != "" {
			if err := onDelta(piece); err != nil {
				cbErr = err
				return err
			}
		}
		if ans.Truncated {
			return errStop
		}
		return nil
	})
	ans.Text = b.String()
	switch {
	case cbErr != nil:
		return ans, cbErr
	case errors.Is(err, errStop):
		return ans, nil
	case err != nil && streamCtx.Err() == nil:
		return ans, explain(ctx, err, g.opts.URL, g.opts.Model, g.opts.Total)
	case err != nil || streamCtx.Err() != nil:
		return ans, g.timeout(ctx, firstCtx, start, gotFirst.Load())
	case !done:
		// api.Client.Chat ends without an error when the connection drops.
		return ans, &Error{fmt.Errorf("Ollama at %s stopped in the middle of an answer", g.opts.URL),
			"see the Ollama server's log (it may have crashed or run out of memory)"}
	}
	return ans, nil
}

// timeout says which budget ran out, or returns the caller's own
// cancellation as it is.
func (g *Generator) timeout(ctx, firstCtx context.Context, start time.Time, gotFirst bool) error {
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return &Error{fmt.Errorf("Ollama model %q did not finish within %s", g.opts.Model, g.opts.Total),
			"raise the total answer timeout or use a faster model"}
	case ctx.Err() != nil:
		return ctx.Err()
	case !gotFirst && firstCtx.Err() != nil:
		return &Error{fmt.Errorf("Ollama model %q wrote nothing within %s", g.opts.Model, time.Since(start).Round(time.Millisecond)),
			"check the Ollama host's load, use a smaller model, or raise the first-token timeout"}
	}
	return context.Canceled
}
