package widget

import (
	"github.com/andon-chat/andon/internal/apierr"
	"net/http"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/andon-chat/andon/internal/clientip"
)

// Bounds on typing frames, which are relayed and never stored: enough for
// a widget that says on/off every few seconds, too little to flood agents.
const (
	typingPerSecond = 2
	typingBurst     = 6
)

// serveVisitor is GET /ws/visitor?site=SITE. Every refusal happens before
// the upgrade, as an HTTP status with a JSON body; after it, the connection
// speaks the visitor protocol until either side ends it.
func (h *Handler) serveVisitor(w http.ResponseWriter, r *http.Request) {
	s := h.site(r)
	if s == nil {
		writeError(w, http.StatusNotFound, apierr.CodeUnknownSite, "no site "+siteName(r))
		return
	}
	if !originAllowed(r, s) {
		h.log.Info("visitor refused: origin not allowed", "site", s.Name, "origin", r.Header.Get("Origin"))
		writeError(w, http.StatusForbidden, apierr.CodeForbiddenOrigin, "origin not allowed for site "+s.Name)
		return
	}
	h.mu.Lock()
	closed := h.closed
	h.mu.Unlock()
	if closed {
		writeError(w, http.StatusServiceUnavailable, apierr.CodeShuttingDown, "server shutting down")
		return
	}
	ip := clientip.Of(r, h.trusted)
	ipe, code := h.ips.acquire(ip)
	switch code {
	case apierr.CodeServerBusy:
		w.Header().Set("Retry-After", "10")
		writeError(w, http.StatusServiceUnavailable, code, "the server has no room for more connections")
		return
	case apierr.CodeTooManyConnections:
		writeError(w, http.StatusTooManyRequests, code, "too many connections from this address")
		return
	}
	ws, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		h.ips.release(ip, ipe)
		h.log.Debug("websocket upgrade failed", "err", err)
		return // the upgrader has answered
	}
	c := &conn{
		h: h, ws: ws, id: h.nextID.Add(1), site: s, ip: ip, ipe: ipe,
		device:  describeDevice(r.UserAgent()),
		lim:     rate.NewLimiter(rate.Limit(h.limits.MessagesPerSecond), h.limits.MessageBurst),
		typing:  rate.NewLimiter(typingPerSecond, typingBurst),
		send:    make(chan *outFrame, h.limits.SendQueue),
		replies: make(chan struct{}, max(1, h.limits.SendQueue/2)),
		done:    make(chan struct{}),
		// The handshake owns the write side until it releases it: a frame
		// queued meanwhile waits for the welcome and the replay.
		writing: true,
	}
	if !h.register(c) {
		_ = ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseServiceRestart, "server shutting down"),
			deadline(h.limits.WriteTimeout))
		ws.Close()
		h.ips.release(ip, ipe)
		return
	}
	// The connection gets a goroutine of its own and this handler returns,
	// so that net/http lets go of the request and its 4 KiB read and write
	// buffers, which it keeps for as long as a handler runs: about a third of
	// an idle connection's memory otherwise.
	go c.serve()
}
