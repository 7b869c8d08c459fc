package widget

import "testing"

func TestDescribeDevice(t *testing.T) {
	t.Parallel()
	tests := []struct{ ua, want string }{
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Linux, desktop"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows, desktop"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iOS, phone"},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android, phone"},
		{"Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Android, tablet"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox on macOS, desktop"},
		{"Go-http-client/1.1", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := describeDevice(tt.ua); got != tt.want {
			t.Errorf("describeDevice(%q) = %q, want %q", tt.ua, got, tt.want)
		}
	}
}

func TestWithDeviceKeepsTheSitesValue(t *testing.T) {
	t.Parallel()
	ua := describeDevice("Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36")
	in := map[string]string{"plan": "pro"}
	got := withDevice(in, ua)
	if got[AttrDevice] != "Chrome on Linux, desktop" || got["plan"] != "pro" {
		t.Errorf("withDevice = %v", got)
	}
	if _, changed := in[AttrDevice]; changed {
		t.Error("withDevice changed its argument")
	}
	site := map[string]string{AttrDevice: "kiosk 4"}
	if got := withDevice(site, ua); got[AttrDevice] != "kiosk 4" {
		t.Errorf("a site's own device attribute was replaced: %v", got)
	}
	if got := withDevice(nil, ""); got != nil {
		t.Errorf("withDevice(nil, \"\") = %v, want nil", got)
	}
}
