package assets

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestServe(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("console.log('andon');\n", 200)
	files, err := Load(fstest.MapFS{
		"static/app.js":     {Data: []byte(big)},
		"static/tiny.css":   {Data: []byte("a{}")},
		"static/.DS_Store":  {Data: []byte("junk")},
		"static/img/i.svg":  {Data: []byte("<svg/>")},
		"other/outside.txt": {Data: []byte("not served")},
	}, "static")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 || files["app.js"] == nil || files["img/i.svg"] == nil || files[".DS_Store"] != nil {
		t.Fatalf("loaded %v", files)
	}
	get := func(a *Asset, method string, header ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "/x", nil)
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		a.Serve(w, r)
		return w
	}

	plain := get(files["app.js"], "GET")
	if plain.Code != 200 || plain.Body.String() != big || plain.Header().Get("Content-Encoding") != "" ||
		plain.Header().Get("Content-Type") != "text/javascript; charset=utf-8" ||
		plain.Header().Get("X-Content-Type-Options") != "nosniff" || plain.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("plain: %d %v", plain.Code, plain.Header())
	}
	etag := plain.Header().Get("ETag")
	zipped := get(files["app.js"], "GET", "Accept-Encoding", "br, gzip")
	if zipped.Header().Get("Content-Encoding") != "gzip" || zipped.Header().Get("ETag") == etag || zipped.Body.Len() >= len(big) {
		t.Fatalf("gzip: %v, %d bytes", zipped.Header(), zipped.Body.Len())
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); string(b) != big {
		t.Fatal("gzip body differs")
	}
	if get(files["tiny.css"], "GET", "Accept-Encoding", "gzip").Header().Get("Content-Encoding") != "" {
		t.Error("a file that gzip makes larger was sent gzipped")
	}
	if ct := get(files["img/i.svg"], "GET").Header().Get("Content-Type"); ct != "image/svg+xml" {
		t.Errorf("svg content type %q", ct)
	}
	if w := get(files["app.js"], "HEAD"); w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD: %d, %d bytes, %v", w.Code, w.Body.Len(), w.Header())
	}

	tests := []struct {
		name     string
		header   []string
		wantCode int
		wantGzip bool
	}{
		{"same etag", []string{"If-None-Match", etag}, http.StatusNotModified, false},
		{"weak etag in a list", []string{"If-None-Match", `"old", W/` + etag}, http.StatusNotModified, false},
		{"any", []string{"If-None-Match", "*"}, http.StatusNotModified, false},
		{"stale etag", []string{"If-None-Match", `"stale"`}, 200, false},
		{"plain etag does not match the gzip form", []string{"If-None-Match", etag, "Accept-Encoding", "gzip"}, 200, true},
		{"gzip refused", []string{"Accept-Encoding", "gzip;q=0"}, 200, false},
		{"gzip refused with spaces", []string{"Accept-Encoding", "br, gzip; q=0.0"}, 200, false},
		{"any encoding", []string{"Accept-Encoding", "*"}, 200, true},
		{"identity only", []string{"Accept-Encoding", "identity"}, 200, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := get(files["app.js"], "GET", tt.header...)
			if w.Code != tt.wantCode || (w.Header().Get("Content-Encoding") == "gzip") != tt.wantGzip {
				t.Fatalf("%d %v", w.Code, w.Header())
			}
			if w.Code == http.StatusNotModified && w.Body.Len() != 0 {
				t.Fatalf("304 with %d bytes", w.Body.Len())
			}
		})
	}
}
