// Package assets serves files embedded in the binary with a content-hash
// ETag and a ready-made gzip form. The widget and the console both ship
// their UI this way; one implementation means one set of rules for
// conditional requests and Accept-Encoding, while each package keeps its
// own files, routes and cache and security headers.
package assets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// Asset is one file prepared for serving: its body, its gzip form when that
// is smaller, and ETags from the content hash, so a browser revalidates
// cheaply and sees a new release at once.
type Asset struct {
	body, gz    []byte
	etag, gzTag string
	ctype       string
}

// Load reads every file under dir of fsys once, at start-up, keyed by its
// path below dir ("index.html", "js/app.js"). Dot files are left out.
func Load(fsys fs.FS, dir string) (map[string]*Asset, error) {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("couldn't open embedded %s: %w", dir, err)
	}
	out := make(map[string]*Asset)
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(path.Base(p), ".") {
			return err
		}
		body, err := fs.ReadFile(sub, p)
		if err != nil {
			return fmt.Errorf("couldn't read %s: %w", p, err)
		}
		out[p] = prepare(p, body)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("couldn't load embedded %s: %w", dir, err)
	}
	return out, nil
}

// New prepares body, built at start-up rather than read from a file
// system, for serving under name (which picks the Content-Type).
func New(name string, body []byte) *Asset {
	return prepare(name, body)
}

// prepare hashes and compresses body; name picks the Content-Type.
func prepare(name string, body []byte) *Asset {
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:12])
	a := &Asset{body: body, etag: `"` + tag + `"`, gzTag: `"` + tag + `-gz"`, ctype: contentType(name)}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(body)
	zw.Close()
	if buf.Len() < len(body) {
		a.gz = buf.Bytes()
	}
	return a
}

// contentType is the Content-Type for a file name: UTF-8 text for the
// types the UIs ship, the system's table for anything else.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	case ".ico":
		return "image/x-icon" // not in Go's built-in table
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// Serve writes a with conditional GET (If-None-Match) and gzip when the
// client accepts it. It sets Content-Type, X-Content-Type-Options, Vary,
// Content-Encoding, ETag and Content-Length; the caller sets the rest
// (Cache-Control, Content-Security-Policy, ...) before calling it.
func (a *Asset) Serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	body, tag := a.body, a.etag
	if a.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, tag = a.gz, a.gzTag
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", tag)
	if etagMatch(r.Header.Get("If-None-Match"), tag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// acceptsGzip reads an Accept-Encoding header, honouring an explicit
// "gzip;q=0" (the client refuses gzip) and "*".
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.TrimSpace(name) != "*" {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// etagMatch reports whether an If-None-Match header names tag (weak
// comparison, as RFC 9110 asks for If-None-Match) or is "*".
func etagMatch(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == tag || t == "*" {
			return true
		}
	}
	return false
}
