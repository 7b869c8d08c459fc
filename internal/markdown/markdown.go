// Package markdown holds the one Markdown renderer of the browser UIs, a
// small JavaScript file (markdown.js) that turns a bot answer into DOM nodes
// without ever parsing HTML. The widget is a single script, so it includes
// the file inside its own scope; the console loads it as an ES module. Both
// are built from Script here, so the two never drift apart.
package markdown

import (
	_ "embed"
	"fmt"
	"strings"
)

// Script is markdown.js: it declares renderMarkdown(text), which returns a
// DocumentFragment.
//
//go:embed markdown.js
var Script string

// IncludeMarker is the line in a script that Include replaces with Script.
const IncludeMarker = "/* @include markdown.js */"

// Include returns script with its IncludeMarker replaced by Script, so that
// renderMarkdown is a local of the including script's scope. It fails when
// the marker is missing, rather than serving a script that would throw.
func Include(script string) (string, error) {
	if strings.Count(script, IncludeMarker) != 1 {
		return "", fmt.Errorf("want one %q in the script", IncludeMarker)
	}
	return strings.Replace(script, IncludeMarker, Script, 1), nil
}

// Module is Script as an ES module exporting renderMarkdown.
func Module() string {
	return Script + "\nexport { renderMarkdown };\n"
}
