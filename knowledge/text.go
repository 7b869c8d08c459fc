package knowledge

import (
	"github.com/andon-chat/andon/lang"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/swedish"
)

// token is one word of a text: its lowercased surface form (for character
// n-grams, which catch misspellings and compounds) and its Snowball stem
// (for word features, which catch inflections).
type token struct {
	word string
	stem string
}

// analyzer turns text into tokens the same way for the embedder and BM25,
// so both see "lösenordet" and "lösenord" as the same word. It caches
// stems because Snowball allocates and questions repeat the same words.
type analyzer struct {
	mu    sync.RWMutex
	stems map[string]string
}

// maxStemCache bounds the stem cache; beyond it stems are computed each time.
const maxStemCache = 200_000

func newAnalyzer() *analyzer {
	return &analyzer{stems: make(map[string]string)}
}

// words splits text into lowercased words of letters and digits. Apostrophes
// inside a word are dropped ("don't" -> "dont", "what's" -> "whats") and
// accents other than the Swedish å, ä, ö are folded, so "café" matches "cafe".
func words(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	rs := []rune(text)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(fold(unicode.ToLower(r)))
		case (r == '\'' || r == '’') && b.Len() > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i+1]):
			// inside a word: skip
		default:
			flush()
		}
	}
	flush()
	return out
}

// fold maps accented Latin letters to their base letter, keeping å, ä, ö
// (distinct letters in Swedish) and folding æ/ø to their Swedish twins.
func fold(r rune) rune {
	if r < 0xC0 {
		return r
	}
	switch r {
	case 'å', 'ä', 'ö':
		return r
	case 'æ':
		return 'ä'
	case 'ø':
		return 'ö'
	case 'à', 'á', 'â', 'ã':
		return 'a'
	case 'ç':
		return 'c'
	case 'è', 'é', 'ê', 'ë':
		return 'e'
	case 'ì', 'í', 'î', 'ï':
		return 'i'
	case 'ñ':
		return 'n'
	case 'ò', 'ó', 'ô', 'õ':
		return 'o'
	case 'ù', 'ú', 'û', 'ü':
		return 'u'
	case 'ý', 'ÿ':
		return 'y'
	case 'ß':
		return 's'
	}
	return r
}

// detectLang says whether words are Swedish or English ("sv" or "en");
// texts without evidence either way count as English.
func detectLang(ws []string) string {
	if sv, en := lang.Evidence(strings.Join(ws, " ")); sv > en {
		return lang.Swedish
	}
	return lang.English
}

// analyze tokenizes text and stems each word in lang ("sv" or "en"); an
// empty lang is detected from the text itself.
func (a *analyzer) analyze(text, lang string) []token {
	ws := words(text)
	lang = stemLang(lang, ws)
	toks := make([]token, len(ws))
	for i, w := range ws {
		toks[i] = token{word: w, stem: a.stem(w, lang)}
	}
	return toks
}

// stemLang picks the stemmer: Swedish for Swedish (and its close
// neighbours), English otherwise.
func stemLang(lang string, ws []string) string {
	switch lang {
	case "sv", "no", "nb", "nn", "da":
		return "sv"
	case "":
		return detectLang(ws)
	}
	if strings.HasPrefix(lang, "sv") {
		return "sv"
	}
	return "en"
}

func (a *analyzer) stem(w, lang string) string {
	if len(w) <= 2 || isNumber(w) {
		return w
	}
	key := lang + ":" + w
	a.mu.RLock()
	s, ok := a.stems[key]
	a.mu.RUnlock()
	if ok {
		return s
	}
	if lang == "sv" {
		s = swedishStem(w)
	} else {
		s = english.Stem(w, true)
	}
	a.mu.Lock()
	if len(a.stems) < maxStemCache {
		a.stems[key] = s
	}
	a.mu.Unlock()
	return s
}

// swedishStem is Snowball's Swedish stemmer with two gaps filled. Snowball
// leaves the definite singular of neuter and -a nouns alone ("lösenordet",
// "kortet", "fakturan"), which visitors write all the time: when it finds
// no suffix, those endings are tried. And it strips a final s only once,
// so "leverans" becomes "leveran" but "leveransen" "leverans": after
// another suffix, such an s goes too.
func swedishStem(w string) string {
	s := swedish.Stem(w, true)
	if s == w {
		n := utf8.RuneCountInString(w)
		switch {
		case n >= 6 && strings.HasSuffix(w, "et") && !strings.HasSuffix(w, "het"):
			return swedish.Stem(w[:len(w)-2], true)
		case n >= 6 && strings.HasSuffix(w, "an"):
			return swedish.Stem(w[:len(w)-1], true)
		}
		return s
	}
	if n := len(s); n >= 4 && s[n-1] == 's' && strings.IndexByte("bcdfghjklmnoprtvy", s[n-2]) >= 0 {
		return s[:n-1]
	}
	if utf8.RuneCountInString(s) >= 6 && strings.HasSuffix(s, "et") && !strings.HasSuffix(s, "het") {
		return swedish.Stem(s[:len(s)-2], true) // genitive "lösenordets"
	}
	return s
}

func isNumber(w string) bool {
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
