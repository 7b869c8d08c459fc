// Package ingest reads articles into andon's knowledge base from the formats
// editors already have: a folder of Markdown files with TOML front matter,
// CSV (question,answer), JSONL (one article per line, the JSON shape of
// knowledge.Article), and labelled examples (text,label as CSV or JSONL, the
// shape of intent data sets), which become one article per label.
//
// Every problem is reported with its file, line and field, and nothing is
// half-imported: Load returns all articles of all inputs or an error.
package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/andon-chat/andon/knowledge"
)

// Load reads every path (a file, a zip archive of a Markdown folder, or a folder of Markdown files searched
// recursively, which must not hold CSV or JSONL files) and returns all their articles, each with its Status defaulted
// to published and its Hash set. The format of a file follows from its
// extension (.md, .markdown, .csv, .jsonl, .ndjson, .json) or, failing that,
// its first bytes. On any problem it returns no articles and an *Errors
// listing every problem found (up to MaxErrors).
func Load(paths ...string) ([]knowledge.Article, error) {
	var errs Errors
	if len(paths) == 0 {
		errs.addf("", 0, "", "no files to import")
		return nil, &errs
	}
	var all []located
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			errs.add(&Error{File: p, Msg: "couldn't read", Err: err})
			continue
		}
		if info.IsDir() {
			all = append(all, loadDir(os.DirFS(p), ".", func(rel string) string {
				return filepath.Join(p, filepath.FromSlash(rel))
			}, &errs)...)
			continue
		}
		if strings.EqualFold(filepath.Ext(p), ".zip") {
			all = append(all, loadZipFile(p, &errs)...)
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			errs.add(&Error{File: p, Msg: "couldn't read", Err: err})
			continue
		}
		all = append(all, parseFile(p, defaultID(filepath.Base(p)), data, &errs)...)
	}
	return finishAll(all, &errs)
}

// LoadFS is Load for a file system such as an embed.FS: root names a file or
// a folder of Markdown files inside fsys. Default ids of Markdown files are
// their paths relative to root, without extension.
func LoadFS(fsys fs.FS, root string) ([]knowledge.Article, error) {
	var errs Errors
	info, err := fs.Stat(fsys, root)
	if err != nil {
		errs.add(&Error{File: root, Msg: "couldn't read", Err: err})
		return nil, &errs
	}
	var all []located
	if info.IsDir() {
		sub, err := fs.Sub(fsys, root)
		if err != nil {
			errs.add(&Error{File: root, Msg: "couldn't open folder", Err: err})
			return nil, &errs
		}
		all = loadDir(sub, ".", func(rel string) string { return path.Join(root, rel) }, &errs)
	} else {
		data, err := fs.ReadFile(fsys, root)
		if err != nil {
			errs.add(&Error{File: root, Msg: "couldn't read", Err: err})
			return nil, &errs
		}
		all = parseFile(root, defaultID(path.Base(root)), data, &errs)
	}
	return finishAll(all, &errs)
}

// finishAll rejects ids used twice across all inputs, then returns either
// every article or the problems.
func finishAll(all []located, errs *Errors) ([]knowledge.Article, error) {
	first := make(map[string]located, len(all))
	for _, l := range all {
		if prev, dup := first[l.article.ID]; dup {
			where := fmt.Sprintf("%s:%d", prev.file, prev.line)
			if prev.file == l.file {
				where = fmt.Sprintf("line %d", prev.line)
			}
			if l.idFrom != "" {
				where += "; the id is derived from the " + l.idFrom + ", which appears twice"
			}
			errs.addf(l.file, l.line, "id", "duplicate id %q (first used at %s)", l.article.ID, where)
			continue
		}
		first[l.article.ID] = l
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	out := make([]knowledge.Article, len(all))
	for i, l := range all {
		out[i] = l.article
	}
	return out, nil
}

// loadDir reads every Markdown file under root, in lexical order so that the
// result does not depend on the file system. Hidden files and folders (".git",
// ".obsidian") are skipped; a CSV or JSONL file is a problem, not skipped. name turns a path relative to root into the name
// used in errors.
func loadDir(fsys fs.FS, root string, name func(rel string) string, errs *Errors) []located {
	var all []located
	found := false
	before := len(errs.List) + errs.Omitted
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs.add(&Error{File: name(p), Msg: "couldn't read", Err: err})
			return nil
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() && isTable(p) {
			errs.addf(name(p), 0, "", "not read: a folder is read for Markdown files only; pass this file as its own argument, outside the folder")
			return nil
		}
		if d.IsDir() || !isMarkdown(p) {
			return nil
		}
		found = true
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs.add(&Error{File: name(p), Msg: "couldn't read", Err: err})
			return nil
		}
		rel := strings.TrimPrefix(p, root+"/")
		all = append(all, parseMarkdownFile(name(p), defaultID(rel), data, errs)...)
		return nil
	})
	if err != nil {
		errs.add(&Error{File: name(root), Msg: "couldn't read folder", Err: err})
	}
	if !found && len(errs.List)+errs.Omitted == before {
		errs.addf(name(root), 0, "", "folder has no Markdown (.md) files")
	}
	return all
}

