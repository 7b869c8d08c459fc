package bot

import "testing"

func TestSay(t *testing.T) {
	t.Parallel()
	cases := []struct {
		lang, key, want string
	}{
		{"en", KeyClarify, "Do you mean one of these?"},
		{"sv", KeyClarify, "Menar du något av de här?"},
		{"sv-SE", KeyClarify, "Menar du något av de här?"},
		{"de", KeyClarify, "Do you mean one of these?"}, // unknown language: English
		{"", KeySources, "Sources"},
		{"sv", KeySources, "Källor"},
		{"sv", "no.such.key", "no.such.key"},
		{"en", KeyNobodyOnDuty, "Nobody from the team is online right now, so please leave your e-mail address and they'll reply there."},
		{"sv", KeyContactSaved, "Tack! Vi svarar till anna@example.se."},
	}
	for _, tc := range cases {
		args := []any{}
		if tc.key == KeyContactSaved {
			args = append(args, "anna@example.se")
		}
		if got := Say(tc.lang, tc.key, args...); got != tc.want {
			t.Errorf("Say(%q, %q) = %q; want %q", tc.lang, tc.key, got, tc.want)
		}
	}
}

func TestEscalationReply(t *testing.T) {
	t.Parallel()
	cases := []struct {
		reason, key string
	}{
		{ReasonAskedForHuman, KeyEscalateHuman},
		{"sensitive:billing", KeyEscalateSensitive},
		{"sensitive:shipping", KeyEscalateSensitive},
		{ReasonSelfHarm, KeyEscalateSelfHarm},
		{ReasonCard, KeyEscalatePersonalData},
		{ReasonIBAN, KeyEscalatePersonalData},
		{ReasonRepeat, KeyEscalateFrustration},
		{ReasonShouting, KeyEscalateFrustration},
		{ReasonNegativeFeedback, KeyEscalateNegativeFeedback},
		{ReasonLowConfidence, KeyEscalateLowConfidence},
		{"something_new", KeyEscalate},
	}
	for _, tc := range cases {
		for _, lang := range []string{LangEnglish, LangSwedish} {
			if got, want := EscalationReply(lang, tc.reason), Say(lang, tc.key); got != want {
				t.Errorf("EscalationReply(%s, %s) = %q; want %q", lang, tc.reason, got, want)
			}
		}
	}
}
