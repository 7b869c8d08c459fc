package app_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"
)

// TestFaviconIsServed: the demo page and the console link an icon that
// exists, and /favicon.ico (which browsers ask for unasked) is not a 404.
func TestFaviconIsServed(t *testing.T) {
	t.Parallel()
	a := newApp(t, t.TempDir())
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	get := func(u string) (*http.Response, string) {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	for path, ctype := range map[string]string{"/favicon.ico": "image/x-icon", "/favicon.svg": "image/svg+xml"} {
		if resp, _ := get(srv.URL + path); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != ctype {
			t.Errorf("%s: %d %q, want 200 %q", path, resp.StatusCode, resp.Header.Get("Content-Type"), ctype)
		}
	}
	icon := regexp.MustCompile(`<link rel="icon" href="([^"]+)"`)
	for _, page := range []string{"/", "/console/"} {
		_, body := get(srv.URL + page)
		links := icon.FindAllStringSubmatch(body, -1)
		if len(links) == 0 {
			t.Errorf("%s links no icon", page)
		}
		for _, l := range links {
			base, _ := url.Parse(srv.URL + page)
			ref, _ := url.Parse(l[1])
			if resp, _ := get(base.ResolveReference(ref).String()); resp.StatusCode != http.StatusOK {
				t.Errorf("%s: icon %s is %d", page, l[1], resp.StatusCode)
			}
		}
	}
}
