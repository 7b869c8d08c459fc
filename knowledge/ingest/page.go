package ingest

import (
	"bytes"
	"path"
	"strings"

	"github.com/andon-chat/andon/knowledge"
)

// IDFromPath is the id a Markdown file at rel would get without an id of its
// own ("Billing/Refunds.md" -> "billing/refunds"); other importers (a crawled
// help site) derive their ids the same way.
func IDFromPath(rel string) string { return defaultID(rel) }

// Check runs the checks every format shares (id, title, body, language, URL,
// status) on an article read elsewhere, with name (a URL, a file) in the
// errors. It returns the article as Load would (language reduced to its
// primary subtag, lists cleaned, hash set) or an *Errors.
func Check(name string, a knowledge.Article) (knowledge.Article, error) {
	var errs Errors
	d := draft{
		file: name, id: a.ID, title: a.Title, body: trimBody(a.Body), lang: a.Lang,
		url: a.URL, status: string(a.Status), tags: a.Tags, questions: a.Questions,
		updatedAt: a.UpdatedAt,
	}
	l, ok := d.finish(&errs)
	if !ok {
		return knowledge.Article{}, &errs
	}
	return l.article, nil
}

// LoadBytes is Load for one uploaded file: name's extension says the format
// (.zip for a Markdown folder, .md, .csv, .jsonl, .json), as for a path.
func LoadBytes(name string, data []byte) ([]knowledge.Article, error) {
	if strings.EqualFold(path.Ext(name), ".zip") {
		return LoadZip(name, bytes.NewReader(data), int64(len(data)))
	}
	var errs Errors
	all := parseFile(name, defaultID(path.Base(name)), data, &errs)
	return finishAll(all, &errs)
}
