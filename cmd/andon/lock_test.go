package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andon-chat/andon/app"
	"github.com/andon-chat/andon/config"
)

// TestSecondServerOnOneDataDirExits: while a server holds the data
// directory, `andon serve` on it refuses to start and exits non-zero.
func TestSecondServerOnOneDataDirExits(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	cfg := config.Defaults()
	cfg.Server.DataDir = dir
	first, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()

	var stdout, stderr strings.Builder
	code := run([]string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, strings.NewReader(""), &stdout, &stderr)
	if code == 0 {
		t.Fatalf("second serve exited 0; stdout:\n%s", stdout.String())
	}
	if !strings.Contains(stderr.String(), "is in use by another andon process") {
		t.Errorf("stderr does not say why:\n%s", stderr.String())
	}
	if strings.Contains(stdout.String(), "andon is running") {
		t.Errorf("second serve claimed to run:\n%s", stdout.String())
	}

	// Once the first is gone, the directory is free again.
	first.Close()
	again, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("after the first server closed: %v", err)
	}
	again.Close()
}
