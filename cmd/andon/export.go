package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/andon-chat/andon/app"
	"github.com/andon-chat/andon/knowledge/ingest"
)

// runExport implements `andon export --out DIR|FILE.zip`: every article,
// drafts included, as Markdown files with front matter that `andon ingest`
// reads back.
func runExport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "TOML config file")
	data := fs.String("data", "", "data directory (overrides server.data_dir)")
	out := fs.String("out", "", "folder to write the Markdown files into, or a .zip file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: andon export [--config FILE] [--data DIR] --out DIR|FILE.zip")
		return 2
	}
	cfg, err := loadConfig(*cfgPath, "", *data)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if _, err := os.Stat(cfg.Server.DataDir); err != nil {
		fmt.Fprintf(stderr, "andon export: no knowledge base to export: %v\n", err)
		return 1
	}
	ctx := context.Background()
	st, err := app.OpenStore(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		fmt.Fprintln(stderr, "andon export:", err)
		return 1
	}
	defer st.Close()
	arts, err := st.ListArticles(ctx)
	if err == nil && len(arts) == 0 {
		err = fmt.Errorf("the knowledge base in %s has no articles", cfg.Server.DataDir)
	}
	var files []ingest.File
	if err == nil {
		files, err = ingest.Export(arts)
	}
	if err == nil {
		if strings.HasSuffix(strings.ToLower(*out), ".zip") {
			var buf bytes.Buffer
			if err = ingest.WriteZip(&buf, files); err == nil {
				err = os.WriteFile(*out, buf.Bytes(), 0o644)
			}
		} else {
			err = ingest.WriteDir(*out, files)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "andon export:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%d articles exported to %s\n", len(files), *out)
	return 0
}
