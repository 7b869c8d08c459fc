package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"os"

	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/store"
)

// teamNames are the configured teams' names, which users may belong to.
func teamNames(cfg config.Config) []string {
	names := make([]string, 0, len(cfg.Teams))
	for _, t := range cfg.Teams {
		names = append(names, t.Name)
	}
	return names
}

// UserAdmin opens the store of cfg and the console users' service over it,
// for `andon user`: publicURL names the server in the links it prints
// ("" means server.public_url). logger gets the store's lines; the
// service's own stay out of the command's output. Call close when done.
func UserAdmin(ctx context.Context, cfg config.Config, publicURL string, logger *slog.Logger) (svc *auth.Service, close func() error, err error) {
	if err := os.MkdirAll(cfg.Server.DataDir, 0o750); err != nil {
		return nil, nil, err
	}
	st, err := OpenStore(ctx, cfg, logger)
	if err != nil {
		return nil, nil, err
	}
	users, ok := st.(store.Users)
	if !ok {
		st.Close()
		return nil, nil, fmt.Errorf("the %q store keeps no users", cfg.Store.Driver)
	}
	if publicURL == "" {
		publicURL = cfg.Server.PublicURL
	}
	// The CLI never issues a session, so the CSRF secret only has to
	// satisfy auth.New: a random one keeps the server's secret out of it.
	secret := make([]byte, 32)
	rand.Read(secret)
	svc, err = auth.New(auth.Options{
		Store:     users,
		Secret:    secret,
		PublicURL: publicURL,
		LocalURL:  auth.LocalURL(cfg.Server.Addr),
		Teams:     teamNames(cfg),
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return svc, st.Close, nil
}
