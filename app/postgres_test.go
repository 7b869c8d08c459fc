package app_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/andon-chat/andon/app"
	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/store/postgres/pgtest"
)

// store.driver = "postgres" starts andon on PostgreSQL: migrated, the demo
// knowledge base loaded into it, ready.
func TestStartsOnPostgres(t *testing.T) {
	t.Parallel()
	cfg := config.Defaults()
	cfg.Server.DataDir = t.TempDir()
	cfg.Store.Driver = config.DriverPostgres
	cfg.Store.DSN = pgtest.FreshSchema(t)
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz on PostgreSQL: status %d", resp.StatusCode)
	}
}
