package bot

import (
	"sort"
	"strings"
	"unicode"
)

// Kinds of small talk, in the order a mixed message is answered: "thanks,
// bye" is a goodbye, "hi, thanks" a thanks.
const (
	talkBye    = "bye"
	talkThanks = "thanks"
	talkHello  = "hello"
	talkAck    = "ack"
)

var talkKey = map[string]string{talkBye: KeyBye, talkThanks: KeyThanks, talkHello: KeyHello, talkAck: KeyAck}

// talkPhrase is one small-talk phrase; lang is "" when it is both Swedish and
// English ("ok", "super").
type talkPhrase struct {
	words []string
	kind  string
	lang  string
}

// SmallTalkReply recognises a message that is nothing but a greeting, thanks,
// a goodbye or an acknowledgement ("ok", "great"), and returns a SmallTalk
// decision with a short friendly reply in the visitor's language. A greeting
// with a real question ("hi, how do I reset my password?") is not small talk:
// retrieval handles it. (It is not called SmallTalk because that name is the
// Action constant in decision.go.)
func SmallTalkReply(t Turn) (Decision, bool) {
	kind, sv, en, ok := parseSmallTalk(t.Text)
	if !ok {
		return Decision{}, false
	}
	lang := t.Lang()
	switch {
	case sv > en:
		lang = LangSwedish
	case en > sv:
		lang = LangEnglish
	}
	return Decision{
		Action: SmallTalk,
		Rule:   "smalltalk:" + kind,
		Reply:  Say(lang, talkKey[kind]),
		Lang:   lang,
	}, true
}

func isSmallTalk(text string) bool {
	_, _, _, ok := parseSmallTalk(text)
	return ok
}

// parseSmallTalk covers the whole message with small-talk phrases and
// fillers ("so much", "there"), longest phrase first. Letters repeated in a
// row count once, so "hiii", "thaaanks" and "helo" match too.
func parseSmallTalk(text string) (kind string, sv, en int, ok bool) {
	ws := talkWords(text)
	if len(ws) == 0 {
		if k, found := emojiTalk(text); found {
			return k, 0, 0, true
		}
		return "", 0, 0, false
	}
	kinds := map[string]bool{}
	for i := 0; i < len(ws); {
		p, n := longestPhrase(ws[i:])
		switch {
		case n > 0:
			kinds[p.kind] = true
			switch p.lang {
			case LangSwedish:
				sv++
			case LangEnglish:
				en++
			}
			i += n
		case talkFillers[ws[i]]:
			i++
		default:
			return "", 0, 0, false
		}
	}
	for _, k := range []string{talkBye, talkThanks, talkHello, talkAck} {
		if kinds[k] {
			return k, sv, en, true
		}
	}
	return "", 0, 0, false // only fillers
}

