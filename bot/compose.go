package bot

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/andon-chat/andon/knowledge"
)

// answerMaxChars is about how much of an article an answer quotes: enough
// for a few sentences or one short section, short enough to read in a chat.
const answerMaxChars = 600

// composeAnswer quotes the part of the result's chunk that best matches the
// question, in the article's Markdown (code spans and blocks intact), after
// a lead that names the article. It returns the reply and its language (the
// article's, when it has one the bot speaks, since the quote is in it).
func composeAnswer(lang, question string, r knowledge.Result) (string, string) {
	replyLang := lang
	if l := NormalizeLang(r.Lang); l != "" {
		replyLang = l
	}
	title := escapeMarkdown(strings.TrimSpace(r.Title))
	text := answerMarkdown(r.Chunk)
	if strings.TrimSpace(text) == "" {
		return title, replyLang
	}
	quote := bestPassage(text, question, answerMaxChars)
	if title == "" {
		return quote, replyLang
	}
	return Say(replyLang, KeyAnswerFrom, title) + "\n\n" + quote, replyLang
}

// composeClarify asks which of the titles the visitor means.
func composeClarify(lang string, titles []string) string {
	var b strings.Builder
	b.WriteString(Say(lang, KeyClarify))
	for _, t := range titles {
		b.WriteString("\n- ")
		b.WriteString(escapeMarkdown(t))
	}
	return b.String()
}

var (
	mdImage    = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdHTML     = regexp.MustCompile(`</?[a-zA-Z][^>]*>`)
	blankLines = regexp.MustCompile(`\n{3,}`)
	spaceAfter = regexp.MustCompile(`[ \t]+\n`)
	mdSpecial  = strings.NewReplacer(`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`, `<`, `\<`)
)

// escapeMarkdown makes s, a title, read literally in Markdown.
func escapeMarkdown(s string) string { return mdSpecial.Replace(s) }

// answerMarkdown prepares an article's Markdown for a chat bubble: hard-wrapped
// paragraphs are joined, images become their alt text and HTML tags go, all
// outside code; code spans and blocks stay exactly as written, since they
// are often the answer ("paste this <script> tag").
func answerMarkdown(md string) string {
	s := unwrapParagraphs(strings.ReplaceAll(md, "\r\n", "\n"))
	s = outsideCode(s, func(t string) string {
		t = mdImage.ReplaceAllString(t, "$1")
		t = mdHTML.ReplaceAllString(t, "")
		t = spaceAfter.ReplaceAllString(t, "\n")
		return blankLines.ReplaceAllString(t, "\n\n")
	})
	return strings.TrimSpace(s)
}

// outsideCode applies f to the parts of md that are neither fenced code
// blocks nor inline code spans, and keeps those as they are.
func outsideCode(md string, f func(string) string) string {
	var b, prose strings.Builder
	flush := func() {
		b.WriteString(outsideSpans(prose.String(), f))
		prose.Reset()
	}
	fence := ""
	for _, line := range strings.SplitAfter(md, "\n") {
		m := fenceOf(line)
		switch {
		case fence == "" && m != "":
			flush()
			fence = m
			b.WriteString(line)
		case fence != "":
			b.WriteString(line)
			if m != "" && strings.HasPrefix(m, fence[:1]) && len(m) >= len(fence) && strings.TrimSpace(line) == m {
				fence = ""
			}
		default:
			prose.WriteString(line)
		}
	}
	flush()
	return b.String()
}

// fenceOf is the fence (``` or ~~~, three or more) that line starts with.
func fenceOf(line string) string {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 || len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return ""
	}
	n := 0
	for n < len(t) && t[n] == t[0] {
		n++
	}
	if n < 3 {
		return ""
	}
	return t[:n]
}

// outsideSpans applies f to s outside its `code spans`.
func outsideSpans(s string, f func(string) string) string {
	var b strings.Builder
	for s != "" {
		open, end := codeSpan(s)
		if open < 0 {
			b.WriteString(f(s))
			break
		}
		b.WriteString(f(s[:open]))
		b.WriteString(s[open:end])
		s = s[end:]
	}
	return b.String()
}

