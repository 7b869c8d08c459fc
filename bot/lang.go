package bot

import (
	"strings"
	"unicode"
)

// Languages the bot has phrases for. Replies in any other language fall back
// to English, so DetectLang only ever returns one of these.
const (
	LangEnglish = "en"
	LangSwedish = "sv"
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
	sv, en := langEvidence(text)
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
	if l, ok := decisive(langEvidence(t.Text)); ok {
		return l
	}
	for i := len(t.History) - 1; i >= 0; i-- {
		if l, ok := decisive(langEvidence(t.History[i])); ok {
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

func localeLang(locale string) string {
	l := strings.ToLower(strings.TrimSpace(locale))
	if i := strings.IndexAny(l, "-_"); i >= 0 {
		l = l[:i]
	}
	switch l {
	case LangSwedish, LangEnglish:
		return l
	}
	return ""
}

func decisive(sv, en float64) (string, bool) {
	switch {
	case sv > en:
		return LangSwedish, true
	case en > sv:
		return LangEnglish, true
	}
	return "", false
}

// langEvidence scores how Swedish and how English text looks. Words with å, ä
// or ö count double: they are the strongest short-text signal there is.
func langEvidence(text string) (sv, en float64) {
	for _, w := range strings.FieldsFunc(text, notWordRune) {
		if w == "I" || w == "I'm" || w == "I'd" || w == "I'll" || w == "I've" {
			en++
			continue
		}
		lw := strings.ToLower(w)
		switch {
		case strings.ContainsAny(lw, "åäö"):
			sv += 2
		case svWords[lw]:
			sv++
		case swedishShape(lw):
			sv += 0.5
		}
		switch {
		case enWords[lw]:
			en++
		case strings.Contains(lw, "'") && enContraction(lw):
			en++
		case englishShape(lw):
			en += 0.5
		}
	}
	return sv, en
}

// swedishShape is half the evidence of a known word: a verb in -era
// ("importera", "installera"), a definite plural ("kunderna"), a sj-, tj- or
// kv- start ("tjänst" without its ä, "kvitto").
func swedishShape(w string) bool {
	switch {
	case len(w) >= 6 && strings.HasSuffix(w, "era") && !enEraWords[w]:
		return true
	case len(w) >= 6 && (strings.HasSuffix(w, "erna") || strings.HasSuffix(w, "arna") || strings.HasSuffix(w, "orna")):
		return true
	case len(w) >= 4 && (strings.HasPrefix(w, "sj") || strings.HasPrefix(w, "tj") || strings.HasPrefix(w, "kv")):
		return true
	}
	return false
}

var enEraWords = setOf("camera", "cameras", "cholera", "etcetera", "chimera", "riviera", "pereira", "ephemera")

// englishShape: an -ly adverb or a "th", which Swedish words hardly have.
func englishShape(w string) bool {
	return len(w) >= 5 && strings.HasSuffix(w, "ly") || strings.Contains(w, "th")
}

func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && r != '\'' && r != '’'
}

func enContraction(w string) bool {
	w = strings.ReplaceAll(w, "’", "'")
	for _, s := range []string{"n't", "'s", "'re", "'ve", "'ll", "'d", "'m"} {
		if strings.HasSuffix(w, s) {
			return true
		}
	}
	return false
}

// svWords are frequent Swedish words without å, ä or ö (those count anyway),
// including the diacritic-less spellings people type on foreign keyboards.
// A word that is also common English ("men", "in", "i") is left out.
var svWords = setOf(
	"jag", "och", "inte", "det", "hur", "vad", "kan", "mitt", "min", "mina", "med",
	"till", "att", "en", "ett", "som", "om", "har", "vill", "ska", "skall", "mig", "mej",
	"du", "dig", "vi", "ni", "er", "den", "detta", "var", "varfor", "vilken", "vilket",
	"vilka", "eller", "nu", "hej", "hejsan", "tack", "tjena", "tjenare", "tja", "snalla",
	"ja", "nej", "finns", "kommer", "blir", "maste", "behover", "hjalp", "fungerar", "funkar",
	"konto", "kontot", "losenord", "logga", "faktura", "fakturan", "betala", "ta", "bort",
	"av", "efter", "utan", "inga", "ingen", "nagot", "nagon", "mycket", "bra", "fraga",
	"ar", "pa", "ocksa", "okej", "alltid", "aldrig", "sig", "oss", "kunna", "kunde",
	"skulle", "varit", "hade", "vara", "fick", "sedan", "sen", "igen", "redan", "vet",
	"hallo", "tackar", "varsagod", "prata", "manniska", "handlaggare", "kundtjanst",
	"radera", "skicka", "betalning", "kort", "kortet", "ingenting", "annars", "bara",
	"alla", "allt", "andra", "hos", "mellan", "dom", "de", "dem", "hon", "han",
	"ha", "tillbaka", "pengar", "pengarna", "varje", "hitta", "hittar", "gick", "ingen",
)

// enWords are frequent English words that are not also Swedish words.
var enWords = setOf(
	"the", "a", "an", "is", "are", "am", "was", "were", "be", "been", "you", "your",
	"my", "me", "we", "our", "it", "its", "this", "that", "these", "those", "how",
	"what", "why", "where", "when", "which", "who", "do", "does", "did", "can",
	"could", "would", "should", "will", "to", "and", "or", "not", "no", "of", "for",
	"on", "with", "at", "from", "by", "about", "have", "has", "had", "get", "please",
	"thanks", "thank", "hello", "hi", "hey", "bye", "goodbye", "yes", "there", "want",
	"need", "help", "account", "password", "reset", "change", "login", "sign", "email",
	"pay", "payment", "invoice", "if", "but", "just", "any", "some", "all", "here",
	"they", "them", "their", "talk", "speak", "someone", "human",
	"refund", "delete", "card", "money", "again", "still", "already", "doesn't",
	"don't", "isn't", "can't", "won't", "didn't", "thx", "cheers", "okay", "great",
	"awesome", "cool", "nice", "understand", "working", "useless", "why", "much",
	"very", "really", "know", "see", "tell", "make", "use", "using", "like", "way",
)

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
