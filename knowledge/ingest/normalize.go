package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"unicode"

	"github.com/andon-chat/andon/knowledge"
)

// slugify makes a readable, URL-safe id part: lower case, letters and digits
// kept (Swedish å, ä, ö folded to a, a, o), every other run of characters one
// hyphen.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch r {
		case 'å', 'ä', 'á', 'à', 'â':
			r = 'a'
		case 'ö', 'ø', 'ó', 'ò', 'ô':
			r = 'o'
		case 'é', 'è', 'ê', 'ë':
			r = 'e'
		case 'ü', 'ú', 'ù', 'û':
			r = 'u'
		}
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			dash = false
			continue
		}
		if b.Len() > 0 && !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// questionID derives a stable id for a row that has none: a readable slug of
// the question plus a short hash of it, so that two questions differing only
// in punctuation do not collide and re-imports keep the same id.
func questionID(q string) string {
	sum := sha256.Sum256([]byte(q))
	slug := slugify(q)
	if len(slug) > 48 {
		slug = strings.TrimRight(slug[:48], "-")
	}
	if slug == "" {
		return "q-" + hex.EncodeToString(sum[:4])
	}
	return slug + "-" + hex.EncodeToString(sum[:4])
}

// checkID explains what is wrong with an article id, or returns "".
func checkID(id string) string {
	switch {
	case id == "":
		return "is empty"
	case len(id) > 200:
		return "is longer than 200 bytes"
	case strings.TrimSpace(id) != id:
		return "has leading or trailing spaces"
	}
	for _, r := range id {
		if unicode.IsControl(r) {
			return "contains a control character"
		}
	}
	return ""
}

// normalizeLang reduces a language tag to its lower-case primary subtag
// ("sv-SE" -> "sv"), because the bot matches the visitor's language against
// the articles' by that subtag. It returns ok=false for something that is not
// a language tag.
func normalizeLang(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	primary, _, _ := strings.Cut(strings.ReplaceAll(s, "_", "-"), "-")
	if len(primary) < 2 || len(primary) > 3 {
		return "", false
	}
	for _, r := range primary {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return "", false
		}
	}
	return strings.ToLower(primary), true
}

// checkURL explains what is wrong with a source URL, or returns "". Absolute
// http(s) URLs and site-relative paths are accepted: both can be linked from
// an answer.
func checkURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return "is not a valid URL"
	}
	if u.Scheme == "" && strings.HasPrefix(s, "/") {
		return ""
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "must be an http(s) URL or a path starting with /"
	}
	return ""
}

// parseStatus maps the text form to a Status; empty means published, the
// common case for imported material.
func parseStatus(s string) (knowledge.Status, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", string(knowledge.Published):
		return knowledge.Published, true
	case string(knowledge.Draft):
		return knowledge.Draft, true
	}
	return "", false
}

// cleanList trims entries, drops empty ones and duplicates, and keeps the
// first-seen order so the content hash is stable.
func cleanList(in []string) []string {
	var out []string
	seen := make(map[string]bool, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// splitTags reads a tags cell: "billing; refunds" or "billing|refunds".
func splitTags(s string) []string {
	return cleanList(strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '|' }))
}

// trimBody drops leading blank lines and trailing white space, but keeps the
// indentation of the first line, which Markdown gives meaning to.
func trimBody(s string) string {
	s = strings.TrimRight(s, " \t\n")
	for {
		line, rest, found := strings.Cut(s, "\n")
		if !found || strings.TrimSpace(line) != "" {
			return s
		}
		s = rest
	}
}
