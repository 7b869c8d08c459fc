package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	"github.com/andon-chat/andon/app"
	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/internal/browsertest"
)

// server is the andon under test, reached over HTTP.
type server struct{ URL string }

// shared is the one in-process andon the browser tests share: building the
// knowledge base takes longer than a test, and every test opens its own
// browser profile, so conversations never mix. TestMain closes it.
var shared struct {
	once  sync.Once
	srv   server
	err   error
	close func()
}

// startServer returns the server the browser talks to: the full
// application, built by app.New from the default configuration with its data
// in a temporary directory, behind httptest. ANDON_E2E_URL points the tests
// at an andon that is already running instead (for example `go run
// ./cmd/andon serve`). ANDON_E2E_LOG=1 shows the server's log.
func startServer(t *testing.T) server {
	t.Helper()
	if u := os.Getenv("ANDON_E2E_URL"); u != "" {
		return server{URL: u}
	}
	shared.once.Do(func() { shared.srv, shared.close, shared.err = newAppServer() })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.srv
}

// startOwnServer starts an andon for t alone, with edit applied to the
// default configuration, for a test that needs settings of its own; it is
// closed when t ends. With ANDON_E2E_URL set such a test skips, since it
// cannot configure that server.
func startOwnServer(t *testing.T, edit func(*config.Config)) server {
	t.Helper()
	if os.Getenv("ANDON_E2E_URL") != "" {
		t.Skip("skipping: this test configures its own server, ANDON_E2E_URL names one it cannot configure")
	}
	srv, closeFn, err := newAppServer(edit)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeFn)
	return srv
}

func newAppServer(edits ...func(*config.Config)) (server, func(), error) {
	dir, err := os.MkdirTemp("", "andon-e2e-")
	if err != nil {
		return server{}, nil, fmt.Errorf("couldn't create data directory: %w", err)
	}
	var out io.Writer = io.Discard
	if os.Getenv("ANDON_E2E_LOG") != "" {
		out = os.Stderr
	}
	logger := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := config.Defaults()
	cfg.Server.DataDir = dir
	for _, edit := range edits {
		edit(&cfg)
	}
	a, err := app.New(context.Background(), cfg, logger)
	if err != nil {
		os.RemoveAll(dir)
		return server{}, nil, fmt.Errorf("couldn't build andon: %w", err)
	}
	hs := httptest.NewServer(a.Handler())
	return server{URL: hs.URL}, func() {
		a.CloseConnections()
		hs.Close()
		a.Close()
		os.RemoveAll(dir)
	}, nil
}

func TestMain(m *testing.M) {
	code := browsertest.Reporting(m).Run()
	if shared.close != nil {
		shared.close()
	}
	os.Exit(code)
}
