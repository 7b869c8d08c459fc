package app

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/internal/connlimit"
	"github.com/andon-chat/andon/internal/fdlimit"
)

// Listen opens server.addr behind the connection limits of [limits]: per
// peer address, in total (within the open-file limit), and a reserve for
// health checks and login. Serve it with HTTPServer.
func (a *App) Listen() (*connlimit.Listener, error) {
	nofile, err := fdlimit.Current()
	if err != nil {
		return nil, err
	}
	opts, err := connLimits(a.cfg.Limits, nofile, a.log)
	if err != nil {
		return nil, err
	}
	opts.Exempt = a.trusted
	ln, err := net.Listen("tcp", a.cfg.Server.Addr)
	if err != nil {
		return nil, err
	}
	a.log.Info("HTTP connection limits", "per_ip", opts.PerIP, "total", opts.Total, "reserved", opts.Reserve, "open_file_limit", nofile)
	return connlimit.Wrap(ln, opts), nil
}

// connLimits turns [limits] and the open-file limit into the listener's
// limits: the general connections get what the two reserves leave.
func connLimits(l config.Limits, nofile uint64, logger *slog.Logger) (connlimit.Options, error) {
	spare := int64(nofile) - int64(l.ReservedDescriptors) - int64(l.ReservedConnections)
	if nofile > 1<<40 {
		spare = 1 << 40 // unlimited
	}
	if spare < 1 {
		return connlimit.Options{}, fmt.Errorf("the open-file limit (%d) leaves no descriptor for connections after limits.reserved_descriptors (%d) and limits.reserved_connections (%d): raise it (ulimit -n) or lower them",
			nofile, l.ReservedDescriptors, l.ReservedConnections)
	}
	total := l.MaxHTTPConnections
	if total == 0 || int64(total) > spare {
		if total != 0 {
			logger.Warn("limits.max_http_connections is more than the open-file limit allows; using less",
				"configured", total, "open_file_limit", nofile, "using", spare)
		}
		total = int(spare)
	}
	return connlimit.Options{
		PerIP:   l.MaxHTTPConnectionsPerIP,
		Total:   total,
		Reserve: l.ReservedConnections,
	}, nil
}

// HTTPServer is the http.Server for Handler with the [server] timeouts.
// A hijacked connection (a WebSocket) loses the request's deadlines (see
// statusRecorder.Hijack): an open socket has its own ping and write limits.
func (a *App) HTTPServer() *http.Server {
	s := a.cfg.Server
	return &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: s.ReadHeaderTimeout.Duration(),
		ReadTimeout:       s.ReadTimeout.Duration(),
		WriteTimeout:      s.WriteTimeout.Duration(),
		IdleTimeout:       s.IdleTimeout.Duration(),
		ConnContext:       connlimit.ConnContext,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
}

// reservedRoutes may use a connection from the reserve.
var reservedRoutes = map[string]bool{
	"GET /healthz":    true,
	"GET /readyz":     true,
	"POST /api/login": true,
}

// withConnLimits restricts connections from the reserve to reservedRoutes
// and closes them after one request.
func withConnLimits(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if connlimit.Reserved(r.Context()) {
			w.Header().Set("Connection", "close")
			if !reservedRoutes[r.Method+" "+r.URL.Path] {
				w.Header().Set("Retry-After", "5")
				// The API's error format (auth.writeError), which the console reads.
				writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": map[string]string{
					"code": "server_busy", "message": "The server is busy; try again in a few seconds.",
				}})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
