package console

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// staticFS is the console's web UI: plain HTML, CSS and JavaScript modules,
// no build step, part of the binary.
//
//go:embed static
var staticFS embed.FS

// asset is one embedded file ready to serve, with a content-hash ETag so a
// browser revalidates cheaply and sees a new release at once.
type asset struct {
	body, gz    []byte
	etag, gzTag string
	ctype       string
}

// loadAssets reads every file under static/ once.
func loadAssets() (map[string]*asset, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("couldn't open embedded console: %w", err)
	}
	out := make(map[string]*asset)
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(path.Base(p), ".") {
			return err
		}
		body, err := fs.ReadFile(sub, p)
		if err != nil {
			return fmt.Errorf("couldn't read %s: %w", p, err)
		}
		sum := sha256.Sum256(body)
		tag := hex.EncodeToString(sum[:12])
		a := &asset{body: body, etag: `"` + tag + `"`, gzTag: `"` + tag + `-gz"`, ctype: contentType(p)}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		if buf.Len() < len(body) {
			a.gz = buf.Bytes()
		}
		out[p] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("couldn't load embedded console: %w", err)
	}
	return out, nil
}

func contentType(p string) string {
	switch path.Ext(p) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	}
	return "application/octet-stream"
}

// consoleCSP allows only the console's own files and its own WebSocket: no
// inline script, no third-party origin, no framing (clickjacking).
const consoleCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// serveStatic answers GET /console/ and its files. Unknown paths under
// /console/ get index.html, so a reload of any console address works.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/console/")
	if name == "" {
		name = "index.html"
	}
	a := s.assets[name]
	if a == nil {
		if path.Ext(name) != "" {
			http.NotFound(w, r)
			return
		}
		a = s.assets["index.html"]
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	// Revalidate every time: the files are small and a stale console talking
	// to a new API is worse than one conditional request.
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", consoleCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	body, tag := a.body, a.etag
	if a.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			body, tag = a.gz, a.gzTag
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", tag)
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, tag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}
