package bot

import (
	"strings"
	"testing"
)

func TestSmallTalkReply(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text, locale string
		key          string // "" for not small talk
		lang         string
	}{
		{"hi", "", KeyHello, LangEnglish},
		{"Hello!", "sv-SE", KeyHello, LangEnglish}, // English words beat the locale
		{"hey there", "", KeyHello, LangEnglish},
		{"hiii", "", KeyHello, LangEnglish},
		{"Good morning", "", KeyHello, LangEnglish},
		{"is anyone there?", "", KeyHello, LangEnglish},
		{"hej", "", KeyHello, LangSwedish},
		{"Hallå!", "en", KeyHello, LangSwedish},
		{"tjena", "", KeyHello, LangSwedish},
		{"god morgon", "", KeyHello, LangSwedish},
		{"hej hej", "", KeyHello, LangSwedish},
		{"thanks", "", KeyThanks, LangEnglish},
		{"Thank you so much for your help!", "", KeyThanks, LangEnglish},
		{"thx", "", KeyThanks, LangEnglish},
		{"great, thanks!", "", KeyThanks, LangEnglish},
		{"tack", "", KeyThanks, LangSwedish},
		{"Tack så mycket!", "", KeyThanks, LangSwedish},
		{"tusen tack för hjälpen", "", KeyThanks, LangSwedish},
		{"bye", "", KeyBye, LangEnglish},
		{"thanks, bye!", "", KeyBye, LangEnglish},
		{"goodbye", "", KeyBye, LangEnglish},
		{"no thanks", "", KeyBye, LangEnglish},
		{"hej då", "", KeyBye, LangSwedish},
		{"hejdå!", "", KeyBye, LangSwedish},
		{"ha det bra", "", KeyBye, LangSwedish},
		{"nej tack", "", KeyBye, LangSwedish},
		{"ok", "sv-SE", KeyAck, LangSwedish}, // ambiguous: the locale decides
		{"ok", "en", KeyAck, LangEnglish},
		{"OK!", "", KeyAck, LangEnglish},
		{"great", "", KeyAck, LangEnglish},
		{"okej", "", KeyAck, LangSwedish},
		{"bra", "", KeyAck, LangSwedish},
		{"👍", "sv", KeyAck, LangSwedish},
		{"👋", "", KeyHello, LangEnglish},

		{"hi, how do I reset my password?", "", "", ""},
		{"hej, hur byter jag lösenord?", "", "", ""},
		{"thanks, but where is the invoice?", "", "", ""},
		{"tack, men var hittar jag fakturan?", "", "", ""},
		{"ok so how much does it cost", "", "", ""},
		{"hello, can I talk to a human", "", "", ""},
		{"help", "", "", ""},
		{"yes", "", "", ""}, // an answer to a question: left to the decision
		{"nej", "", "", ""},
		{"?", "", "", ""},
		{"", "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.text+"/"+tc.locale, func(t *testing.T) {
			t.Parallel()
			d, ok := SmallTalkReply(Turn{Text: tc.text, Locale: tc.locale})
			if tc.key == "" {
				if ok {
					t.Fatalf("SmallTalkReply(%q) = %+v; want not small talk", tc.text, d)
				}
				return
			}
			if !ok {
				t.Fatalf("SmallTalkReply(%q) is not small talk; want %s", tc.text, tc.key)
			}
			if want := Say(tc.lang, tc.key); d.Action != SmallTalk || d.Reply != want || d.Lang != tc.lang || d.Reason != "" {
				t.Fatalf("SmallTalkReply(%q, %q) = %+v; want reply %q in %s", tc.text, tc.locale, d, want, tc.lang)
			}
			if !strings.HasPrefix(d.Rule, "smalltalk:") {
				t.Fatalf("rule %q", d.Rule)
			}
		})
	}
}

func TestSmallTalkPhrasesUnique(t *testing.T) {
	t.Parallel()
	seen := map[string]talkPhrase{}
	for _, p := range talkPhrases {
		k := strings.Join(p.words, " ")
		if q, dup := seen[k]; dup {
			t.Errorf("phrase %q listed twice (%s/%s and %s/%s)", k, q.kind, q.lang, p.kind, p.lang)
		}
		seen[k] = p
		if talkFillers[k] {
			t.Errorf("phrase %q is also a filler", k)
		}
	}
}
