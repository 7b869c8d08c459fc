package ingest

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// decodeText turns a file's bytes into the text the parsers read: the UTF-8
// byte order mark some editors (and Excel) write is dropped, CRLF line ends
// become LF, and invalid UTF-8 or an empty file is a problem with its line,
// because a silently mangled answer is worse than a refused import.
func decodeText(file string, data []byte, errs *Errors) (string, bool) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		errs.addf(file, 0, "", "file is empty")
		return "", false
	}
	ok := true
	if !utf8.Valid(data) {
		line := 1
		for rest := data; len(rest) > 0; {
			r, size := utf8.DecodeRune(rest)
			if r == utf8.RuneError && size <= 1 {
				errs.addf(file, line, "", "invalid UTF-8 (byte 0x%02x); save the file as UTF-8", rest[0])
				ok = false
				// Report each bad line once.
				nl := bytes.IndexByte(rest, '\n')
				if nl < 0 {
					break
				}
				rest = rest[nl:]
				continue
			}
			if r == '\n' {
				line++
			}
			rest = rest[size:]
		}
	}
	if !ok {
		return "", false
	}
	return strings.ReplaceAll(string(data), "\r\n", "\n"), true
}

// lineAt is the 1-based line number of byte offset off in text.
func lineAt(text string, off int) int {
	if off > len(text) {
		off = len(text)
	}
	return strings.Count(text[:off], "\n") + 1
}
