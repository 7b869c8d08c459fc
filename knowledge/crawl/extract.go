package crawl

import (
	"io"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Extracted is what a help page holds for the knowledge base.
type Extracted struct {
	Title string
	Lang  string // from <html lang>, as written
	Body  string // Markdown
}

// Extract reads the main content of an HTML page as Markdown: <main>, else
// <article>, else [role=main], else <body>, with navigation, header, footer,
// aside, scripts, forms and cookie banners left out. Headings, lists, code
// blocks and links are kept; relative links are resolved against base. The
// title is the first <h1> of the content, else <title>.
func Extract(r io.Reader, base *url.URL) (Extracted, error) {
	doc, err := html.Parse(r)
	if err != nil {
		return Extracted{}, err
	}
	var e Extracted
	if h := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Html }); h != nil {
		e.Lang = strings.TrimSpace(attr(h, "lang"))
	}
	root := find(doc, isTag(atom.Main))
	if root == nil {
		root = find(doc, isTag(atom.Article))
	}
	if root == nil {
		root = find(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && attr(n, "role") == "main" })
	}
	if root == nil {
		root = find(doc, isTag(atom.Body))
	}
	if root == nil {
		root = doc
	}
	if h1 := find(root, func(n *html.Node) bool { return n.DataAtom == atom.H1 && !skipped(n) }); h1 != nil {
		e.Title = collapse(textOf(h1))
	}
	if e.Title == "" {
		if t := find(doc, isTag(atom.Title)); t != nil {
			e.Title = collapse(textOf(t))
		}
	}
	w := &mdWriter{base: base, title: e.Title}
	w.block(root)
	e.Body = strings.TrimSpace(w.out.String())
	return e, nil
}

func isTag(a atom.Atom) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Type == html.ElementNode && n.DataAtom == a }
}

