package mailin

import (
	"html"
	"regexp"
	"strings"
)

var (
	// htmlDrop are elements whose content is never text to the reader.
	htmlDrop = regexp.MustCompile(`(?is)<!--.*?-->|<(head|style|script|title)\b[^>]*>.*?</(head|style|script|title)\s*>`)
	// htmlQuoteTag finds the opening and closing blockquote tags, in
	// which mail clients (Gmail, Apple Mail, Thunderbird) put the quoted
	// earlier mail.
	htmlQuoteTag = regexp.MustCompile(`(?is)<(/?)blockquote\b[^>]*>`)
	// htmlBreak are tags that end a line.
	htmlBreak = regexp.MustCompile(`(?is)<(br|/?p|/?div|/?li|/?tr|/?h[1-6]|hr|/?ul|/?ol|/?table)\b[^>]*>`)
	// htmlCell separates table cells.
	htmlCell = regexp.MustCompile(`(?is)</t[dh]\s*>`)
	htmlTag  = regexp.MustCompile(`(?s)<[^>]*>`)
	spaces   = regexp.MustCompile(`[ \t\x{00a0}]+`)
)

// htmlToText returns the readable text of an HTML mail, without what it
// quotes: tags stripped, block elements as line breaks, entities decoded.
// It is not an HTML parser; it reads what mail clients write.
func htmlToText(s string) string {
	s = htmlDrop.ReplaceAllString(s, "")
	s = dropBlockquotes(s)
	// Line breaks in the source mean nothing in HTML; the tags do.
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	s = htmlBreak.ReplaceAllString(s, "\n")
	s = htmlCell.ReplaceAllString(s, " ")
	s = htmlTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(spaces.ReplaceAllString(l, " "))
	}
	return strings.Join(lines, "\n")
}

// dropBlockquotes removes every blockquote with its content, nested ones
// included. An unclosed blockquote runs to the end.
func dropBlockquotes(s string) string {
	var b strings.Builder
	depth, last := 0, 0
	for _, m := range htmlQuoteTag.FindAllStringSubmatchIndex(s, -1) {
		if depth == 0 {
			b.WriteString(s[last:m[0]])
		}
		if m[3] == m[2] { // <blockquote>
			depth++
		} else if depth > 0 {
			depth--
			if depth == 0 {
				b.WriteString("\n")
			}
		}
		last = m[1]
	}
	if depth == 0 {
		b.WriteString(s[last:])
	}
	return b.String()
}
