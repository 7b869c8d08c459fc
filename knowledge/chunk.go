package knowledge

import (
	"strings"
)

// DefaultChunkMaxChars is the default upper bound of a chunk's text: about
// one section or a few paragraphs, enough to quote as an answer.
const DefaultChunkMaxChars = 1200

// chunk is one piece of an article's body: a section under a Markdown
// heading, or part of one when the section is long.
type chunk struct {
	Heading string // the nearest heading above, without #; "" before the first
	Text    string // Markdown, without the heading line
}

// splitChunks splits a Markdown body at its headings (ATX style, outside
// code fences) and splits sections longer than maxChars at paragraphs, then
// at sentences. Empty sections are dropped.
func splitChunks(body string, maxChars int) []chunk {
	if maxChars <= 0 {
		maxChars = DefaultChunkMaxChars
	}
	var chunks []chunk
	heading := ""
	var sec []string
	flush := func() {
		text := strings.TrimSpace(strings.Join(sec, "\n"))
		sec = sec[:0]
		if text == "" {
			return
		}
		for _, part := range splitLong(text, maxChars) {
			chunks = append(chunks, chunk{Heading: heading, Text: part})
		}
	}
	fence := ""
	for _, line := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		trim := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(trim, fence) {
				fence = ""
			}
			sec = append(sec, line)
			continue
		}
		if strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~") {
			fence = trim[:3]
			sec = append(sec, line)
			continue
		}
		if h, ok := atxHeading(trim); ok {
			flush()
			heading = h
			continue
		}
		sec = append(sec, line)
	}
	flush()
	return chunks
}

// atxHeading recognises "# Title" .. "###### Title" (with optional closing #s).
func atxHeading(line string) (string, bool) {
	n := 0
	for n < len(line) && line[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(line) && line[n] != ' ' && line[n] != '\t') {
		return "", false
	}
	h := strings.TrimSpace(line[n:])
	h = strings.TrimSpace(strings.TrimRight(h, "#"))
	return h, true
}

// splitLong cuts text into pieces of at most maxChars, preferring paragraph
// breaks, then sentence ends, then spaces.
func splitLong(text string, maxChars int) []string {
	if len(text) <= maxChars {
		return []string{text}
	}
	var out []string
	var cur strings.Builder
	add := func(piece, sep string) {
		if cur.Len() > 0 && cur.Len()+len(sep)+len(piece) > maxChars {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteString(sep)
		}
		cur.WriteString(piece)
	}
	for _, para := range paragraphs(text) {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		// A code block is one paragraph, kept whole even when long: cut,
		// its pieces would read as prose and the prose after it as code.
		if len(para) <= maxChars || strings.HasPrefix(para, "```") || strings.HasPrefix(para, "~~~") {
			add(para, "\n\n")
			continue
		}
		for _, s := range sentences(para) {
			for len(s) > maxChars {
				cut := strings.LastIndexByte(s[:maxChars], ' ')
				if cut <= 0 {
					cut = maxChars
					for cut > 0 && !runeStart(s[cut]) {
						cut--
					}
				}
				add(strings.TrimSpace(s[:cut]), " ")
				s = strings.TrimSpace(s[cut:])
			}
			if s != "" {
				add(s, " ")
			}
		}
	}
	if cur.Len() > 0 {
		out = append(out, strings.TrimSpace(cur.String()))
	}
	return out
}

// paragraphs splits text at blank lines outside code fences.
func paragraphs(text string) []string {
	var out []string
	start, fence := 0, ""
	lines := strings.SplitAfter(text, "\n")
	pos := 0
	for _, line := range lines {
		trim := strings.TrimSpace(line)
		switch {
		case fence != "" && strings.HasPrefix(trim, fence):
			fence = ""
		case fence == "" && (strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~")):
			fence = trim[:3]
		case fence == "" && trim == "" && pos > start:
			out = append(out, text[start:pos])
			start = pos + len(line)
		}
		pos += len(line)
	}
	return append(out, text[start:])
}

func runeStart(b byte) bool { return b&0xC0 != 0x80 }

// sentences splits text after ., ! or ? followed by white space.
func sentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text)-1; i++ {
		switch text[i] {
		case '.', '!', '?':
			if text[i+1] == ' ' || text[i+1] == '\n' {
				out = append(out, strings.TrimSpace(text[start:i+1]))
				start = i + 1
			}
		}
	}
	if rest := strings.TrimSpace(text[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}
