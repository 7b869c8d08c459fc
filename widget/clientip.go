package widget

import (
	"net/http"
	"net/netip"

	"github.com/andon-chat/andon/internal/clientip"
)

// clientIP is the address limits are counted against: the TCP peer, or the
// nearest untrusted X-Forwarded-For entry behind trusted proxies (the rule
// auth uses too, in internal/clientip).
func clientIP(r *http.Request, trusted []netip.Prefix) netip.Addr {
	return clientip.Of(r, trusted)
}
