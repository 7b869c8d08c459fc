package widget

import (
	"compress/gzip"
	"encoding/json"
	"github.com/andon-chat/andon/internal/apierr"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/andon-chat/andon/internal/locale"
)

// get fetches path without Go's transparent gzip, so the test sees the wire.
func (e *env) get(path string, header map[string]string) (*http.Response, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, body
}

func TestWidgetScriptIsCachedAndCompressed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{}, nil)
	plainResp, plain := e.get("/widget.js", nil)
	if plainResp.StatusCode != 200 || !strings.HasPrefix(plainResp.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("%d %s", plainResp.StatusCode, plainResp.Header.Get("Content-Type"))
	}
	want, err := script()
	if err != nil || string(plain) != want || !strings.Contains(want, "function renderMarkdown(") {
		t.Fatalf("served script is not the embedded one with the Markdown renderer inside (%v)", err)
	}
	for _, words := range []string{`"open":"` + locale.Text("sv", "widget.open") + `"`, `"open":"` + locale.Text("en", "widget.open") + `"`} {
		if !strings.Contains(want, words) || strings.Contains(want, localeMarker) {
			t.Fatalf("served script lacks the catalogue's %s", words)
		}
	}
	etag := plainResp.Header.Get("ETag")
	if etag == "" || plainResp.Header.Get("Cache-Control") == "" || plainResp.Header.Get("Content-Encoding") != "" {
		t.Fatalf("headers: %v", plainResp.Header)
	}

	gzResp, gz := e.get("/widget.js", map[string]string{"Accept-Encoding": "br, gzip"})
	if gzResp.Header.Get("Content-Encoding") != "gzip" || gzResp.Header.Get("ETag") == etag ||
		!strings.Contains(gzResp.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("gzip headers: %v", gzResp.Header)
	}
	zr, err := gzip.NewReader(strings.NewReader(string(gz)))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	if string(unzipped) != string(want) {
		t.Fatal("gzip body differs")
	}
	t.Logf("widget.js: %d bytes, %d gzipped", len(plain), len(gz))

	if r, _ := e.get("/widget.js", map[string]string{"Accept-Encoding": "gzip;q=0"}); r.Header.Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 got gzip")
	}
	if r, body := e.get("/widget.js", map[string]string{"If-None-Match": etag}); r.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Fatalf("conditional GET: %d, %d bytes", r.StatusCode, len(body))
	}
	if r, _ := e.get("/widget.js", map[string]string{"If-None-Match": `"stale"`}); r.StatusCode != 200 {
		t.Fatalf("stale etag: %d", r.StatusCode)
	}
}

func TestDemoPageAndNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{}, nil)
	r, body := e.get("/", nil)
	if r.StatusCode != 200 || !strings.Contains(string(body), `src="/widget.js"`) || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("demo: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	for _, p := range []string{"/nope.js", "/static/widget.js", "/.keep"} {
		if r, _ := e.get(p, nil); r.StatusCode != 404 {
			t.Errorf("%s: %d", p, r.StatusCode)
		}
	}
}

func TestSiteConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Sites: []Site{{
		Name: "default", AllowedOrigins: []string{"https://secret.example.com"},
		Title: "Help", Color: "#123456", Position: "left", Locale: "sv",
		Greeting: map[string]string{"en": "Hi!", "sv": "Hej!"},
	}}}, nil)
	r, body := e.get("/widget/config.json", nil)
	if r.StatusCode != 200 || r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("%d %v", r.StatusCode, r.Header)
	}
	var cfg publicConfig
	if err := json.Unmarshal(body, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Title != "Help" || cfg.Color != "#123456" || cfg.Position != "left" || cfg.Locale != "sv" ||
		cfg.Greeting["sv"] != "Hej!" || cfg.MaxMessageBytes != 4096 {
		t.Fatalf("%+v", cfg)
	}
	if strings.Contains(string(body), "secret.example.com") {
		t.Fatal("allowed origins leaked into the public config")
	}
	if r, body := e.get("/widget/config.json?site=nope", nil); r.StatusCode != 404 || !strings.Contains(string(body), apierr.CodeUnknownSite) {
		t.Fatalf("%d %s", r.StatusCode, body)
	}
}
