package widget

import (
	"strings"
	"testing"
	"time"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	now := time.Now()
	tk := tokens{secret: []byte("s"), ttl: time.Hour}
	good := tk.issue("default", "conv1", now)
	if id, err := tk.verify("default", good, now); err != nil || id != "conv1" {
		t.Fatalf("%q %v", id, err)
	}
	if _, err := tk.verify("default", good, now.Add(2*time.Hour)); err != errTokenExpired {
		t.Fatalf("later: %v", err)
	}
	p, m, _ := strings.Cut(good, ".")
	flipped := []byte(m)
	flipped[3] ^= 1
	for name, bad := range map[string]string{
		"other site":   good,
		"empty":        "",
		"no dot":       p,
		"bad mac":      p + "." + string(flipped),
		"bad base64":   p + ".!!!",
		"other secret": tokens{secret: []byte("t"), ttl: time.Hour}.issue("default", "conv1", now),
	} {
		site := "default"
		if name == "other site" {
			site = "shop"
		}
		if _, err := tk.verify(site, bad, now); err != errBadToken {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestOriginPatterns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, scheme, host string
		want                  bool
	}{
		{"https://example.com", "https", "example.com", true},
		{"https://example.com", "http", "example.com", false},
		{"https://Example.COM", "https", "example.com", true},
		{"https://*.example.com", "https", "a.example.com", true},
		{"https://*.example.com", "https", "a.b.example.com", true},
		{"https://*.example.com", "https", "example.com", false},
		{"https://*.example.com", "https", "evilexample.com", false},
		{"https://*.example.com", "https", "a.example.com.evil.org", false},
		{"https://*.example.com", "https", "a.example.com:8443", false},
		{"http://localhost:*", "http", "localhost:3000", true},
		{"http://localhost:*", "http", "localhost", false},
		{"*", "https", "anything.org", true},
	}
	for _, tt := range tests {
		p, err := parseOriginPattern(tt.pattern)
		if err != nil {
			t.Fatalf("%s: %v", tt.pattern, err)
		}
		if got := p.match(tt.scheme, tt.host); got != tt.want {
			t.Errorf("%s matches %s://%s = %v", tt.pattern, tt.scheme, tt.host, got)
		}
	}
	for _, bad := range []string{"example.com", "ftp://example.com", "https://", "https://example.com/path", "https://user@example.com"} {
		if ValidateOrigin(bad) == nil {
			t.Errorf("ValidateOrigin(%q) accepted", bad)
		}
	}
}
