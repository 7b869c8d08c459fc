package crawl

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
)

// errPrivate marks a refused connection to a non-public address.
var errPrivate = errors.New("refused: not a public address")

// publicOnly is a net.Dialer Control func: it runs on the address actually
// dialled, after DNS resolution, so a name that resolves (or re-resolves, or
// redirects) to loopback, a private network, link-local or another
// non-public range is refused.
func publicOnly(allow []netip.Prefix) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: %s", errPrivate, address)
		}
		a := ap.Addr().Unmap()
		if isPublic(a) {
			return nil
		}
		for _, p := range allow {
			if p.Contains(a) {
				return nil
			}
		}
		return fmt.Errorf("%w: %s", errPrivate, a)
	}
}

// nonPublic are ranges no help site lives on (besides those netip knows).
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),  // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"), // benchmarking
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("240.0.0.0/4"),
}

func isPublic(a netip.Addr) bool {
	a = a.Unmap()
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsMulticast() || a.IsInterfaceLocalMulticast() || a.IsUnspecified() || !a.IsValid() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// dialer is the crawler's dialer: public addresses, and those in allow,
// unless every address is allowed.
func dialer(allowPrivate bool, allow []netip.Prefix) *net.Dialer {
	d := &net.Dialer{}
	if !allowPrivate {
		d.Control = publicOnly(allow)
	}
	return d
}
