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
// question, as readable plain text, after a short lead in the visitor's
// language. It returns the reply and its language (the article's, when it
// has one the bot speaks, since the quote is in it).
func composeAnswer(lang, question string, r knowledge.Result) (string, string) {
	text := plainText(r.Chunk)
	if strings.TrimSpace(text) == "" {
		text = r.Title
	}
	quote := bestPassage(text, question, answerMaxChars)
	replyLang := lang
	if l := NormalizeLang(r.Lang); l != "" {
		replyLang = l
	}
	return Say(replyLang, KeyAnswerLead) + "\n\n" + quote, replyLang
}

// composeClarify asks which of the titles the visitor means.
func composeClarify(lang string, titles []string) string {
	var b strings.Builder
	b.WriteString(Say(lang, KeyClarify))
	for _, t := range titles {
		b.WriteString("\n- ")
		b.WriteString(t)
	}
	return b.String()
}

var (
	mdImage     = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink      = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)
	mdAutoLink  = regexp.MustCompile(`<(https?://[^>\s]+)>`)
	mdEmphasis  = regexp.MustCompile(`(\*\*|__)(\S(?:.*?\S)?)(\*\*|__)`)
	mdItalic    = regexp.MustCompile(`(^|[\s(])[*_](\S(?:[^*_]*?\S)?)[*_]([\s).,;:!?]|$)`)
	mdCode      = regexp.MustCompile("`([^`]+)`")
	mdHeading   = regexp.MustCompile(`(?m)^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$`)
	mdBullet    = regexp.MustCompile(`(?m)^([ \t]*)[*+][ \t]+`)
	mdQuote     = regexp.MustCompile(`(?m)^[ \t]*>[ \t]?`)
	mdRule      = regexp.MustCompile(`(?m)^[ \t]*([-*_])([ \t]*[-*_]){2,}[ \t]*$`)
	mdFence     = regexp.MustCompile("(?m)^[ \\t]*(```|~~~).*$")
	mdHTML      = regexp.MustCompile(`</?[a-zA-Z][^>]*>`)
	blankLines  = regexp.MustCompile(`\n{3,}`)
	spaceBefore = regexp.MustCompile(`[ \t]+\n`)
)

// plainText renders Markdown as text that reads well without a renderer:
// links become "text (url)", emphasis and code marks go, lists keep a "- ".
func plainText(md string) string {
	s := unwrapParagraphs(strings.ReplaceAll(md, "\r\n", "\n"))
	s = mdFence.ReplaceAllString(s, "")
	s = mdImage.ReplaceAllString(s, "$1")
	s = mdLink.ReplaceAllStringFunc(s, func(m string) string {
		p := mdLink.FindStringSubmatch(m)
		if p[1] == p[2] {
			return p[2]
		}
		return p[1] + " (" + p[2] + ")"
	})
	s = mdAutoLink.ReplaceAllString(s, "$1")
	s = mdHeading.ReplaceAllString(s, "$1")
	s = mdRule.ReplaceAllString(s, "")
	s = mdQuote.ReplaceAllString(s, "")
	s = mdBullet.ReplaceAllString(s, "$1- ")
	s = mdEmphasis.ReplaceAllString(s, "$2")
	s = mdItalic.ReplaceAllString(s, "$1$2$3")
	s = mdCode.ReplaceAllString(s, "$1")
	s = mdHTML.ReplaceAllString(s, "")
	s = spaceBefore.ReplaceAllString(s, "\n")
	s = blankLines.ReplaceAllString(s, "\n\n")
	return strings.TrimSpace(s)
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
		b.WriteString("… ")
	}
	for i := lo; i < hi; i++ {
		if i > lo {
			b.WriteString(pieces[i].sep)
		}
		b.WriteString(pieces[i].text)
	}
	out := b.String()
	if utf8.RuneCountInString(out) > maxChars+2 {
		out = truncateRunes(out, maxChars)
	}
	if hi < len(pieces) {
		out += " …"
	}
	return out
}

type piece struct {
	text string
	sep  string // what joined it to the previous piece
}

// passagePieces splits text into lines (list items, paragraphs) and long
// lines into sentences.
func passagePieces(text string) []piece {
	var out []piece
	sep := ""
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			sep = "\n\n"
			continue
		}
		if sep == "" && len(out) > 0 {
			sep = "\n"
		}
		for i, s := range splitSentences(line) {
			if i > 0 {
				sep = " "
			}
			out = append(out, piece{text: s, sep: sep})
		}
		sep = ""
	}
	return out
}

// splitSentences splits after ., ! or ? followed by a space and a capital
// letter or digit.
func splitSentences(line string) []string {
	var out []string
	rs := []rune(line)
	start := 0
	for i := 0; i+2 < len(rs); i++ {
		if (rs[i] == '.' || rs[i] == '!' || rs[i] == '?') && rs[i+1] == ' ' &&
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