// find is the first node in document order that ok accepts.
func find(n *html.Node, ok func(*html.Node) bool) *html.Node {
	if ok(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, ok); f != nil {
			return f
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// skipped says whether an element is boilerplate rather than content.
func skipped(n *html.Node) bool {
	if n.Type == html.CommentNode {
		return true
	}
	if n.Type != html.ElementNode {
		return false
	}
	switch n.DataAtom {
	case atom.Nav, atom.Header, atom.Footer, atom.Aside, atom.Script, atom.Style,
		atom.Noscript, atom.Template, atom.Form, atom.Button, atom.Svg, atom.Iframe,
		atom.Select, atom.Input, atom.Textarea, atom.Dialog, atom.Img, atom.Picture, atom.Video, atom.Audio:
		return true
	}
	switch attr(n, "role") {
	case "navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog":
		return true
	}
	if _, hidden := attrOK(n, "hidden"); hidden || attr(n, "aria-hidden") == "true" {
		return true
	}
	marks := strings.ToLower(attr(n, "id") + " " + attr(n, "class"))
	for _, m := range []string{"cookie", "consent", "gdpr", "breadcrumb", "skip-link", "sidebar"} {
		if strings.Contains(marks, m) {
			return true
		}
	}
	return false
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// textOf is the text of n without boilerplate.
func textOf(n *html.Node) string { return text(n, true) }

// rawText is all the text of n, as in a code block.
func rawText(n *html.Node) string { return text(n, false) }

func text(n *html.Node, skipBoilerplate bool) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if skipBoilerplate && skipped(n) {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// collapse turns every run of white space into one space.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// mdWriter renders content nodes as Markdown blocks separated by blank lines.
type mdWriter struct {
	out        strings.Builder
	base       *url.URL
	title      string
	titleTaken bool // the heading that became the title is not repeated
}

func (w *mdWriter) para(s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	if w.out.Len() > 0 {
		w.out.WriteString("\n\n")
	}
	w.out.WriteString(s)
}

// block renders n's children as blocks; inline runs between blocks become
// paragraphs.
func (w *mdWriter) block(n *html.Node) {
	var inline strings.Builder
	flush := func() {
		w.para(collapseInline(inline.String()))
		inline.Reset()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if skipped(c) {
			continue
		}
		if c.Type == html.ElementNode && isBlock(c.DataAtom) {
			flush()
			w.element(c)
			continue
		}
		w.inline(&inline, c)
	}
	flush()
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Section, atom.Article, atom.Main, atom.H1, atom.H2, atom.H3,
		atom.H4, atom.H5, atom.H6, atom.Ul, atom.Ol, atom.Pre, atom.Blockquote, atom.Table,
		atom.Dl, atom.Hr, atom.Figure, atom.Details, atom.Summary, atom.Li, atom.Tr:
		return true
	}
	return false
}

func (w *mdWriter) element(n *html.Node) {
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		text := w.inlineOf(n)
		if n.DataAtom == atom.H1 && !w.titleTaken && collapse(text) == w.title {
			w.titleTaken = true
			return
		}
		level, _ := strconv.Atoi(n.Data[1:])
		if text != "" {
			w.para(strings.Repeat("#", level) + " " + text)
		}
	case atom.Ul, atom.Ol:
		w.para(w.list(n, 0))
	case atom.Pre:
		lang := ""
		if code := find(n, isTag(atom.Code)); code != nil {
			for _, cl := range strings.Fields(attr(code, "class")) {
				if l, ok := strings.CutPrefix(cl, "language-"); ok {
					lang = l
				}
			}
		}
		text := strings.Trim(rawText(n), "\n")
		fence := "```"
		for strings.Contains(text, fence) {
			fence += "`"
		}
		w.para(fence + lang + "\n" + text + "\n" + fence)
	case atom.Blockquote:
		sub := &mdWriter{base: w.base, titleTaken: true}
		sub.block(n)
		lines := strings.Split(sub.out.String(), "\n")
		for i, l := range lines {
			lines[i] = strings.TrimRight("> "+l, " ")
		}
		w.para(strings.Join(lines, "\n"))
	case atom.Table:
		var rows []string
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode && n.DataAtom == atom.Tr {
				var cells []string
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) {
						cells = append(cells, w.inlineOf(c))
					}
				}
				rows = append(rows, strings.Join(cells, " | "))
				return
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(n)
		w.para(strings.Join(rows, "\n"))
	case atom.Hr:
	default:
		w.block(n)
	}
}

// list renders a list with nested lists indented under their item.
func (w *mdWriter) list(n *html.Node, depth int) string {
	var lines []string
	i := 0
	for li := n.FirstChild; li != nil; li = li.NextSibling {
		if li.Type != html.ElementNode || li.DataAtom != atom.Li || skipped(li) {
			continue
		}
		i++
		marker := "- "
		if n.DataAtom == atom.Ol {
			marker = strconv.Itoa(i) + ". "
		}
		var text strings.Builder
		var nested []string
		for c := li.FirstChild; c != nil; c = c.NextSibling {
			if skipped(c) {
				continue
			}
			if c.Type == html.ElementNode && (c.DataAtom == atom.Ul || c.DataAtom == atom.Ol) {
				nested = append(nested, w.list(c, depth+1))
				continue
			}
			w.inline(&text, c)
		}
		lines = append(lines, strings.Repeat("  ", depth)+marker+collapseInline(text.String()))
		lines = append(lines, nested...)
	}
	return strings.Join(lines, "\n")
}

func (w *mdWriter) inlineOf(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.inline(&b, c)
	}
	return collapseInline(b.String())
}

// inline renders phrasing content: text, links, emphasis, inline code.
func (w *mdWriter) inline(b *strings.Builder, n *html.Node) {
	if skipped(n) {
		return
	}
	switch n.Type {
	case html.TextNode:
		b.WriteString(n.Data)
		return
	case html.ElementNode:
	default:
		return
	}
	switch n.DataAtom {
	case atom.Br:
		b.WriteString("\n")
	case atom.Code, atom.Kbd, atom.Samp:
		t := textOf(n)
		if t != "" {
			b.WriteString("`" + t + "`")
		}
	case atom.Strong, atom.B:
		if t := w.inlineOf(n); t != "" {
			b.WriteString(" **" + t + "** ")
		}
	case atom.Em, atom.I:
		if t := w.inlineOf(n); t != "" {
			b.WriteString(" _" + t + "_ ")
		}
	case atom.A:
		t := w.inlineOf(n)
		href := w.resolve(attr(n, "href"))
		switch {
		case t == "":
		case href == "":
			b.WriteString(t)
		default:
			b.WriteString("[" + t + "](" + href + ")")
		}
	default:
		if isBlock(n.DataAtom) {
			// A block inside a list item or a heading: its text, on one line.
			b.WriteString(" ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.inline(b, c)
		}
	}
}

// resolve makes a link absolute; in-page anchors and scripts are dropped.
func (w *mdWriter) resolve(href string) string {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return ""
	}
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	if w.base != nil {
		u = w.base.ResolveReference(u)
	}
	switch u.Scheme {
	case "http", "https", "mailto", "tel":
		return u.String()
	}
	return ""
}

// collapseInline collapses white space but keeps explicit line breaks.
func collapseInline(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		l = collapse(l)
		if l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
