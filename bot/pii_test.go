package bot

import "testing"

func TestLuhn(t *testing.T) {
	t.Parallel()
	for d, want := range map[string]bool{
		"4111111111111111": true, "4111111111111112": false, "79927398713": true,
		"79927398710": false, "8112189876": true, "8112189875": false, "0": true,
	} {
		if got := luhn(d); got != want {
			t.Errorf("luhn(%s) = %v; want %v", d, got, want)
		}
	}
}

func TestIBANValid(t *testing.T) {
	t.Parallel()
	for iban, want := range map[string]bool{
		"SE4550000000058398257466":    true,
		"GB82WEST12345698765432":      true,
		"DE89370400440532013000":      true,
		"FR1420041010050500013M02606": true,
		"SE4650000000058398257466":    false,
		"GB82WEST12345698765433":      false,
		"GB82WEST1234569876543!":      false,
	} {
		if got := ibanValid(iban); got != want {
			t.Errorf("ibanValid(%s) = %v; want %v", iban, got, want)
		}
	}
}

func TestPlausibleBirthDate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		century, date string
		want          bool
	}{
		{"", "811218", true},
		{"", "811278", true},  // samordningsnummer, day 18+60
		{"", "811292", false}, // day 32 even as a samordningsnummer
		{"", "810000", false},
		{"", "811301", false},
		{"", "000229", true}, // 2000 was a leap year
		{"", "010229", false},
		{"19", "000229", false}, // 1900 was not
		{"20", "000229", true},
		{"", "810431", false},
	}
	for _, tc := range cases {
		if got := plausibleBirthDate(tc.century, tc.date); got != tc.want {
			t.Errorf("plausibleBirthDate(%q, %q) = %v; want %v", tc.century, tc.date, got, tc.want)
		}
	}
}

func TestFinders(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text            string
		card, pnr, iban bool
	}{
		{"4111 1111 1111 1111", true, false, false},
		{"4111111111111111", true, false, false},
		{"4111-1111-1111-1111", true, false, false},
		{"4111 11 11 1111 1111", false, false, false}, // groups of two are not how cards are written
		{"4111  1111 1111 1111", false, false, false}, // two spaces break the number
		{"2024-01-15 12:30", false, false, false},
		{"123456789012", false, false, false},
		{"19811218-9876", false, true, false},
		{"811218-9876", false, true, false},
		{"x811218-9876", false, false, false},
		{"SE45 5000 0000 0583 9825 7466", false, false, true},
		{"SE45-5000-0000-0583-9825-7466", false, false, true},
		{"XX45 5000 0000 0583 9825 7466", false, false, false}, // no such country
		{"ASE45 5000 0000 0583 9825 7466", false, false, false},
	}
	for _, tc := range cases {
		if got := hasCardNumber(tc.text); got != tc.card {
			t.Errorf("hasCardNumber(%q) = %v; want %v", tc.text, got, tc.card)
		}
		if got := hasPersonnummer(tc.text); got != tc.pnr {
			t.Errorf("hasPersonnummer(%q) = %v; want %v", tc.text, got, tc.pnr)
		}
		if got := hasIBAN(tc.text); got != tc.iban {
			t.Errorf("hasIBAN(%q) = %v; want %v", tc.text, got, tc.iban)
		}
	}
}