// codeSpan finds the first complete `code span` in s: its start and end,
// or -1 when there is none.
func codeSpan(s string) (int, int) {
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '`')
		if j < 0 {
			return -1, -1
		}
		open := i + j
		run := open
		for run < len(s) && s[run] == '`' {
			run++
		}
		marks := s[open:run]
		for k := run; k < len(s); {
			c := strings.Index(s[k:], marks)
			if c < 0 {
				break
			}
			c += k
			e := c + len(marks)
			if e >= len(s) || s[e] != '`' {
				return open, e
			}
			for e < len(s) && s[e] == '`' {
				e++
			}
			k = e
		}
		i = run
	}
	return -1, -1
}

// blockStart matches Markdown lines that begin their own block: headings,
// list items, quotes, tables, fences and rules.
var (
	blockStart = regexp.MustCompile(`^[ \t]*(#|[-*+][ \t]|\d+[.)][ \t]|>|\||` + "```" + `|~~~|[-*_]([ \t]*[-*_]){2,}[ \t]*$)`)
	listItem   = regexp.MustCompile(`^[ \t]*([-*+]|\d+[.)])[ \t]`)
)

// unwrapParagraphs joins the hard-wrapped lines of each paragraph, so a
// chat bubble wraps the text itself instead of breaking it mid-sentence
// where the article's editor did. Headings, list items, quotes, tables and
// code blocks keep their lines.
func unwrapParagraphs(md string) string {
	lines := strings.Split(md, "\n")
	out := make([]string, 0, len(lines))
	inFence, joinable := false, false
	for _, line := range lines {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			inFence = !inFence
			out = append(out, line)
			joinable = false
			continue
		}
		if inFence || trimmed == "" {
			out = append(out, line)
			joinable = false
			continue
		}
		start := blockStart.MatchString(line)
		if joinable && !start {
			out[len(out)-1] = strings.TrimRight(out[len(out)-1], " \t") + " " + trimmed
			continue
		}
		out = append(out, line)
		// A plain paragraph line, or a list item's text, may continue on
		// the next line; a heading, quote, table row or rule may not.
		joinable = !start || listItem.MatchString(line)
	}
	return strings.Join(out, "\n")
}

// bestPassage returns text when it fits in maxChars; otherwise the run of
// consecutive pieces (list items, sentences) around the piece that shares
// most words with the question, marked with … where it was cut.
func bestPassage(text, question string, maxChars int) string {
	if utf8.RuneCountInString(text) <= maxChars {
		return text
	}
	pieces := passagePieces(text)
	qw := wordStems(question)
	best, bestScore := 0, -1.0
	for i, p := range pieces {
		score := overlap(qw, wordStems(p.text))
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	lo, hi := best, best+1
	size := utf8.RuneCountInString(pieces[best].text)
	// grow forwards first (an answer continues after its best sentence),
	// then backwards for context
	for {
		grew := false
		if hi < len(pieces) && size+1+utf8.RuneCountInString(pieces[hi].text) <= maxChars {
			size += 1 + utf8.RuneCountInString(pieces[hi].text)
			hi++
			grew = true
		} else if lo > 0 && size+1+utf8.RuneCountInString(pieces[lo-1].text) <= maxChars {
			lo--
			size += 1 + utf8.RuneCountInString(pieces[lo].text)
			grew = true
		}
		if !grew {
			break
		}
	}
	var b strings.Builder
	if lo > 0 {
		b.WriteString(pieces[lo].mark("…", true))
	}
	for i := lo; i < hi; i++ {
		if i > lo {
			b.WriteString(pieces[i].sep)
		}
		b.WriteString(pieces[i].text)
	}
	out := b.String()
	if utf8.RuneCountInString(out) > maxChars+2 {
		out = cutMarkdown(out, maxChars)
	}
	if hi < len(pieces) {
		out += pieces[hi-1].mark("…", false)
	}
	return out
}

type piece struct {
	text string
	sep  string // what joined it to the previous piece
	code bool   // a fenced code block, kept whole
}

// mark is how the cut mark joins the piece, before or after it: on a line
// of its own next to a code block, whose fence must start and end its line.
func (p piece) mark(m string, before bool) string {
	switch {
	case p.code && before:
		return m + "\n\n"
	case p.code:
		return "\n\n" + m
	case before:
		return m + " "
	}
	return " " + m
}

// passagePieces splits text into lines (list items, paragraphs) and long
// lines into sentences; a fenced code block is one piece.
func passagePieces(text string) []piece {
	var out []piece
	sep := ""
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if strings.TrimSpace(line) == "" {
			sep = "\n\n"
			continue
		}
		if sep == "" && len(out) > 0 {
			sep = "\n"
		}
		if fence := fenceOf(line); fence != "" {
			j := i + 1
			for j < len(lines) && strings.TrimSpace(lines[j]) != fence {
				j++
			}
			j = min(j, len(lines)-1)
			out = append(out, piece{text: strings.Join(lines[i:j+1], "\n"), sep: sep, code: true})
			i, sep = j, ""
			continue
		}
		for k, s := range splitSentences(line) {
			if k > 0 {
				sep = " "
			}
			out = append(out, piece{text: s, sep: sep})
		}
		sep = ""
	}
	return out
}

