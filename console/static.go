package console

import (
	"embed"
	"net/http"
	"path"
	"strings"

	"github.com/andon-chat/andon/internal/assets"
	"github.com/andon-chat/andon/internal/locale"
	"github.com/andon-chat/andon/internal/markdown"
)

// staticFS is the console's web UI: plain HTML, CSS and JavaScript modules,
// no build step, part of the binary.
//
//go:embed static
var staticFS embed.FS

// asset is one embedded file ready to serve (ETag, gzip: internal/assets).
type asset = assets.Asset

// loadAssets reads every file under static/ once, keyed by its name
// ("index.html"), markdown.js, the renderer the widget shares, and
// locale.js, the console's words.
func loadAssets() (map[string]*asset, error) {
	files, err := assets.Load(staticFS, "static")
	if err != nil {
		return nil, err
	}
	files["markdown.js"] = assets.New("markdown.js", []byte(markdown.Module()))
	// locale.js is the catalogue's "console." words by language, which
	// strings.js imports: the console has no word tables of its own.
	files["locale.js"] = assets.New("locale.js", []byte("export default "+string(locale.PrefixedJSON("console."))+";\n"))
	return files, nil
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
	// Revalidate every time: the files are small and a stale console talking
	// to a new API is worse than one conditional request.
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", consoleCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	a.Serve(w, r)
}
