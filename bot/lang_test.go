package bot

import (
	"testing"

	"github.com/andon-chat/andon/lang"
)

func TestDetectLang(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text, locale, want string
	}{
		{"hur återställer jag mitt lösenord?", "", LangSwedish},
		{"hur aterstaller jag mitt losenord", "", LangSwedish}, // no diacritics
		{"jag kan inte logga in", "en-US", LangSwedish},        // the text beats the locale
		{"kan jag få prata med en person", "", LangSwedish},
		{"tack", "", LangSwedish},
		{"hej", "en", LangSwedish},
		{"lösenord", "", LangSwedish},
		{"how do I reset my password?", "", LangEnglish},
		{"how do I reset my password?", "sv-SE", LangEnglish},
		{"I can't log in", "sv", LangEnglish},
		{"thanks", "sv-SE", LangEnglish},
		{"where is the invoice", "", LangEnglish},
		{"ok", "sv-SE", LangSwedish}, // ambiguous: the locale decides
		{"ok", "en-GB", LangEnglish},
		{"ok", "", LangEnglish},
		{"ok", "de-DE", LangEnglish}, // unsupported locale: English
		{"agent", "sv_SE", LangSwedish},
		{"GDPR?", "SV", LangSwedish},
		{"", "", LangEnglish},
		{"4111 1111 1111 1111", "sv", LangSwedish},
		{"I want a refund, jag vill ha pengarna tillbaka", "", LangSwedish}, // more Swedish words
		{"is it ok to use andon in a bank?", "sv", LangEnglish},
		{"importera markdownfiler", "", LangSwedish},
		{"installera chatt i wordpress", "en", LangSwedish},
		{"kvitto", "", LangSwedish},
		{"camera", "", LangEnglish},
		{"monthly", "sv", LangEnglish},
		{"Systemkrav", "sv", LangSwedish}, // no evidence: the locale
		{"Systemkrav", "", LangEnglish},
	}
	for _, tc := range cases {
		t.Run(tc.text+"/"+tc.locale, func(t *testing.T) {
			t.Parallel()
			if got := DetectLang(tc.text, tc.locale); got != tc.want {
				sv, en := lang.Evidence(tc.text)
				t.Fatalf("DetectLang(%q, %q) = %s; want %s (evidence sv %.1f en %.1f)", tc.text, tc.locale, got, tc.want, sv, en)
			}
		})
	}
}

func TestTurnLang(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		turn Turn
		want string
	}{
		{"text decides", Turn{Text: "hur gör jag?", Locale: "en", History: []string{"how do I do it"}}, LangSwedish},
		{"history before locale", Turn{Text: "ok", Locale: "sv-SE", History: []string{"where is my invoice"}}, LangEnglish},
		{"recent history", Turn{Text: "agent", History: []string{"how do I", "var finns fakturan?"}}, LangSwedish},
		{"locale last", Turn{Text: "ok", Locale: "sv-SE", History: []string{"ok", "?"}}, LangSwedish},
		{"nothing", Turn{Text: "ok"}, LangEnglish},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.turn.Lang(); got != tc.want {
				t.Fatalf("%+v.Lang() = %s; want %s", tc.turn, got, tc.want)
			}
		})
	}
}

func TestNormalizeLang(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"sv-SE": "sv", "SV": "sv", "en_GB": "en", " en ": "en", "nb-NO": "", "": ""} {
		if got := NormalizeLang(in); got != want {
			t.Errorf("NormalizeLang(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Människa  ÅÄÖ":      "manniska aao",
		"Don’t\thelp":        "don't help",
		"  Straße café ":     "strasse cafe",
		"KUNDTJÄNST\n\ntack": "kundtjanst tack",
	} {
		if got := foldText(in); got != want {
			t.Errorf("foldText(%q) = %q; want %q", in, got, want)
		}
	}
	// Patterns keep their case, so `\D` stays `\D`; only letters lose diacritics.
	if got, want := foldPattern(`\Då[ÅÄ]\W`), `\Da[AA]\W`; got != want {
		t.Errorf("foldPattern = %q; want %q", got, want)
	}
}
