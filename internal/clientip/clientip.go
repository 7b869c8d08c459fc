// Package clientip finds the address a request comes from when andon may
// stand behind reverse proxies. The widget's per-IP limits and auth's login
// limits and session records must agree on it, and a forwarded header from
// a peer that is not a trusted proxy must never decide it (every client
// could then pick its own address), so both use this one rule.
package clientip

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Of is the address limits are counted against: the TCP peer, or, when the
// peer is a trusted proxy, the nearest X-Forwarded-For entry that is not
// itself a trusted proxy. Entries further left are the client's to forge.
func Of(r *http.Request, trusted []netip.Prefix) netip.Addr {
	ip := parse(r.RemoteAddr)
	if !contains(trusted, ip) {
		return ip
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := parse(strings.TrimSpace(hops[i]))
		if !hop.IsValid() {
			break
		}
		ip = hop
		if !contains(trusted, hop) {
			break
		}
	}
	return ip
}

// ViaTrustedProxy reports whether the TCP peer is a trusted proxy, whose
// other X-Forwarded-* headers (X-Forwarded-Proto) may then be believed.
func ViaTrustedProxy(r *http.Request, trusted []netip.Prefix) bool {
	return contains(trusted, parse(r.RemoteAddr))
}

// ParsePrefix reads one trusted proxy as configured: a CIDR
// ("10.0.0.0/8") or a single address ("192.0.2.7", "::1"), which stands for
// itself alone.
func ParsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("couldn't parse %q as a CIDR: %w", s, err)
		}
		return p.Masked(), nil
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("couldn't parse %q as an IP address or CIDR: %w", s, err)
	}
	ip = ip.Unmap()
	return netip.PrefixFrom(ip, ip.BitLen()), nil
}

// ParsePrefixes reads a list of trusted proxies (see ParsePrefix); the first
// bad entry is the error.
func ParsePrefixes(list []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(list))
	for _, s := range list {
		p, err := ParsePrefix(s)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// parse reads "host:port" (a RemoteAddr) or a bare address; an IPv4-mapped
// IPv6 address becomes plain IPv4, so one client has one key. Garbage is
// the invalid Addr.
func parse(s string) netip.Addr {
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

func contains(ps []netip.Prefix, ip netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
