package app_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/andon-chat/andon/app"
	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/knowledge"
)

// What `andon ingest --data DIR` does against the data directory of a
// running server reaches that server within its reload interval, without
// a restart: the store is the source of truth and the server polls its
// knowledge-base generation.
func TestIngestReachesRunningServer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.Server.DataDir = t.TempDir()
	cfg.Knowledge.ReloadInterval = config.Duration(20 * time.Millisecond)
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	articles := func() string {
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var ready struct {
			Checks map[string]string `json:"checks"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&ready); err != nil {
			t.Fatal(err)
		}
		return ready.Checks["knowledge"]
	}
	before := articles()

	// As cmd/andon/ingest.go opens the data directory.
	logger := slog.New(slog.DiscardHandler)
	st, err := app.OpenStore(ctx, cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	kb, err := app.OpenKnowledge(ctx, cfg, st, logger)
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	n := kb.Len()
	if _, err := kb.Import(ctx, []knowledge.Article{{ID: "zebra-feeding", Title: "Feeding zebras", Body: "Twice a day.", Lang: "en"}}); err != nil {
		t.Fatal(err)
	}
	want := "ok, " + strconv.Itoa(n+1) + " articles"
	// The server's ticker is real; give it a generous bound, many times
	// the interval, before calling it missed.
	deadline := time.Now().Add(10 * time.Second)
	for articles() != want {
		if time.Now().After(deadline) {
			t.Fatalf("the running server still reports %q (before: %q), want %q", articles(), before, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
