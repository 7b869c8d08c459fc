package knowledge

import (
	"strconv"
	"strings"
)

// unitKind is what a unit of the index holds.
type unitKind uint8

const (
	unitTitle    unitKind = iota // the article's title alone
	unitChunk                    // a section of the body, with title and heading
	unitQuestion                 // one example question
)

func (k unitKind) letter() byte { return "tcq"[k] }

// unit is one indexed text: every vector and every BM25 document is a unit,
// and each points at its article.
type unit struct {
	art     int32 // index into snapshot.arts
	kind    unitKind
	n       int    // ordinal of this kind within the article
	heading string // for chunks
	text    string // title, chunk Markdown or question
	embed   string // the text that is embedded and searched
}

// unitID is the unit's document ID in the chromem-go collection.
func unitID(articleID string, k unitKind, n int) string {
	return articleID + "\x1f" + string(k.letter()) + strconv.Itoa(n)
}

// articleUnits splits a published article into its units: the title, the
// body's chunks (each carrying the title and heading, so a section about
// "Reset" under "Password" is found for "reset password"), and each example
// question.
func articleUnits(a *Article, idx int32, chunkMax int) []unit {
	var out []unit
	if t := strings.TrimSpace(a.Title); t != "" {
		out = append(out, unit{art: idx, kind: unitTitle, text: t, embed: t})
	}
	for i, c := range splitChunks(a.Body, chunkMax) {
		var b strings.Builder
		b.WriteString(a.Title)
		if c.Heading != "" && c.Heading != a.Title {
			b.WriteString("\n")
			b.WriteString(c.Heading)
		}
		b.WriteString("\n")
		b.WriteString(c.Text)
		out = append(out, unit{art: idx, kind: unitChunk, n: i, heading: c.Heading, text: c.Text, embed: b.String()})
	}
	n := 0
	seen := make(map[string]bool, len(a.Questions))
	for _, q := range a.Questions {
		q = strings.TrimSpace(q)
		if q == "" || seen[q] {
			continue
		}
		seen[q] = true
		out = append(out, unit{art: idx, kind: unitQuestion, n: n, text: q, embed: q})
		n++
	}
	return out
}
