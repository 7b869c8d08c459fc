package app

import (
	"context"
	"errors"
	"log/slog"

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
