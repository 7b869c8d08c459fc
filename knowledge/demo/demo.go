// Package demo is the knowledge base a fresh andon install answers from: a
// few dozen articles about andon itself, in English and Swedish, so that the
// demo page shows the product working before anyone has imported anything.
// The articles are ordinary Markdown files with TOML front matter, read by
// the same importer as an editor's files, so they double as examples of the
// format.
package demo

import (
	"embed"
	"fmt"

	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/knowledge/ingest"
)

//go:embed articles
var files embed.FS

// Articles parses the bundled articles. An error means a bundled file is
// broken, which the package's tests catch before a release.
func Articles() ([]knowledge.Article, error) {
	arts, err := ingest.LoadFS(files, "articles")
	if err != nil {
		return nil, fmt.Errorf("couldn't parse the demo articles: %w", err)
	}
	return arts, nil
}
