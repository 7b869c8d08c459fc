package mailin

import (
	"regexp"
	"strings"
)

var (
	// wroteWord is the verb of an attribution line, "On ... wrote:" or
	// "Den ... skrev:" (and the German and French ones, which cost
	// nothing).
	wroteWord = regexp.MustCompile(`(?i)\b(wrote|skrev|schrieb|a écrit)\b`)
	// attribStart opens Gmail's and Thunderbird's attribution.
	attribStart = regexp.MustCompile(`(?i)^(on|den|am|le)\s`)
	// hasAddress and hasDate tell an attribution ("30 jan. 2026 kl. 10:00
	// skrev Anna <anna@example.se>:") from a sentence that happens to
	// end in "wrote:".
	hasAddress = regexp.MustCompile(`\S@\S`)
	hasDate    = regexp.MustCompile(`\d{4}.*\d{1,2}[:.]\d{2}|\d{1,2}[:.]\d{2}.*\d{4}`)
	// origSeparator is Outlook's (and others') line above a quoted or
	// forwarded mail.
	origSeparator = regexp.MustCompile(`(?i)^-{2,}\s*(original message|ursprungligt meddelande|originalmeddelande|forwarded message|vidarebefordrat meddelande)\s*-{2,}$`)
	// underline is the rule Outlook draws above the quoted mail's headers.
	underline = regexp.MustCompile(`^_{10,}$`)
	// headerFrom and headerSent are the first lines of the header block
	// Outlook writes above the quoted mail, in English and Swedish.
	headerFrom = regexp.MustCompile(`(?i)^\*?(from|från)\s*:\*?\s*\S`)
	headerSent = regexp.MustCompile(`(?i)^\*?(sent|date|skickat|datum)\s*:`)
	// mobileFooter is what phones add under a reply.
	mobileFooter = regexp.MustCompile(`(?i)^(sent from my|skickat från min|sent from (outlook|mail|yahoo)|skickat från (outlook|e-post|mail)|get outlook for|hämta outlook för)\b`)
	blankRun     = regexp.MustCompile(`\n{3,}`)
)

// stripQuoted returns the visitor's own words of a reply: without the
// quoted earlier mail (everything from "On ... wrote:" / "Den ... skrev:",
// an Outlook header block or "-----Original Message-----" on, and every
// line starting with ">"), without a signature (from a "-- " line on) and
// without a phone's "Sent from my iPhone". An attribution followed by
// quoted lines is a bottom-posted or inline reply: only it and the quoted
// lines go, the answer below stays.
func stripQuoted(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	var out []string
scan:
	for i := 0; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], " \t")
		switch {
		case quoted(l):
			continue
		case l == "--" || l == "-- " || lines[i] == "-- ":
			break scan
		case topQuote(lines, i):
			break scan
		}
		if n := attribution(lines, i); n > 0 {
			if j := nextNonBlank(lines, i+n); j < len(lines) && quoted(lines[j]) {
				i += n - 1
				continue
			}
			break scan
		}
		out = append(out, l)
	}
	// A phone's footer, when it is the last thing said.
	for k := len(out) - 1; k >= 0; k-- {
		t := strings.TrimSpace(out[k])
		if t == "" {
			continue
		}
		if mobileFooter.MatchString(t) {
			out = out[:k]
		}
		break
	}
	text := strings.Join(out, "\n")
	text = blankRun.ReplaceAllString(text, "\n\n")
	return strings.TrimSpace(text)
}

// quoted reports whether l is a quoted line, "> ...".
func quoted(l string) bool {
	return strings.HasPrefix(strings.TrimLeft(l, " \t"), ">")
}

// topQuote reports whether line i begins an earlier mail quoted below the
// reply in Outlook's way: a separator, or a From:/Sent: header block
// (possibly under a rule of underscores).
func topQuote(lines []string, i int) bool {
	l := strings.TrimSpace(lines[i])
	if origSeparator.MatchString(l) {
		return true
	}
	if underline.MatchString(l) {
		j := nextNonBlank(lines, i+1)
		return j < len(lines) && headerFrom.MatchString(strings.TrimSpace(lines[j]))
	}
	if !headerFrom.MatchString(l) {
		return false
	}
	for j := i + 1; j < len(lines) && j <= i+3; j++ {
		if headerSent.MatchString(strings.TrimSpace(lines[j])) {
			return true
		}
	}
	return false
}

// attribution returns how many lines (1 or 2) the attribution line of a
// quote starting at line i takes, or 0 when there is none. Gmail wraps long
// ones: "On Mon, 2 Feb 2026 at 10:00, Support <" / "reply+...> wrote:".
func attribution(lines []string, i int) int {
	l := strings.TrimSpace(lines[i])
	if l == "" {
		return 0
	}
	if isAttribution(l) {
		return 1
	}
	if i+1 < len(lines) && attribStart.MatchString(l) && !strings.HasSuffix(l, ":") {
		if two := l + " " + strings.TrimSpace(lines[i+1]); isAttribution(two) {
			return 2
		}
	}
	return 0
}

func isAttribution(l string) bool {
	if !strings.HasSuffix(l, ":") {
		return false
	}
	if m := wroteWord.FindStringIndex(l); m == nil || len(l)-m[1] > 160 {
		return false
	}
	return attribStart.MatchString(l) && (hasAddress.MatchString(l) || hasDate.MatchString(l) || strings.ContainsAny(l, "0123456789")) ||
		hasAddress.MatchString(l) || hasDate.MatchString(l)
}

func nextNonBlank(lines []string, i int) int {
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	return i
}
