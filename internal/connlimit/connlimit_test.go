package connlimit

import (
	"net/netip"
	"testing"
)

func TestAdmit(t *testing.T) {
	t.Parallel()
	proxy := netip.MustParseAddr("10.0.0.1")
	l := Wrap(nil, Options{PerIP: 2, Total: 3, Reserve: 1, Exempt: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	a, b := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	for i, tt := range []struct {
		ip                 netip.Addr
		wantOK, wantReserv bool
	}{
		{a, true, false},
		{a, true, false},
		{a, false, false},    // over the per-IP cap
		{proxy, true, false}, // the third general slot
		{proxy, true, true},  // a proxy is not capped per IP, but the total holds: reserve
		{b, false, false},    // reserve used up
	} {
		reserved, ok := l.admit(tt.ip)
		if ok != tt.wantOK || reserved != tt.wantReserv {
			t.Fatalf("step %d (%s): ok %v reserved %v, want %v %v", i, tt.ip, ok, reserved, tt.wantOK, tt.wantReserv)
		}
	}
	if s := l.Stats(); s.Open != 4 || s.Reserved != 1 || s.Shed != 2 {
		t.Fatalf("stats %+v", s)
	}
	// Closing gives the slot back, once.
	c := &conn{l: l, ip: a}
	l.release(c)
	if _, ok := l.admit(a); !ok {
		t.Fatal("slot not given back")
	}
	if n := l.perIP[proxy]; n != 0 {
		t.Fatalf("a trusted proxy was counted per IP: %d", n)
	}
}
