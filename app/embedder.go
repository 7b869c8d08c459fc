package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/ollama"
)

// OpenEmbedder returns the configured embedder: nil (the built-in one) or
// an Ollama model. When knowledge.embedder = "ollama" and the server cannot
// embed now, andon still starts, on the built-in embedder: the reason is
// logged once, with its fix, and returned for /readyz.
func OpenEmbedder(ctx context.Context, cfg config.Config, logger *slog.Logger) (emb knowledge.Embedder, degraded error) {
	if cfg.Knowledge.Embedder != config.EmbedderOllama {
		return nil, nil
	}
	e, err := ollama.NewEmbedder(ctx, ollama.EmbedderOptions{
		URL:     cfg.Ollama.URL,
		Model:   cfg.Ollama.EmbedModel,
		Timeout: cfg.Ollama.Timeout.Duration(),
		Logger:  logger,
	})
	if err != nil {
		fix := "check the [ollama] settings"
		var oe *ollama.Error
		if errors.As(err, &oe) {
			fix = oe.Fix
		}
		logger.Warn("knowledge.embedder = \"ollama\" is unavailable, using the built-in embedder until andon restarts",
			"model", cfg.Ollama.EmbedModel, "url", cfg.Ollama.URL, "fix", fix, "err", err)
		return nil, err
	}
	logger.Info("knowledge embedder", "embedder", e.ID(), "url", cfg.Ollama.URL)
	return e, nil
}

// embedderSwitch is a re-embedding under way in the background: the index
// of the saved embedder serves until the configured one has every vector.
type embedderSwitch struct {
	to       knowledge.Embedder
	from     string       // the ID serving meanwhile
	embedded atomic.Int64 // texts embedded by the new one so far
	done     atomic.Bool
	err      atomic.Pointer[error]
	cancel   context.CancelFunc
	finished chan struct{}
}

// progressEmbedder counts what the new embedder embeds, for the log and
// /readyz.
type progressEmbedder struct {
	knowledge.Embedder
	sw  *embedderSwitch
	log *slog.Logger
}

func (p progressEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	vs, err := p.Embedder.Embed(ctx, texts)
	if err == nil && !p.sw.done.Load() {
		n := p.sw.embedded.Add(int64(len(texts)))
		p.log.Info("re-embedding the knowledge base", "embedder", p.Embedder.ID(), "embedded", n)
	}
	return vs, err
}

// planSwitch decides, before the knowledge base opens, whether it opens
// with the embedder its saved index was built with (and switches to emb in
// the background) or with emb (rebuilding at once). It returns the
// embedder to open with and the switch to start, or nil.
func planSwitch(ctx context.Context, cfg config.Config, emb knowledge.Embedder, logger *slog.Logger) (knowledge.Embedder, *embedderSwitch) {
	if emb == nil {
		return nil, nil // the built-in embedder rebuilds fast enough at start
	}
	saved, err := knowledge.SavedEmbedderID(filepath.Join(cfg.Server.DataDir, "index"))
	if err != nil || saved == "" || saved == emb.ID() {
		return emb, nil
	}
	var old knowledge.Embedder // nil: the built-in one, restored from its saved state
	if rest, ok := strings.CutPrefix(saved, "ollama:"); ok {
		model := rest[:max(strings.LastIndex(rest, ":"), 0)]
		e, err := ollama.NewEmbedder(ctx, ollama.EmbedderOptions{
			URL: cfg.Ollama.URL, Model: model, Timeout: cfg.Ollama.Timeout.Duration(),
		})
		if err != nil {
			logger.Info("the saved index's Ollama model is unavailable, rebuilding with the new one before serving",
				"saved", saved, "err", err)
			return emb, nil
		}
		old = e
	} else if !strings.HasPrefix(saved, "andon-hash-v1/") {
		return emb, nil
	}
	sw := &embedderSwitch{from: saved, finished: make(chan struct{})}
	sw.to = progressEmbedder{Embedder: emb, sw: sw, log: logger}
	return old, sw
}

// start re-embeds in the background; stop cancels it.
func (sw *embedderSwitch) start(kb *knowledge.Base, logger *slog.Logger) {
	ctx, cancel := context.WithCancel(context.Background())
	sw.cancel = cancel
	logger.Info("knowledge embedder changed, re-embedding in the background; the old index serves meanwhile",
		"from", sw.from, "to", sw.to.ID())
	go func() {
		defer close(sw.finished)
		err := kb.SwitchEmbedder(ctx, sw.to)
		sw.done.Store(true)
		if err != nil {
			sw.err.Store(&err)
			logger.Warn("re-embedding the knowledge base failed; the old index keeps serving until andon restarts",
				"from", sw.from, "to", sw.to.ID(), "err", err)
		}
	}()
}

func (sw *embedderSwitch) stop() {
	sw.cancel()
	<-sw.finished
}

// status is the switch's line for /readyz, "" when it is done and worked.
func (sw *embedderSwitch) status() string {
	if ep := sw.err.Load(); ep != nil {
		return fmt.Sprintf("degraded: re-embedding for %s failed, %s serves: %v", sw.to.ID(), sw.from, *ep)
	}
	if !sw.done.Load() {
		return fmt.Sprintf("rebuilding for %s (%d texts embedded so far), %s serves meanwhile", sw.to.ID(), sw.embedded.Load(), sw.from)
	}
	return ""
}
