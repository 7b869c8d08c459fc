// Package lang tells Swedish from English in short texts: visitors' chat
// messages, example questions, article text. Short informal text defeats
// n-gram statistics, so it counts function words, Swedish letters and a few
// word shapes. It is the one detector the bot, the index and ingest share.
package lang

import (
	"strings"
	"unicode"
)

// The languages it tells apart.
const (
	English = "en"
	Swedish = "sv"
)

// Normalize maps a locale or language tag ("sv-SE", "SV", "en_GB") to
// English or Swedish, or "" when it is neither.
func Normalize(locale string) string {
	l := strings.ToLower(strings.TrimSpace(locale))
	if i := strings.IndexAny(l, "-_"); i >= 0 {
		l = l[:i]
	}
	switch l {
	case Swedish, English:
		return l
	}
	return ""
}

// Evidence scores how Swedish and how English text looks. Words with å, ä
// or ö count double: they are the strongest short-text signal there is.
func Evidence(text string) (sv, en float64) {
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
