package mailin

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// decodeCharset turns text in the named charset into UTF-8: any charset
// IANA or the WHATWG encoding standard names (golang.org/x/text), which
// covers what mail clients send (ISO-8859-1, ISO-8859-15, Windows-1252,
// KOI8-R, Shift_JIS, ...). Text in a charset neither knows is accepted
// only when it is valid UTF-8 anyway.
func decodeCharset(charset string, b []byte) (string, error) {
	name := strings.ToLower(strings.Trim(strings.TrimSpace(charset), `"`))
	switch name {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		if utf8.Valid(b) {
			return string(b), nil
		}
		// Declared ASCII or UTF-8 but 8-bit bytes that are not UTF-8: a
		// client that forgot to say Latin-1, the usual culprit.
		return decodeWith(charmap.ISO8859_1, b)
	}
	if e := lookupCharset(name); e != nil {
		return decodeWith(e, b)
	}
	if utf8.Valid(b) {
		return string(b), nil
	}
	return "", fmt.Errorf("unsupported charset %q", charset)
}

// spellings are names mail clients write that neither index knows.
var spellings = map[string]string{"latin-1": "latin1", "latin9": "latin-9"}

// lookupCharset is the encoding of a charset name: by its IANA name or
// alias first (exact: ISO-8859-1 is Latin-1), then by its WHATWG label
// (the names browsers accept, such as cp1252); nil when neither knows it.
func lookupCharset(name string) encoding.Encoding {
	if s, ok := spellings[name]; ok {
		name = s
	}
	if e, err := ianaindex.IANA.Encoding(name); err == nil && e != nil {
		return e
	}
	if e, err := htmlindex.Get(name); err == nil {
		return e
	}
	return nil
}

func decodeWith(e encoding.Encoding, b []byte) (string, error) {
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		return "", fmt.Errorf("couldn't decode: %w", err)
	}
	return string(out), nil
}
