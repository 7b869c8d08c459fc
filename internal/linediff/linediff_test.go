package linediff

import (
	"strings"
	"testing"
)

func render(ls []Line) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l.Op + l.Text + "\n")
	}
	return b.String()
}

func TestLines(t *testing.T) {
	for name, tc := range map[string]struct{ old, new, want string }{
		"same":        {"a\nb\n", "a\nb", "=a\n=b\n"},
		"both empty":  {"", "", ""},
		"from empty":  {"", "x\ny", "+x\n+y\n"},
		"to empty":    {"x", "", "-x\n"},
		"changed one": {"a\nb\nc", "a\nB\nc", "=a\n-b\n+B\n=c\n"},
		"inserted":    {"a\nc", "a\nb\nc", "=a\n+b\n=c\n"},
		"moved":       {"x\na\nb\nc", "a\nb\nc\nx", "-x\n=a\n=b\n=c\n+x\n"},
		"interleaved": {"1\n2\n3\n4\n5", "1\nx\n3\ny\n5", "=1\n-2\n+x\n=3\n-4\n+y\n=5\n"},
	} {
		if got := render(Lines(tc.old, tc.new)); got != tc.want {
			t.Errorf("%s: got\n%s\nwant\n%s", name, got, tc.want)
		}
	}
}

// Above MaxCells the middle is deleted and added in whole: still every
// old line once and every new line once, in order.
func TestLinesBounded(t *testing.T) {
	var a, b []string
	for i := range 3000 {
		a = append(a, "old "+string(rune('a'+i%26))+strings.Repeat("x", i%7))
		b = append(b, "new "+string(rune('a'+i%26)))
	}
	ls := Lines("same\n"+strings.Join(a, "\n"), "same\n"+strings.Join(b, "\n"))
	if len(ls) != 1+len(a)+len(b) || ls[0] != (Line{Same, "same"}) || ls[1].Op != Deleted || ls[len(ls)-1].Op != Added {
		t.Fatalf("bounded diff: %d lines, first %+v", len(ls), ls[:2])
	}
}
