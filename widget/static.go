package widget

import (
	"embed"
	"fmt"
	"net/http"
	"strings"

	"github.com/andon-chat/andon/internal/assets"
	"github.com/andon-chat/andon/internal/locale"
	"github.com/andon-chat/andon/internal/markdown"
)

// staticFS holds the widget script and the demo pages, built into the
// binary so that one file is the whole product.
//
//go:embed static
var staticFS embed.FS

// asset is one embedded file prepared for serving (ETag and gzip come from
// internal/assets) with its cache policy.
type asset struct {
	*assets.Asset
	cache string
}

// localeMarker is the line of widget.js that becomes its word tables.
const localeMarker = "/* @include locale */"

// script is widget.js as served: the shared Markdown renderer inside its
// own scope and its words, the catalogue's "widget." keys for every
// language, in place of their include lines.
func script() (string, error) {
	raw, err := staticFS.ReadFile("static/widget.js")
	if err != nil {
		return "", err
	}
	full, err := markdown.Include(string(raw))
	if err != nil {
		return "", fmt.Errorf("widget.js: %w", err)
	}
	if strings.Count(full, localeMarker) != 1 {
		return "", fmt.Errorf("widget.js: want one %q in the script", localeMarker)
	}
	return strings.Replace(full, localeMarker, "var STR = "+string(locale.PrefixedJSON("widget."))+";", 1), nil
}

// loadAssets reads every file under static/ once at start-up, keyed by the
// URL path it is served at ("/widget.js").
func loadAssets() (map[string]*asset, error) {
	files, err := assets.Load(staticFS, "static")
	if err != nil {
		return nil, err
	}
	full, err := script()
	if err != nil {
		return nil, err
	}
	files["widget.js"] = assets.New("widget.js", []byte(full))
	out := make(map[string]*asset, len(files))
	for p, f := range files {
		// The script may be cached for a while by every site that embeds
		// it; the pages revalidate so a release shows at once.
		a := &asset{Asset: f, cache: "public, max-age=300"}
		if strings.HasSuffix(p, ".html") {
			a.cache = "no-cache"
		}
		out["/"+p] = a
	}
	return out, nil
}

// serve writes a with its cache policy, conditional GET and gzip.
func (a *asset) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", a.cache)
	a.Serve(w, r)
}
