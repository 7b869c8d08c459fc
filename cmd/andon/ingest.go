package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/andon-chat/andon/app"
	"github.com/andon-chat/andon/knowledge/ingest"
)

// runIngest implements `andon ingest PATH...`: parse every path first (so a
// bad file imports nothing), then save and index what changed.
func runIngest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "TOML config file")
	data := fs.String("data", "", "data directory (overrides server.data_dir)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: andon ingest [--config FILE] [--data DIR] PATH...")
		return 2
	}
	cfg, err := loadConfig(*cfgPath, "", *data)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	arts, err := ingest.Load(fs.Args()...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	logger := newLogger(cfg, stderr)
	if err := os.MkdirAll(cfg.Server.DataDir, 0o750); err != nil {
		fmt.Fprintln(stderr, "andon ingest:", err)
		return 1
	}
	st, err := app.OpenStore(ctx, cfg, logger)
	if err != nil {
		fmt.Fprintln(stderr, "andon ingest:", err)
		return 1
	}
	defer st.Close()
	cfg.Knowledge.LoadDemo = false // an explicit import replaces the demo
	kb, err := app.OpenKnowledge(ctx, cfg, st, logger)
	if err != nil {
		fmt.Fprintln(stderr, "andon ingest:", err)
		return 1
	}
	defer kb.Close()
	rep, err := kb.Import(ctx, arts)
	if err != nil {
		fmt.Fprintln(stderr, "andon ingest:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%d articles read: %d added, %d updated, %d unchanged\n",
		len(arts), len(rep.Added), len(rep.Updated), len(rep.Unchanged))
	return 0
}
