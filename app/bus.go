package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"

	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/conversation/pgbus"
	"github.com/andon-chat/andon/store"
)

// openBus joins the instances that share a PostgreSQL store, so that a
// visitor on one and an agent on another talk live; nil on SQLite (one
// instance). hub is filled in once the hub exists: updates from other
// instances that arrive before are for nobody here yet.
func openBus(ctx context.Context, cfg config.Config, hub *atomic.Pointer[conversation.Hub], logger *slog.Logger) (*pgbus.Bus, error) {
	if cfg.Store.Driver != config.DriverPostgres {
		return nil, nil
	}
	host, _ := os.Hostname()
	b, err := pgbus.Open(ctx, pgbus.Options{
		DSN:      cfg.Store.DSN,
		Instance: host + "/" + store.NewID(), // unique per start, so a restarted instance is a new one
		Deliver: func(u *conversation.Update) {
			if h := hub.Load(); h != nil {
				h.Deliver(u)
			}
		},
		Logger: logger,
	})
	if err != nil {
		return nil, fmt.Errorf("couldn't join the other instances: %w", err)
	}
	return b, nil
}
