package mailin

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// decodeCharset turns text in the named charset into UTF-8. It knows UTF-8,
// US-ASCII and the Latin-1 family (ISO-8859-1, ISO-8859-15, Windows-1252),
// which is what mail clients send in English and Swedish. Text in any other
// charset is accepted only when it is valid UTF-8 anyway.
func decodeCharset(charset string, b []byte) (string, error) {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(charset), `"`)) {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		if utf8.Valid(b) {
			return string(b), nil
		}
		// Declared ASCII or UTF-8 but 8-bit bytes that are not UTF-8: a
		// client that forgot to say Latin-1, the usual culprit.
		return latin1(b, nil), nil
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819":
		return latin1(b, nil), nil
	case "iso-8859-15", "iso8859-15", "iso_8859-15", "latin9", "latin-9":
		return latin1(b, latin9), nil
	case "windows-1252", "cp1252", "x-cp1252":
		return latin1(b, cp1252), nil
	}
	if utf8.Valid(b) {
		return string(b), nil
	}
	return "", fmt.Errorf("unsupported charset %q", charset)
}

// latin1 decodes b byte for byte, each byte its own code point, except the
// bytes that over maps elsewhere.
func latin1(b []byte, over map[byte]rune) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/4)
	for _, c := range b {
		if r, ok := over[c]; ok {
			sb.WriteRune(r)
			continue
		}
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

// latin9 is where ISO-8859-15 differs from ISO-8859-1.
var latin9 = map[byte]rune{
	0xA4: '€', 0xA6: 'Š', 0xA8: 'š', 0xB4: 'Ž', 0xB8: 'ž', 0xBC: 'Œ', 0xBD: 'œ', 0xBE: 'Ÿ',
}

// cp1252 is where Windows-1252 differs from ISO-8859-1: printable
// characters instead of the C1 controls (Outlook's curly quotes and dashes).
var cp1252 = map[byte]rune{
	0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ',
	0x89: '‰', 0x8A: 'Š', 0x8B: '‹', 0x8C: 'Œ', 0x8E: 'Ž', 0x91: '‘', 0x92: '’', 0x93: '“',
	0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—', 0x98: '˜', 0x99: '™', 0x9A: 'š', 0x9B: '›',
	0x9C: 'œ', 0x9E: 'ž', 0x9F: 'Ÿ',
}
