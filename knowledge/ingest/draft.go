package ingest

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/andon-chat/andon/knowledge"
)

// draft is an article as read from any format, before the checks every
// format shares. It remembers where it came from so that each problem, and a
// duplicate id found later, points at a file and line.
type draft struct {
	file string
	line int // where the article starts
	// fieldLine gives the line of a field when it differs from line (a
	// front-matter key, a CSV cell spanning lines); nil means line.
	fieldLine func(field string) int

	id, title, body, lang, url, status string
	tags, questions                    []string
	updatedAt                          time.Time
	// idFrom explains a derived id in a duplicate-id error ("question").
	idFrom string
}

// located is a finished article with its origin, kept until the duplicate-id
// check across all inputs has run.
type located struct {
	article knowledge.Article
	file    string
	line    int
	idFrom  string
}

func (d *draft) lineOf(field string) int {
	if d.fieldLine != nil {
		if l := d.fieldLine(field); l > 0 {
			return l
		}
	}
	return d.line
}

// finish validates what every format has in common, fills the defaults and
// the content hash. It reports every problem, not just the first.
func (d *draft) finish(errs *Errors) (located, bool) {
	d.title = strings.TrimSpace(d.title)
	d.url = strings.TrimSpace(d.url)
	var problems []*Error
	bad := func(field, format string, args ...any) {
		problems = append(problems, &Error{File: d.file, Line: d.lineOf(field), Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if msg := checkID(d.id); msg != "" {
		bad("id", "%s", msg)
	}
	if d.title == "" {
		bad("title", "is empty")
	}
	if d.body == "" {
		bad("body", "is empty")
	}
	lang, good := normalizeLang(d.lang)
	if !good {
		bad("lang", "%q is not a language code such as en or sv", d.lang)
	}
	if msg := checkURL(d.url); msg != "" {
		bad("url", "%q %s", d.url, msg)
	}
	status, good := parseStatus(d.status)
	if !good {
		bad("status", "%q is neither draft nor published", d.status)
	}
	if len(problems) > 0 {
		// In file order, which is how an editor fixes them.
		slices.SortStableFunc(problems, func(a, b *Error) int { return a.Line - b.Line })
		for _, p := range problems {
			errs.add(p)
		}
		return located{}, false
	}
	a := knowledge.Article{
		ID:        d.id,
		Title:     d.title,
		Body:      d.body,
		Lang:      lang,
		Tags:      cleanList(d.tags),
		URL:       d.url,
		Questions: cleanList(d.questions),
		Status:    status,
		UpdatedAt: d.updatedAt,
	}
	a.Hash = a.ContentHash()
	return located{article: a, file: d.file, line: d.line, idFrom: d.idFrom}, true
}