func talkWords(text string) []string {
	ws := strings.FieldsFunc(foldText(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
	out := ws[:0]
	for _, w := range ws {
		w = strings.ReplaceAll(strings.Trim(w, "'"), "'", "")
		if w != "" {
			out = append(out, squeeze(w))
		}
	}
	return out
}

// squeeze collapses runs of one letter: "thaaanks" → "thanks", "hello" → "helo".
func squeeze(w string) string {
	var b strings.Builder
	var last rune
	for i, r := range w {
		if i > 0 && r == last {
			continue
		}
		b.WriteRune(r)
		last = r
	}
	return b.String()
}

func longestPhrase(ws []string) (talkPhrase, int) {
	for _, p := range talkPhrases {
		if len(p.words) > len(ws) {
			continue
		}
		match := true
		for i, w := range p.words {
			if ws[i] != w {
				match = false
				break
			}
		}
		if match {
			return p, len(p.words)
		}
	}
	return talkPhrase{}, 0
}

func emojiTalk(text string) (string, bool) {
	kind := ""
	for _, r := range text {
		switch {
		case r == '👋':
			kind = talkHello
		case r == '🙏':
			if kind != talkHello {
				kind = talkThanks
			}
		case strings.ContainsRune("👍🙂😊😀😃😄👌✅❤♥💯", r):
			if kind == "" {
				kind = talkAck
			}
		case unicode.IsSpace(r) || unicode.IsPunct(r) || r == '\uFE0F' || (r >= 0x1F3FB && r <= 0x1F3FF):
		default:
			return "", false
		}
	}
	return kind, kind != ""
}

// talkFillers may surround small talk but are not small talk alone.
var talkFillers = setOf(
	"you", "u", "ya", "so", "much", "very", "a", "lot", "again", "there", "everyone", "all",
	"bot", "andon", "for", "the", "your", "help", "my", "friend", "dear", "and", "too", "guys",
	"really", "oh", "well", "then", "now", "just", "that", "it", "is", "was", "its", "thats",
	"sa", "mycket", "hjalpen", "du", "alla", "igen", "och", "pa", "er", "dig", "nu", "da", "ju",
	"bara", "det", "var", "ar", "o", "jatte", "dej", "svaret",
)

// talkPhrases, longest first; words are squeezed like the visitor's.
var talkPhrases = buildTalkPhrases(map[string][]string{
	talkHello + ":en": {"hi", "hello", "hey", "heya", "hiya", "howdy", "yo", "greetings",
		"good morning", "good afternoon", "good evening", "good day", "morning", "hi there",
		"hello there", "hey there", "how are you", "how are you doing", "how's it going",
		"what's up", "sup", "is anyone there", "anyone there",
		"is anybody there", "anybody there", "hallo", "hellow"},
	talkHello + ":sv": {"hej", "hejsan", "hallå", "hallå där", "tjena", "tjenare", "tjenixen",
		"tja", "tjabba", "god morgon", "god kväll", "god middag", "goddag", "morrn", "mors",
		"hej hej", "hur mår du", "hur är läget", "läget", "allt bra", "är det någon där",
		"någon där"},
	talkThanks + ":en": {"thanks", "thank you", "thank u", "thankyou", "thx", "thnx", "thanx",
		"tnx", "tks", "ty", "tyvm", "many thanks", "cheers", "much appreciated", "appreciate it",
		"i appreciate it", "thanks a lot", "that helps", "that helped", "that was helpful",
		"very helpful", "helpful", "thanks for the help", "thanks for your help", "great thanks"},
	talkThanks + ":sv": {"tack", "tack så mycket", "tusen tack", "tackar", "stort tack",
		"tack tack", "tack för hjälpen", "tack ska du ha", "det hjälpte", "toppen tack",
		"tackar så mycket"},
	talkBye + ":en": {"bye", "goodbye", "good bye", "bye bye", "see you", "see ya", "cya",
		"have a nice day", "have a good day", "have a great day", "take care", "later",
		"no thanks", "no thank you", "nothing else", "that's all", "that's it", "good night", "gn"},
	talkBye + ":sv": {"hej då", "hejdå", "ha det bra", "ha det", "vi ses", "adjö", "ha en bra dag",
		"ha en trevlig dag", "ha en fin dag", "nej tack", "inget mer", "det var allt",
		"det var bara det", "god natt", "hej hej då"},
	talkAck + ":en": {"okay", "great", "good", "nice", "cool", "perfect", "awesome", "got it",
		"i see", "understood", "alright", "all right", "sure", "fine", "excellent", "brilliant",
		"lovely", "wonderful", "makes sense", "i understand", "sounds good", "will do",
		"noted", "good to know"},
	talkAck + ":sv": {"okej", "bra", "toppen", "perfekt", "fint", "kanon", "najs", "jaha",
		"okidoki", "ok då", "jag förstår", "förstått", "uppfattat", "bra då", "vad bra",
		"precis", "utmärkt", "härligt", "schysst", "jättebra", "låter bra", "då vet jag"},
	talkAck + ":": {"ok", "k", "oki", "okey", "aha", "ah", "super", "fantastic", "fantastiskt"},
})

func buildTalkPhrases(m map[string][]string) []talkPhrase {
	var ps []talkPhrase
	for key, texts := range m {
		kind, lang, _ := strings.Cut(key, ":")
		for _, t := range texts {
			ps = append(ps, talkPhrase{words: talkWords(t), kind: kind, lang: lang})
		}
	}
	sort.SliceStable(ps, func(a, b int) bool {
		if len(ps[a].words) != len(ps[b].words) {
			return len(ps[a].words) > len(ps[b].words)
		}
		return strings.Join(ps[a].words, " ") < strings.Join(ps[b].words, " ")
	})
	return ps
}
