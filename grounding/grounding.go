// Package grounding writes the prompt for an answer generated from
// retrieved chunks only, and checks a generated answer against those chunks
// before anything is final: an answer the sources do not cover, that cites
// nothing, cites a source it was not given, or states a number, price or
// date found in no chunk is refused with the reason.
package grounding

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/ollama/ollama/api"
)

// NotCovered is what the model is told to answer, alone, when the sources
// do not answer the question.
const NotCovered = "NOT_IN_SOURCES"

// MaxTurns is how many earlier turns go with the question, for follow-ups.
const MaxTurns = 4

// Source is one retrieved chunk, cited as [n] by its place (1-based).
type Source struct {
	Title string
	Text  string
}

// Turn is an earlier message of the conversation.
type Turn struct {
	Visitor bool // else the bot's or an agent's
	Text    string
}

var languageNames = map[string]string{"en": "English", "sv": "Swedish"}

// Messages is the chat for the model: a system prompt with the numbered
// sources, the last MaxTurns turns, and the question.
func Messages(lang string, sources []Source, history []Turn, question string) []api.Message {
	name := languageNames[lang]
	if name == "" {
		name = "the language of the question"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "You answer a customer's question for a help centre, in %s, using ONLY the numbered sources below.\n", name)
	b.WriteString("Rules:\n")
	b.WriteString("- State no fact, number, price, date or promise that is not in the sources.\n")
	b.WriteString("- Cite the source of every statement with its number in brackets, like [1] or [2].\n")
	fmt.Fprintf(&b, "- If the sources do not answer the question, reply with exactly %s and nothing else.\n", NotCovered)
	b.WriteString("- Be short: a few sentences.\n\nSources:\n")
	for i, s := range sources {
		fmt.Fprintf(&b, "[%d] %s\n%s\n\n", i+1, s.Title, strings.TrimSpace(s.Text))
	}
	msgs := []api.Message{{Role: "system", Content: b.String()}}
	if len(history) > MaxTurns {
		history = history[len(history)-MaxTurns:]
	}
	for _, t := range history {
		role := "assistant"
		if t.Visitor {
			role = "user"
		}
		msgs = append(msgs, api.Message{Role: role, Content: t.Text})
	}
	return append(msgs, api.Message{Role: "user", Content: question})
}

// Reasons a generated answer is withdrawn.
const (
	ReasonNotCovered    = "not_covered"        // the model said the sources do not cover it
	ReasonNoCitation    = "no_citation"        // it cites no source
	ReasonUnknownSource = "unknown_source"     // it cites a source it was not given
	ReasonUnsupported   = "unsupported_number" // a number, price or date in no source
)

// Verdict is the outcome of Check, for the message's meta.
type Verdict struct {
	OK     bool
	Reason string // one of the Reason constants when not OK
	Detail string // the citation or number that failed
	Cited  []int  // the sources cited, 1-based, in order of first citation
}

var (
	citation = regexp.MustCompile(`\[(\d+)\]`)
	// number matches digits with separators (1,200.50; 12:30; 2026-12-04;
	// 30%), the things a model invents most harmfully.
	number = regexp.MustCompile(`\d+(?:[.,:/\-]\d+)*`)
)

// Check decides whether answer may stand on sources.
func Check(answer string, sources []Source) Verdict {
	if strings.Contains(answer, NotCovered) {
		return Verdict{Reason: ReasonNotCovered}
	}
	var v Verdict
	seen := map[int]bool{}
	for _, m := range citation.FindAllStringSubmatch(answer, -1) {
		n, err := strconv.Atoi(m[1])
		if err != nil || n < 1 || n > len(sources) {
			return Verdict{Reason: ReasonUnknownSource, Detail: m[0]}
		}
		if !seen[n] {
			seen[n] = true
			v.Cited = append(v.Cited, n)
		}
	}
	if len(v.Cited) == 0 {
		return Verdict{Reason: ReasonNoCitation}
	}
	var all strings.Builder
	for _, s := range sources {
		all.WriteString(s.Title)
		all.WriteString("\n")
		all.WriteString(s.Text)
		all.WriteString("\n")
	}
	known := map[string]bool{}
	for _, n := range number.FindAllString(all.String(), -1) {
		known[n] = true
	}
	for _, n := range number.FindAllString(citation.ReplaceAllString(answer, ""), -1) {
		if !known[n] {
			v.Cited = nil
			return Verdict{Reason: ReasonUnsupported, Detail: n}
		}
	}
	v.OK = true
	return v
}