func isMarkdown(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".md", ".markdown":
		return true
	}
	return false
}

// isTable says whether a file in a folder is one of the import formats a
// folder walk does not read (CSV, JSONL): skipping it quietly would lose its
// articles. JSON is left alone, since documentation tools keep their own
// .json files next to the Markdown.
func isTable(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".csv", ".jsonl", ".ndjson":
		return true
	}
	return false
}

// defaultID is the id of a Markdown article without one: its slash-separated
// path without extension, each part slugified ("Billing/Refunds.md" ->
// "billing/refunds").
func defaultID(rel string) string {
	rel = strings.TrimSuffix(rel, path.Ext(rel))
	parts := strings.Split(filepath.ToSlash(rel), "/")
	var out []string
	for _, p := range parts {
		s := slugify(p)
		if s == "" && p != "" {
			// A name in a script slugify drops ("Часто задаваемые"):
			// still a stable, distinct id.
			sum := sha256.Sum256([]byte(p))
			s = "x-" + hex.EncodeToString(sum[:4])
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, "/")
}

// format is how a file is read.
type format int

const (
	formatUnknown format = iota
	formatMarkdown
	formatCSV
	formatJSONL
	formatJSON
)

// detectFormat follows the extension, then the first bytes for files named
// otherwise (a .txt export, a file without extension).
func detectFormat(name, text string) format {
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown":
		return formatMarkdown
	case ".csv":
		return formatCSV
	case ".jsonl", ".ndjson":
		return formatJSONL
	case ".json":
		return formatJSON
	}
	t := strings.TrimLeft(text, " \t\n")
	switch {
	case strings.HasPrefix(t, "+++"), strings.HasPrefix(t, "---"), strings.HasPrefix(t, "#"):
		return formatMarkdown
	case strings.HasPrefix(t, "{"):
		return formatJSONL
	case strings.HasPrefix(t, "["):
		return formatJSON
	}
	return formatUnknown
}

// parseFile reads one file of any format into articles.
func parseFile(name, id string, data []byte, errs *Errors) []located {
	text, ok := decodeText(name, data, errs)
	if !ok {
		return nil
	}
	var all []located
	switch detectFormat(name, text) {
	case formatMarkdown:
		if l, ok := parseMarkdown(name, id, text, errs); ok {
			all = append(all, l)
		}
		return all
	case formatCSV:
		all = parseCSV(name, text, errs)
	case formatJSONL:
		all = parseJSONL(name, text, errs)
	case formatJSON:
		all = parseJSONArray(name, text, errs)
	default:
		errs.addf(name, 0, "", "unknown format: use .md, .csv, .jsonl or .json")
		return nil
	}
	return all
}

// parseMarkdownFile is parseFile for a file known to be Markdown.
func parseMarkdownFile(name, id string, data []byte, errs *Errors) []located {
	text, ok := decodeText(name, data, errs)
	if !ok {
		return nil
	}
	if l, ok := parseMarkdown(name, id, text, errs); ok {
		return []located{l}
	}
	return nil
}

// noArticles reports a file that parsed but held nothing to import.
func noArticles(name, why string, errs *Errors) {
	errs.add(&Error{File: name, Msg: fmt.Sprintf("no articles: %s", why)})
}