// cutMarkdown shortens md to about n runes without leaving a code block or
// span open: inside a block it ends at a whole line and closes the fence,
// and an open span is left out.
func cutMarkdown(md string, n int) string {
	out := truncateRunes(md, n)
	fence, start := "", 0
	for i, line := range strings.SplitAfter(out, "\n") {
		f := fenceOf(line)
		switch {
		case fence == "" && f != "":
			fence, start = f, i
		case fence != "" && strings.TrimSpace(line) == fence:
			fence = ""
		}
	}
	if fence != "" {
		lines := strings.SplitAfter(out, "\n")
		lines = lines[:len(lines)-1] // the cut line
		if len(lines) <= start+1 {
			return strings.TrimRight(strings.Join(lines[:min(start, len(lines))], ""), " \n")
		}
		return strings.Join(lines, "") + fence
	}
	// an opening ` left without its closing one starts the cut span
	tail := out
	for {
		open, end := codeSpan(tail)
		if open < 0 {
			break
		}
		tail = tail[end:]
	}
	if i := strings.IndexByte(tail, '`'); i >= 0 {
		out = strings.TrimRight(out[:len(out)-len(tail)+i], " ")
	}
	return out
}

// splitSentences splits after ., ! or ? followed by a space and a capital
// letter or digit, outside code spans.
func splitSentences(line string) []string {
	var out []string
	rs := []rune(line)
	start, inCode := 0, false
	for i := 0; i+2 < len(rs); i++ {
		if rs[i] == '`' {
			inCode = !inCode
		}
		if !inCode && (rs[i] == '.' || rs[i] == '!' || rs[i] == '?') && rs[i+1] == ' ' &&
			(unicode.IsUpper(rs[i+2]) || unicode.IsDigit(rs[i+2])) {
			out = append(out, strings.TrimSpace(string(rs[start:i+1])))
			start = i + 2
		}
	}
	if rest := strings.TrimSpace(string(rs[start:])); rest != "" {
		out = append(out, rest)
	}
	return out
}

// wordStems are crude, language-independent stems for overlap: lower-cased
// words of three or more letters cut to five runes ("passwords" and
// "password", "lösenordet" and "lösenord" agree).
func wordStems(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if utf8.RuneCountInString(w) < 3 {
			continue
		}
		m[truncateRunes(w, 5)] = true
	}
	return m
}

func overlap(q, p map[string]bool) float64 {
	n := 0
	for w := range q {
		if p[w] {
			n++
		}
	}
	return float64(n)
}

func truncateRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
