package widget

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientIP is the address limits are counted against: the TCP peer, or,
// when the peer is a trusted proxy, the nearest X-Forwarded-For entry that
// is not itself a trusted proxy. A header from anyone else is ignored:
// trusting it would let every client pick its own IP.
func clientIP(r *http.Request, trusted []netip.Prefix) netip.Addr {
	ip := parseIP(r.RemoteAddr)
	if !inPrefixes(ip, trusted) {
		return ip
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := parseIP(strings.TrimSpace(hops[i]))
		if !hop.IsValid() {
			break
		}
		ip = hop
		if !inPrefixes(hop, trusted) {
			break
		}
	}
	return ip
}

func parseIP(s string) netip.Addr {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap()
	}
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	return ip.Unmap()
}

func inPrefixes(ip netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
