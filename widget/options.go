package widget

import (
	"log/slog"
	"net/netip"
	"time"

	"github.com/andon-chat/andon/conversation"
)

// Site is one website that embeds the widget: who may connect (allowed
// origins) and the public look and greeting the widget fetches.
type Site struct {
	Name string
	// AllowedOrigins are the page origins that may open the visitor
	// WebSocket, as patterns: "https://example.com", "https://*.example.com"
	// (any subdomain), "http://localhost:*" (any port), or "*" (anyone).
	// The server's own origin is always allowed for the site "default".
	AllowedOrigins []string
	Title          string
	Color          string
	Position       string            // "right" (default) or "left"
	Greeting       map[string]string // language ("en", "sv") -> first line shown
	Locale         string            // forces the widget's language; empty: the page's
	// IdentitySecret, when set, makes a hello whose attributes carry
	// user_id prove it with user_hash (see IdentityHash); it never leaves
	// the server.
	IdentitySecret string
}

// Limits bound what one visitor, one IP and the whole server may use. Zero
// fields take the values of DefaultLimits.
type Limits struct {
	MaxMessageBytes     int           // text of one message (too_large beyond)
	MaxFrameBytes       int64         // one WebSocket frame; beyond, the connection is closed (1009)
	MessagesPerSecond   float64       // per connection: message, feedback, human, contact
	MessageBurst        int           //
	IPMessagesPerSecond float64       // the same, summed over one client IP
	IPMessageBurst      int           //
	MaxConnectionsPerIP int           // beyond: HTTP 429 before the upgrade
	MaxConnections      int           // beyond: HTTP 503 before the upgrade
	SendQueue           int           // frames waiting for one slow client before it is dropped
	PingInterval        time.Duration // keep-alive ping period
	PongTimeout         time.Duration // no pong (or frame) for this long closes the connection; also the time to say hello
	WriteTimeout        time.Duration // deadline of every write
	TokenTTL            time.Duration // how long a resume token stays valid (renewed at every hello)
	// ReplayPageBytes is a connection's replay budget: a resume reads the
	// log in pages of at most this much text (and replayPageMessages
	// messages), and reads the next page only once the previous one is
	// written, so a long log costs one page per connection.
	ReplayPageBytes int
	// New conversations (written when a visitor first says something) per
	// minute and burst, per client IP and per site; beyond, rate_limited.
	IPNewConversationsPerMinute   float64
	IPNewConversationBurst        int
	SiteNewConversationsPerMinute float64
	SiteNewConversationBurst      int
}

// DefaultLimits suit a public website: a person types far slower than
// these, an office behind one NAT address has room for its tabs.
func DefaultLimits() Limits {
	return Limits{
		MaxMessageBytes:     4096,
		MaxFrameBytes:       32 << 10,
		MessagesPerSecond:   2,
		MessageBurst:        10,
		IPMessagesPerSecond: 10,
		IPMessageBurst:      50,
		MaxConnectionsPerIP: 50,
		MaxConnections:      10000,
		SendQueue:           64,
		PingInterval:        25 * time.Second,
		PongTimeout:         60 * time.Second,
		WriteTimeout:        10 * time.Second,
		TokenTTL:            90 * 24 * time.Hour,
		ReplayPageBytes:     256 << 10,

		IPNewConversationsPerMinute:   10,
		IPNewConversationBurst:        20,
		SiteNewConversationsPerMinute: 600,
		SiteNewConversationBurst:      1200,
	}
}

// withDefaults fills zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	setf := func(v *float64, def float64) {
		if *v <= 0 {
			*v = def
		}
	}
	setd := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&l.MaxMessageBytes, d.MaxMessageBytes)
	if l.MaxFrameBytes <= 0 {
		l.MaxFrameBytes = d.MaxFrameBytes
	}
	setf(&l.MessagesPerSecond, d.MessagesPerSecond)
	set(&l.MessageBurst, d.MessageBurst)
	setf(&l.IPMessagesPerSecond, d.IPMessagesPerSecond)
	set(&l.IPMessageBurst, d.IPMessageBurst)
	set(&l.MaxConnectionsPerIP, d.MaxConnectionsPerIP)
	set(&l.MaxConnections, d.MaxConnections)
	set(&l.SendQueue, d.SendQueue)
	setd(&l.PingInterval, d.PingInterval)
	setd(&l.PongTimeout, d.PongTimeout)
	setd(&l.WriteTimeout, d.WriteTimeout)
	setd(&l.TokenTTL, d.TokenTTL)
	set(&l.ReplayPageBytes, d.ReplayPageBytes)
	setf(&l.IPNewConversationsPerMinute, d.IPNewConversationsPerMinute)
	set(&l.IPNewConversationBurst, d.IPNewConversationBurst)
	setf(&l.SiteNewConversationsPerMinute, d.SiteNewConversationsPerMinute)
	set(&l.SiteNewConversationBurst, d.SiteNewConversationBurst)
	if l.PongTimeout <= l.PingInterval {
		l.PongTimeout = 2 * l.PingInterval
	}
	return l
}

// Options configure the visitor side. Hub is required.
type Options struct {
	Hub *conversation.Hub
	// Sites that may embed the widget; none means one site "default" that
	// only the server's own pages may use.
	Sites []Site
	// Secret signs resume tokens (HMAC-SHA256). Keep it stable across
	// restarts and instances, or returning visitors start over; empty means
	// a random secret for this process only.
	Secret []byte
	Limits
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed for the client IP; otherwise the IP is the TCP peer's.
	TrustedProxies []netip.Prefix
	// Logger receives log lines, each connection's with its id; nil discards.
	Logger *slog.Logger
	// EmailFollowUp is whether a visitor nobody can answer now is offered
	// to leave an e-mail address (a mail server is configured). Without it
	// the widget says the reply will wait in the chat.
	EmailFollowUp bool
}
