package widget

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// originPattern is one entry of a site's allowed origins, lowercased:
// scheme and a host[:port] in which '*' stands for one or more characters
// of a host name or port (letters, digits, '-', '.').
type originPattern struct {
	any    bool // "*": every origin
	scheme string
	host   string
}

// ValidateOrigin reports whether pattern is a usable allowed_origins entry,
// for configuration checks before the server starts.
func ValidateOrigin(pattern string) error {
	_, err := parseOriginPattern(pattern)
	return err
}

func parseOriginPattern(p string) (originPattern, error) {
	p = strings.ToLower(strings.TrimSpace(p))
	if p == "*" {
		return originPattern{any: true}, nil
	}
	scheme, host, ok := strings.Cut(p, "://")
	if !ok || (scheme != "http" && scheme != "https") {
		return originPattern{}, fmt.Errorf("origin %q: want http:// or https:// followed by a host, or *", p)
	}
	if host == "" || strings.ContainsAny(host, "/?#@ ") {
		return originPattern{}, fmt.Errorf("origin %q: want only scheme and host, no path", p)
	}
	return originPattern{scheme: scheme, host: host}, nil
}

// match reports whether origin (scheme://host[:port], lowercased) fits.
func (p originPattern) match(scheme, host string) bool {
	if p.any {
		return true
	}
	return p.scheme == scheme && globHost(p.host, host)
}

// globHost matches host against pattern where '*' is one or more host
// characters; it cannot cross into a scheme, path or user part because
// those were refused when the origin was parsed.
func globHost(pattern, host string) bool {
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		return pattern == host
	}
	prefix, rest := pattern[:star], pattern[star+1:]
	if !strings.HasPrefix(host, prefix) {
		return false
	}
	host = host[len(prefix):]
	for i := 1; i <= len(host); i++ {
		if !hostChar(host[i-1]) {
			return false
		}
		if globHost(rest, host[i:]) {
			return true
		}
	}
	return false
}

func hostChar(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-' || b == '.'
}

// originAllowed decides the WebSocket upgrade's Origin check for site.
// Requests without an Origin header come from programs, not browsers (a
// browser always sends one), and the check exists to stop other web pages,
// so they pass.
func originAllowed(r *http.Request, site *siteEntry) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(strings.ToLower(origin))
	if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.User != nil {
		return false
	}
	if site.Name == defaultSite && strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, p := range site.origins {
		if p.match(u.Scheme, u.Host) {
			return true
		}
	}
	return false
}
