package bot

import (
	"strings"
	"unicode"

	"github.com/andon-chat/andon/lang"
)

// Languages the bot has phrases for. Replies in any other language fall back
// to English, so DetectLang only ever returns one of these.
const (
	LangEnglish = lang.English
	LangSwedish = lang.Swedish
)

// localePrior is the weight a visitor's locale adds to its language: enough to
// break a tie ("ok", "agent"), never enough to outvote any evidence in the
// text.
const localePrior = 0.25

// DetectLang returns the language to answer text in: "sv" or "en". Visitors
// write short, informal messages, often without diacritics, so it counts
// function words and Swedish letters rather than using n-gram statistics; the
// locale from the widget decides when the text itself says nothing ("ok").
func DetectLang(text, locale string) string {
	sv, en := lang.Evidence(text)
	switch localeLang(locale) {
	case LangSwedish:
		sv += localePrior
	case LangEnglish:
		en += localePrior
	}
	if sv > en {
		return LangSwedish
	}
	return LangEnglish
}

// Lang is the language to reply to this turn in. A message too short to tell
// ("ok", "agent") takes the language of the visitor's latest message that
// tells, before the locale: someone with a Swedish browser who writes English
// gets English.
func (t Turn) Lang() string {
	if l, ok := decisive(lang.Evidence(t.Text)); ok {
		return l
	}
	for i := len(t.History) - 1; i >= 0; i-- {
		if l, ok := decisive(lang.Evidence(t.History[i])); ok {
			return l
		}
	}
	return DetectLang("", t.Locale)
}

// NormalizeLang maps a locale or language tag ("sv-SE", "SV", "en_GB") to a
// supported language, or "" when it is none of them.
func NormalizeLang(locale string) string {
	return localeLang(locale)
}

func localeLang(locale string) string { return lang.Normalize(locale) }

func decisive(sv, en float64) (string, bool) {
	switch {
	case sv > en:
		return LangSwedish, true
	case en > sv:
		return LangEnglish, true
	}
	return "", false
}

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// foldText makes visitor text comparable to the built-in patterns: lower case,
// Latin diacritics removed (so "manniska" and "människa" meet), typographic
// apostrophes made plain and runs of white space made one space.
func foldText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		r = unicode.ToLower(r)
		if f, ok := diacritics[r]; ok {
			b.WriteString(f)
			continue
		}
		switch r {
		case '’', '‘', 'ʼ', '´', '`':
			r = '\''
		}
		b.WriteRune(r)
	}
	return b.String()
}

// foldPattern removes diacritics from a regular expression but keeps its case:
// lower-casing `\D` or `\W` would invert them. Patterns are compiled
// case-insensitive instead.
func foldPattern(p string) string {
	var b strings.Builder
	b.Grow(len(p))
	for _, r := range p {
		if f, ok := diacritics[unicode.ToLower(r)]; ok {
			if unicode.IsUpper(r) {
				f = strings.ToUpper(f)
			}
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

var diacritics = map[rune]string{
	'å': "a", 'ä': "a", 'á': "a", 'à': "a", 'â': "a", 'ã': "a", 'æ': "ae",
	'ö': "o", 'ó': "o", 'ò': "o", 'ô': "o", 'õ': "o", 'ø': "o",
	'é': "e", 'è': "e", 'ê': "e", 'ë': "e",
	'ü': "u", 'ú': "u", 'ù': "u", 'û': "u",
	'í': "i", 'ì': "i", 'î': "i", 'ï': "i",
	'ç': "c", 'ñ': "n", 'ß': "ss", 'ý': "y", 'ÿ': "y",
	'ſ': "s", // folds to s in patterns too; the literal prefilter relies on it
}
