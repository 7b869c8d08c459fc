package mailin

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var spaces = regexp.MustCompile(`[ \t\x{00a0}]+`)

// htmlToText returns the readable text of an HTML mail, without what it
// quotes: the text of the tokens (entities decoded by golang.org/x/net/html),
// block elements as line breaks, table cells apart, and nothing of head,
// style, script, title or comments. A blockquote, in which mail clients
// (Gmail, Apple Mail, Thunderbird) put the quoted earlier mail, is dropped
// with its content, nested ones included; an unclosed one runs to the end.
func htmlToText(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	quote, hidden := 0, atom.Atom(0)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break // io.EOF: the tokenizer reads what it can of broken HTML
		}
		name, _ := z.TagName()
		a := atom.Lookup(name)
		switch tt {
		case html.TextToken:
			if quote == 0 && hidden == 0 {
				// Line breaks in the source mean nothing in HTML; the
				// tags do.
				b.WriteString(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(string(z.Text())))
			}
			continue
		case html.StartTagToken, html.SelfClosingTagToken:
			switch a {
			case atom.Head, atom.Style, atom.Script, atom.Title:
				if hidden == 0 && tt == html.StartTagToken {
					hidden = a
				}
				continue
			case atom.Blockquote:
				if tt == html.StartTagToken {
					quote++
				}
				continue
			}
		case html.EndTagToken:
			switch {
			case a != 0 && a == hidden:
				hidden = 0
				continue
			case a == atom.Blockquote:
				if quote > 0 {
					quote--
					if quote == 0 && hidden == 0 {
						b.WriteString("\n")
					}
				}
				continue
			}
		}
		if quote > 0 || hidden != 0 {
			continue
		}
		if breaks(a, tt) {
			b.WriteString("\n")
		} else if tt == html.EndTagToken && (a == atom.Td || a == atom.Th) {
			b.WriteString(" ")
		}
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(spaces.ReplaceAllString(l, " "))
	}
	return strings.Join(lines, "\n")
}

// breaks reports whether a tag ends a line: a line break, a rule, or the
// start or end of a block.
func breaks(a atom.Atom, tt html.TokenType) bool {
	switch a {
	case atom.Br, atom.Hr:
		return tt != html.EndTagToken
	case atom.P, atom.Div, atom.Li, atom.Tr, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Ul, atom.Ol, atom.Table:
		return true
	}
	return false
}
