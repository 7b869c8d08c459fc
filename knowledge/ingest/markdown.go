package ingest

import (
	"errors"
	"regexp"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// frontMatter is the TOML block at the top of a Markdown article. Unknown
// keys are errors: a misspelt "questons" silently dropped would cost the
// article its example questions.
type frontMatter struct {
	ID        string   `toml:"id"`
	Title     string   `toml:"title"`
	Lang      string   `toml:"lang"`
	Tags      []string `toml:"tags"`
	Questions []string `toml:"questions"`
	URL       string   `toml:"url"`
	Status    string   `toml:"status"`
}

const frontMatterKeys = "id, title, lang, tags, questions, url, status"

// keyLine finds "key =" at the start of a front-matter line.
var keyLine = regexp.MustCompile(`^\s*"?([A-Za-z0-9_-]+)"?\s*=`)

// parseMarkdown reads one article: optional TOML front matter between "+++"
// lines (or "---" lines, for editors that only know that delimiter), then the
// Markdown body. defaultID is used when the front matter has no id; the title
// defaults to the first "# " heading.
func parseMarkdown(name, defaultID, text string, errs *Errors) (located, bool) {
	lines := strings.Split(text, "\n")
	d := draft{file: name, line: 1, id: defaultID, idFrom: "file path"}
	bodyStart := 0 // index into lines

	if delim := strings.TrimRight(lines[0], " \t"); delim == "+++" || delim == "---" {
		end := -1
		for i := 1; i < len(lines); i++ {
			if strings.TrimRight(lines[i], " \t") == delim {
				end = i
				break
			}
		}
		if end < 0 {
			errs.addf(name, 1, "", "front matter opened with %s is never closed", delim)
			return located{}, false
		}
		fm := lines[1:end]
		keyAt := make(map[string]int)
		for i, l := range fm {
			if m := keyLine.FindStringSubmatch(l); m != nil {
				if _, seen := keyAt[m[1]]; !seen {
					keyAt[m[1]] = i + 2 // front matter starts at line 2
				}
			}
		}
		d.fieldLine = func(field string) int {
			if field == "body" {
				return end + 2
			}
			return keyAt[field]
		}
		var f frontMatter
		if !decodeFrontMatter(name, strings.Join(fm, "\n"), &f, errs) {
			return located{}, false
		}
		if f.ID != "" {
			d.id, d.idFrom = f.ID, ""
			if l := keyAt["id"]; l > 0 {
				d.line = l
			}
		}
		d.title, d.lang, d.url, d.status = f.Title, f.Lang, f.URL, f.Status
		d.tags, d.questions = f.Tags, f.Questions
		bodyStart = end + 1
	}
	body := strings.Join(lines[bodyStart:], "\n")
	d.body = trimBody(body)
	if d.title == "" {
		d.title = firstHeading(body)
		if d.title == "" {
			errs.addf(name, d.line, "title", "missing: set title in the front matter or start the body with a \"# \" heading")
			return located{}, false
		}
	}
	return d.finish(errs)
}

// decodeFrontMatter decodes strictly and reports each problem at its line in
// the file (the front matter's first line is the file's second).
func decodeFrontMatter(name, src string, f *frontMatter, errs *Errors) bool {
	err := toml.NewDecoder(strings.NewReader(src)).DisallowUnknownFields().Decode(f)
	if err == nil {
		return true
	}
	var strict *toml.StrictMissingError
	var decode *toml.DecodeError
	switch {
	case errors.As(err, &strict):
		for _, e := range strict.Errors {
			row, _ := e.Position()
			errs.addf(name, row+1, strings.Join(e.Key(), "."), "unknown key (known keys: %s)", frontMatterKeys)
		}
	case errors.As(err, &decode):
		row, _ := decode.Position()
		key := strings.Join(decode.Key(), ".")
		msg := strings.TrimPrefix(decode.Error(), "toml: ")
		switch {
		case strings.Contains(msg, "cannot decode") && (key == "tags" || key == "questions"):
			msg = `must be an array of strings, such as ["a", "b"]`
		case strings.Contains(msg, "cannot decode"):
			msg = "must be a string"
		default:
			msg = "invalid TOML: " + msg + ` (front matter is TOML: key = "value")`
		}
		errs.addf(name, row+1, key, "%s", msg)
	default:
		errs.addf(name, 2, "", "invalid front matter: %s", strings.TrimPrefix(err.Error(), "toml: "))
	}
	return false
}

// firstHeading returns the text of the first level-one ATX heading outside
// fenced code blocks, or "".
func firstHeading(body string) string {
	fence := ""
	for _, l := range strings.Split(body, "\n") {
		t := strings.TrimSpace(l)
		if fence != "" {
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = t[:3]
			continue
		}
		if strings.HasPrefix(t, "# ") {
			// An optional closing sequence of #s is not part of the text.
			return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(t[2:]), "#"))
		}
	}
	return ""
}
