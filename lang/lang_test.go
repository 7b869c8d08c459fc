package lang

import "testing"

func TestNormalize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"sv-SE": Swedish, "SV": Swedish, "en_GB": English, " en ": English, "de-DE": "", "": ""} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEvidence(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text    string
		swedish bool // more Swedish than English evidence
		english bool // more English than Swedish evidence
	}{
		{"hur aterstaller jag mitt losenord", true, false},
		{"lösenordet", true, false},
		{"How do I reset my password?", false, true},
		{"I can't log in", false, true},
		{"ok", false, false},
		{"GDPR", false, false},
	}
	for _, c := range cases {
		sv, en := Evidence(c.text)
		if (sv > en) != c.swedish || (en > sv) != c.english {
			t.Errorf("Evidence(%q) = sv %.1f, en %.1f", c.text, sv, en)
		}
	}
}
