package grounding

import (
	"slices"
	"strings"
	"testing"
)

var sources = []Source{
	{Title: "Is andon free?", Text: "Yes. andon is free and open source; hosting costs are yours."},
	{Title: "Plans", Text: "The support plan costs 49 EUR a month and starts on 2026-01-01."},
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		answer, reason, detail string
		cited                  []int
	}{
		{"andon is free [1]; support costs 49 EUR a month [2].", "", "", []int{1, 2}},
		{"Support starts on 2026-01-01 [2] and is optional [2][1].", "", "", []int{2, 1}},
		{NotCovered, ReasonNotCovered, "", nil},
		{"andon is free.", ReasonNoCitation, "", nil},
		{"andon is free [3].", ReasonUnknownSource, "[3]", nil},
		{"andon is free [0].", ReasonUnknownSource, "[0]", nil},
		{"Support costs 39 EUR a month [2].", ReasonUnsupported, "39", nil},
		{"Support starts on 2026-02-01 [2].", ReasonUnsupported, "2026-02-01", nil},
	} {
		v := Check(tc.answer, sources)
		if v.OK != (tc.reason == "") || v.Reason != tc.reason || v.Detail != tc.detail || !slices.Equal(v.Cited, tc.cited) {
			t.Errorf("Check(%q) = %+v, want reason %q detail %q cited %v", tc.answer, v, tc.reason, tc.detail, tc.cited)
		}
	}
}

func TestMessages(t *testing.T) {
	history := []Turn{
		{Visitor: true, Text: "one"}, {Text: "two"}, {Visitor: true, Text: "three"},
		{Text: "four"}, {Visitor: true, Text: "five"},
	}
	msgs := Messages("sv", sources, history, "and how much does that cost?")
	sys := msgs[0].Content
	for _, want := range []string{"in Swedish", "ONLY the numbered sources", "[1] Is andon free?", "[2] Plans\nThe support plan costs 49 EUR", NotCovered} {
		if !strings.Contains(sys, want) {
			t.Errorf("system prompt lacks %q:\n%s", want, sys)
		}
	}
	// The last MaxTurns turns, then the question.
	var got []string
	for _, m := range msgs[1:] {
		got = append(got, m.Role+":"+m.Content)
	}
	want := []string{"assistant:two", "user:three", "assistant:four", "user:five", "user:and how much does that cost?"}
	if !slices.Equal(got, want) {
		t.Fatalf("turns = %q, want %q", got, want)
	}
	if !strings.Contains(Messages("fi", sources, nil, "q")[0].Content, "the language of the question") {
		t.Fatal("an unknown language is not left to the question")
	}
}
