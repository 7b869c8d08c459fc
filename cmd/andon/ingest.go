package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/andon-chat/andon/app"
	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/knowledge/crawl"
	"github.com/andon-chat/andon/knowledge/ingest"
)

// maxURLListBytes bounds a --urls file (a million URLs is far more than a
// crawl's page limit).
const maxURLListBytes = 64 << 20

// crawlStateFile, in the data directory, keeps what the last crawl learnt
// of each page (ETag, Last-Modified, content hash) for the next one.
const crawlStateFile = "crawl-state.json"

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// runIngest implements `andon ingest PATH...` and `andon ingest --site URL`:
// read every input first (so a bad file imports nothing), then save and
// index what changed in one transaction, or with --dry-run only say what
// would change.
func runIngest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "TOML config file")
	data := fs.String("data", "", "data directory (overrides server.data_dir)")
	var sites stringList
	fs.Var(&sites, "site", "help site to crawl: its root, a sitemap.xml(.gz) or a page URL (repeatable)")
	urls := fs.String("urls", "", "file with one URL per line to crawl (# starts a comment)")
	allowPrivate := fs.Bool("allow-private", false, "let the crawler reach loopback, private and link-local addresses")
	maxPages := fs.Int("max-pages", crawl.DefaultMaxPages, "most pages one crawl fetches")
	interval := fs.Duration("interval", crawl.DefaultInterval, "pause between two requests to the same host")
	dryRun := fs.Bool("dry-run", false, "report what would be added, changed and unchanged; save nothing")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	crawling := len(sites) > 0 || *urls != ""
	if fs.NArg() == 0 && !crawling {
		fmt.Fprintln(stderr, "usage: andon ingest [--config FILE] [--data DIR] [--dry-run] PATH...\n       andon ingest [--config FILE] [--data DIR] [--dry-run] [--allow-private] [--max-pages N] [--interval 1s] --site URL | --urls FILE")
		return 2
	}
	if fs.NArg() > 0 && crawling {
		fmt.Fprintln(stderr, "andon ingest: give files or --site/--urls, not both")
		return 2
	}
	cfg, err := loadConfig(*cfgPath, "", *data)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	var arts []knowledge.Article
	var targets []crawl.Target
	if crawling {
		for _, s := range sites {
			targets = append(targets, crawl.Target{URL: s})
		}
		if *urls != "" {
			list, err := readURLList(*urls)
			if err != nil {
				fmt.Fprintln(stderr, "andon ingest:", err)
				return 1
			}
			targets = append(targets, list...)
		}
	} else {
		if arts, err = ingest.Load(fs.Args()...); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
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
	current, err := st.ListArticles(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "andon ingest:", err)
		return 1
	}
	statePath := filepath.Join(cfg.Server.DataDir, crawlStateFile)
	var state map[string]crawl.State
	notModified := 0
	if crawling {
		if state, err = readCrawlState(statePath, current); err != nil {
			fmt.Fprintln(stderr, "andon ingest:", err)
			return 1
		}
		res, err := crawl.Crawl(ctx, crawl.Options{AllowPrivate: *allowPrivate, MaxPages: *maxPages, Interval: *interval, Previous: state}, targets...)
		if err != nil {
			fmt.Fprintln(stderr, "andon ingest:", err)
			return 1
		}
		for _, s := range res.Skipped {
			fmt.Fprintln(stdout, "skipped", s)
		}
		for _, p := range res.Pages {
			state[p.URL] = p.State
			if p.NotModified {
				notModified++
				continue
			}
			arts = append(arts, p.Article)
		}
		fmt.Fprintf(stdout, "%d pages crawled: %d fetched, %d not modified, %d skipped\n",
			len(res.Pages), len(res.Pages)-notModified, notModified, len(res.Skipped))
		if len(res.Pages) == 0 {
			fmt.Fprintln(stderr, "andon ingest: the crawl found no page to import (see the skipped lines above)")
			return 1
		}
	}
	if *dryRun {
		rep := knowledge.Compare(current, arts)
		printChanges(stdout, rep)
		fmt.Fprintf(stdout, "dry run, nothing saved: %d articles read: %d would be added, %d updated, %d unchanged\n",
			len(arts), len(rep.Added), len(rep.Updated), len(rep.Unchanged)+notModified)
		return 0
	}
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
	if crawling {
		if err := writeCrawlState(statePath, state); err != nil {
			// The articles are saved; the next crawl only fetches more.
			fmt.Fprintln(stderr, "andon ingest: couldn't save the crawl state:", err)
		}
	}
	printChanges(stdout, rep)
	fmt.Fprintf(stdout, "%d articles read: %d added, %d updated, %d unchanged\n",
		len(arts), len(rep.Added), len(rep.Updated), len(rep.Unchanged)+notModified)
	return 0
}

// printChanges lists the articles an import adds and changes, by id.
func printChanges(w io.Writer, rep knowledge.ImportReport) {
	for _, id := range rep.Added {
		fmt.Fprintln(w, "added", id)
	}
	for _, id := range rep.Updated {
		fmt.Fprintln(w, "changed", id)
	}
}

// readURLList reads one URL per line; blank lines and # comments are
// skipped, and each URL keeps its line for the report.
func readURLList(path string) ([]crawl.Target, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []crawl.Target
	sc := bufio.NewScanner(io.LimitReader(f, maxURLListBytes+1))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<10)
	read, line := 0, 0
	for sc.Scan() {
		line++
		read += len(sc.Bytes()) + 1
		if read > maxURLListBytes {
			return nil, fmt.Errorf("%s: larger than %d bytes", path, maxURLListBytes)
		}
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		out = append(out, crawl.Target{URL: s, Line: line})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", path, line+1, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no URLs", path)
	}
	return out, nil
}

// readCrawlState loads the last crawl's validators, keeping only pages whose
// article is still stored (a 304 for a deleted article would bring nothing
// back).
func readCrawlState(path string, current []knowledge.Article) (map[string]crawl.State, error) {
	state := map[string]crawl.State{}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return state, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &state); err != nil {
		return nil, fmt.Errorf("%s: %w (delete it to crawl everything afresh)", path, err)
	}
	stored := make(map[string]string, len(current))
	for _, a := range current {
		stored[a.ID] = a.Hash
	}
	for u, s := range state {
		if h, ok := stored[s.ID]; !ok || h != s.Hash {
			delete(state, u)
		}
	}
	return state, nil
}

// writeCrawlState replaces the state file atomically.
func writeCrawlState(path string, state map[string]crawl.State) error {
	data, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
