package clientip

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestOf(t *testing.T) {
	t.Parallel()
	proxy := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	tests := []struct {
		remote, xff string
		trusted     []netip.Prefix
		want        string
		viaProxy    bool
	}{
		{"203.0.113.5:1234", "", nil, "203.0.113.5", false},
		{"203.0.113.5:1234", "1.2.3.4", nil, "203.0.113.5", false},       // header from an untrusted peer is ignored
		{"203.0.113.5:1234", "1.2.3.4", proxy, "203.0.113.5", false},     // peer not a proxy
		{"10.0.0.2:1234", "1.2.3.4", proxy, "1.2.3.4", true},             // through the proxy
		{"10.0.0.2:1234", "6.6.6.6, 1.2.3.4", proxy, "1.2.3.4", true},    // the left part is the client's to forge
		{"10.0.0.2:1234", "1.2.3.4, 10.0.0.9", proxy, "1.2.3.4", true},   // two proxies
		{"10.0.0.2:1234", "10.0.0.8, 10.0.0.9", proxy, "10.0.0.8", true}, // only proxies: the furthest one
		{"10.0.0.2:1234", "garbage", proxy, "10.0.0.2", true},            // unusable header
		{"10.0.0.2:1234", "", proxy, "10.0.0.2", true},                   // no header
		{"[::ffff:192.0.2.1]:80", "", nil, "192.0.2.1", false},           // mapped v4
		{"[::ffff:10.0.0.2]:80", "1.2.3.4", proxy, "1.2.3.4", true},      // a mapped proxy is the proxy
		{"[2001:db8::1]:80", "", nil, "2001:db8::1", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		if got := Of(r, tt.trusted).String(); got != tt.want {
			t.Errorf("Of(%s, %q) = %s, want %s", tt.remote, tt.xff, got, tt.want)
		}
		if got := ViaTrustedProxy(r, tt.trusted); got != tt.viaProxy {
			t.Errorf("ViaTrustedProxy(%s) = %v, want %v", tt.remote, got, tt.viaProxy)
		}
	}
}

func TestOfJoinsRepeatedHeaders(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.2:1234"
	r.Header.Add("X-Forwarded-For", "6.6.6.6")
	r.Header.Add("X-Forwarded-For", "1.2.3.4")
	if got := Of(r, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}).String(); got != "1.2.3.4" {
		t.Fatalf("got %s", got)
	}
}

func TestParsePrefix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string // want "" = an error
	}{
		{"10.0.0.0/8", "10.0.0.0/8"},
		{" 10.1.2.3/8 ", "10.0.0.0/8"}, // host bits dropped
		{"192.0.2.7", "192.0.2.7/32"},
		{"::1", "::1/128"},
		{"2001:db8::/32", "2001:db8::/32"},
		{"::ffff:192.0.2.7", "192.0.2.7/32"},
		{"10.0.0.0/33", ""},
		{"proxy.example.com", ""},
		{"10.0.0", ""},
		{"", ""},
	}
	for _, tt := range tests {
		p, err := ParsePrefix(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("ParsePrefix(%q) = %s, want an error", tt.in, p)
		case tt.want != "" && (err != nil || p.String() != tt.want):
			t.Errorf("ParsePrefix(%q) = %s, %v, want %s", tt.in, p, err, tt.want)
		}
	}
	ps, err := ParsePrefixes([]string{"10.0.0.0/8", "192.0.2.7"})
	if err != nil || len(ps) != 2 || !ps[1].Contains(netip.MustParseAddr("192.0.2.7")) || ps[1].Contains(netip.MustParseAddr("192.0.2.8")) {
		t.Fatalf("ParsePrefixes = %v, %v", ps, err)
	}
	if _, err := ParsePrefixes([]string{"10.0.0.0/8", "nope"}); err == nil {
		t.Fatal("a bad entry was accepted")
	}
}
