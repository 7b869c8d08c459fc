package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/andon-chat/andon/app"
	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/internal/fdlimit"
)

// loadConfig reads --config (or only defaults) and applies the --addr and
// --data overrides that several subcommands share.
func loadConfig(path, addr, data string) (config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return cfg, err
	}
	if addr != "" {
		cfg.Server.Addr = addr
	}
	if data != "" {
		cfg.Server.DataDir = data
	}
	return cfg, nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Server.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Server.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// runServe implements `andon serve`: it runs until SIGINT or SIGTERM and
// then shuts down in order (WebSockets, HTTP, storage).
func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "TOML config file (default: built-in defaults)")
	addr := fs.String("addr", "", "listen address HOST:PORT (overrides server.addr)")
	data := fs.String("data", "", "data directory (overrides server.data_dir)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := loadConfig(*cfgPath, *addr, *data)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	logger := newLogger(cfg, stderr)
	// Many idle visitors need many descriptors; the hard limit is the ceiling.
	if _, err := fdlimit.Raise(); err != nil {
		logger.Warn("open-file limit", "err", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, err := app.New(ctx, cfg, logger)
	if err != nil {
		logger.Error("couldn't start", "err", err)
		return 1
	}
	defer a.Close()

	ln, err := a.Listen()
	if err != nil {
		logger.Error("couldn't listen", "addr", cfg.Server.Addr, "err", err)
		return 1
	}
	srv := a.HTTPServer()
	logger.Info("andon is listening", "url", "http://"+ln.Addr().String(), "data_dir", cfg.Server.DataDir)
	fmt.Fprintf(stdout, "andon is running: open http://%s\n", ln.Addr())
	if link := a.SetupLink(); link != "" {
		// Without a public URL the link names the configured address, whose
		// port may have been 0: point it at the port actually listened on.
		if _, token, ok := strings.Cut(link, "#setup="); ok && cfg.Server.PublicURL == "" {
			link = "http://" + ln.Addr().String() + "/console/#setup=" + token
		}
		fmt.Fprintf(stdout, "no console users yet: create the first admin at %s (the link works once)\n", link)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		logger.Error("server stopped", "err", err)
		return 1
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	a.CloseConnections()
	sctx, cancel := context.WithTimeout(context.Background(), cfg.Server.ShutdownTimeout.Duration())
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Warn("shutdown incomplete", "err", err)
	}
	if err := a.Close(); err != nil {
		logger.Warn("close", "err", err)
	}
	return 0
}
