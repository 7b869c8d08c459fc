package bot

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Personal data in a chat message is a reason to stop: the bot must not echo
// it into an answer, and a person should move the case to a safe channel.
// Each finder accepts only numbers that pass their checksum, so order
// numbers, dates and phone numbers do not stop the bot.

// hasCardNumber reports a payment card number: 13 to 19 digits, possibly in
// groups separated by one space or dash, starting like a card (2-6) and
// passing the Luhn check. Digits glued to letters ("ORD4111...", the digits of
// an IBAN) are codes, not cards.
func hasCardNumber(text string) bool {
	if countDigits(text) < 13 {
		return false
	}
	for i := 0; i < len(text); {
		if !isDigit(text[i]) {
			i++
			continue
		}
		start := i
		var groups []string
		for {
			k := i
			for k < len(text) && isDigit(text[k]) {
				k++
			}
			groups = append(groups, text[i:k])
			i = k
			if k+1 < len(text) && (text[k] == ' ' || text[k] == '-') && isDigit(text[k+1]) {
				i = k + 1
				continue
			}
			break
		}
		if letterBefore(text, start) || letterAfter(text, i) {
			continue
		}
		if cardInGroups(groups) {
			return true
		}
	}
	return false
}

// cardInGroups tries every run of whole groups, since a card number is
// often followed by an expiry date or preceded by other numbers.
func cardInGroups(groups []string) bool {
	for a := range groups {
		var digits strings.Builder
		for b := a; b < len(groups); b++ {
			if b > a && (len(groups[b]) < 3 || len(groups[a]) < 3) {
				break
			}
			digits.WriteString(groups[b])
			if digits.Len() > 19 {
				break
			}
			if digits.Len() >= 13 && plausibleCard(digits.String()) {
				return true
			}
		}
	}
	return false
}

func plausibleCard(d string) bool {
	if d[0] < '2' || d[0] > '6' || strings.Count(d, d[:1]) == len(d) {
		return false
	}
	return luhn(d)
}

// luhn reports whether the last digit of d is the Luhn check digit of the rest.
func luhn(d string) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}

// personnummerRe finds the shapes YYMMDD-XXXX, YYMMDD+XXXX, YYMMDDXXXX and the
// same with a four-digit year. \b keeps it out of longer digit runs.
var personnummerRe = regexp.MustCompile(`\b(\d{6}|\d{8})([-+]?)(\d{4})\b`)

// phoneWords before a bare ten-digit number make it a phone number: Swedish
// mobile numbers (07x...) read as dates in 2007 and pass Luhn one time in ten.
var phoneWords = setOf("tel", "tfn", "telefon", "telefonnummer", "phone", "mobile", "mobil",
	"mobilnummer", "cell", "ring", "call", "sms", "text", "whatsapp", "fax", "nr")

// hasPersonnummer reports a Swedish personal identity number or co-ordination
// number (samordningsnummer: day + 60) with a real date and a valid check
// digit.
func hasPersonnummer(text string) bool {
	if countDigits(text) < 10 {
		return false
	}
	for _, m := range personnummerRe.FindAllStringSubmatchIndex(text, -1) {
		date, sep, tail := text[m[2]:m[3]], text[m[4]:m[5]], text[m[6]:m[7]]
		century := ""
		if len(date) == 8 {
			century, date = date[:2], date[2:]
			if century != "18" && century != "19" && century != "20" {
				continue
			}
		}
		if !plausibleBirthDate(century, date) || !luhn(date+tail) {
			continue
		}
		if sep == "" && century == "" && phoneContext(text[:m[0]]) {
			continue
		}
		return true
	}
	return false
}

func plausibleBirthDate(century, yymmdd string) bool {
	yy := atoi2(yymmdd[0:2])
	mm := atoi2(yymmdd[2:4])
	dd := atoi2(yymmdd[4:6])
	if dd > 60 {
		dd -= 60 // samordningsnummer
	}
	if mm < 1 || mm > 12 || dd < 1 {
		return false
	}
	centuries := []int{1900, 2000}
	if century != "" {
		centuries = []int{atoi2(century) * 100}
	}
	for _, c := range centuries {
		if dd <= daysIn(mm, c+yy) {
			return true
		}
	}
	return false
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func phoneContext(before string) bool {
	words := strings.FieldsFunc(foldText(before), func(r rune) bool { return !unicode.IsLetter(r) })
	for i := len(words) - 1; i >= 0 && i >= len(words)-4; i-- {
		if phoneWords[words[i]] {
			return true
		}
	}
	return false
}

// hasIBAN reports an IBAN of a known country with its length and a valid
// mod-97 check, written compact or in groups ("SE45 5000 0000 0583 9825 7466"),
// in any letter case.
func hasIBAN(text string) bool {
	for i := 0; i+4 <= len(text); i++ {
		if !isLetterASCII(text[i]) || !isLetterASCII(text[i+1]) || !isDigit(text[i+2]) || !isDigit(text[i+3]) {
			continue
		}
		if letterBefore(text, i) || (i > 0 && isDigit(text[i-1])) {
			continue
		}
		n, ok := ibanLength[strings.ToUpper(text[i:i+2])]
		if !ok {
			continue
		}
		if iban, ok := collectIBAN(text[i:], n); ok && ibanValid(iban) {
			return true
		}
	}
	return false
}

// collectIBAN takes n letters and digits from s, allowing one space or dash
// between them, and refuses when the token runs on past n characters.
func collectIBAN(s string, n int) (string, bool) {
	var b strings.Builder
	i := 0
	for b.Len() < n {
		if i >= len(s) {
			return "", false
		}
		c := s[i]
		switch {
		case isDigit(c) || isLetterASCII(c):
			b.WriteByte(upperASCII(c))
			i++
		case (c == ' ' || c == '-') && b.Len() > 0 && i+1 < len(s) && (isDigit(s[i+1]) || isLetterASCII(s[i+1])):
			i++
		default:
			return "", false
		}
	}
	if i < len(s) && (isDigit(s[i]) || isLetterASCII(s[i])) {
		return "", false
	}
	return b.String(), true
}

// ibanValid checks the ISO 13616 mod-97 checksum of a compact upper-case IBAN.
func ibanValid(iban string) bool {
	r := iban[4:] + iban[:4]
	rem := 0
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case isDigit(c):
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// ibanLength is the IBAN length of each country in the SWIFT IBAN registry.
var ibanLength = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
	"BH": 22, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22,
	"DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27,
	"GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28,
	"IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
	"LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
	"ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24,
	"PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31,
	"SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
	"TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			n++
		}
	}
	return n
}

func isDigit(c byte) bool       { return c >= '0' && c <= '9' }
func isLetterASCII(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

func upperASCII(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

func letterBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r)
}

func letterAfter(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}
