package mailin

import (
	"errors"
	"strings"
	"testing"
)

func TestSignerRoundTrip(t *testing.T) {
	t.Parallel()
	s := NewSigner([]byte("server secret of at least 32 bytes!!"), "Reply.Example.com")
	id := "abcdefghijklmnopqrstuvwxyz"
	addr := s.Address(id)
	if !strings.HasPrefix(addr, "reply+"+id+".") || !strings.HasSuffix(addr, "@reply.example.com") {
		t.Fatalf("Address = %q, want reply+%s.SIG@reply.example.com", addr, id)
	}
	for _, in := range []string{addr, strings.ToUpper(addr), "<" + addr + ">", " " + addr + " "} {
		got, err := s.Parse(in)
		if err != nil || got != id {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, got, err, id)
		}
	}
}

func TestSignerRefuses(t *testing.T) {
	t.Parallel()
	secret := []byte("server secret of at least 32 bytes!!")
	s := NewSigner(secret, "reply.example.com")
	id := "abcdefghijklmnopqrstuvwxyz"
	good := s.Address(id)
	local, _, _ := strings.Cut(good, "@")
	sig := local[strings.LastIndex(local, ".")+1:]
	flipped := []byte(sig)
	if flipped[0] == '0' {
		flipped[0] = '1'
	} else {
		flipped[0] = '0'
	}
	tests := map[string]string{
		"forged signature":          "reply+" + id + "." + string(flipped) + "@reply.example.com",
		"another conversation":      "reply+bbcdefghijklmnopqrstuvwxyz." + sig + "@reply.example.com",
		"another domain":            local + "@example.com",
		"signed by another secret":  NewSigner([]byte("another secret of at least 32 bytes"), "reply.example.com").Address(id),
		"no signature":              "reply+" + id + "@reply.example.com",
		"short signature":           "reply+" + id + "." + sig[:8] + "@reply.example.com",
		"not a reply address":       "support@reply.example.com",
		"no domain":                 local,
		"empty id":                  "reply+." + sig + "@reply.example.com",
		"signature of the empty id": NewSigner(secret, "reply.example.com").Address(""),
	}
	for name, addr := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got, err := s.Parse(addr); !errors.Is(err, ErrBadAddress) {
				t.Errorf("Parse(%q) = %q, %v; want ErrBadAddress", addr, got, err)
			}
		})
	}
}
