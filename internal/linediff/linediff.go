// Package linediff compares two texts line by line, for showing an editor
// what changed between two versions of an article.
package linediff

import "strings"

// Ops of a Line.
const (
	Same    = "="
	Deleted = "-"
	Added   = "+"
)

// Line is one line of a diff: in both texts, only in the old one, or only
// in the new one.
type Line struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// MaxCells bounds the work of one diff: the lines that differ after the
// common start and end are compared with a longest common subsequence
// table of (old lines × new lines) cells; above this many the middle is
// shown as deleted and then added in whole, which is still a true diff,
// only not the shortest.
const MaxCells = 4 << 20

// Lines returns the diff of old and new, line by line, in order.
func Lines(old, new string) []Line {
	a, b := split(old), split(new)
	var out []Line
	// The common start and end need no table: most edits touch a few lines.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		out = append(out, Line{Same, a[pre]})
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	out = append(out, middle(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, l := range a[len(a)-suf:] {
		out = append(out, Line{Same, l})
	}
	return out
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// middle diffs a and b with an LCS table, or in whole when it is too big.
func middle(a, b []string) []Line {
	var out []Line
	if len(a)*len(b) > MaxCells {
		for _, l := range a {
			out = append(out, Line{Deleted, l})
		}
		for _, l := range b {
			out = append(out, Line{Added, l})
		}
		return out
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:]
	// and b[j:].
	w := len(b) + 1
	lcs := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, Line{Same, a[i]})
			i, j = i+1, j+1
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			out = append(out, Line{Deleted, a[i]})
			i++
		default:
			out = append(out, Line{Added, b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		out = append(out, Line{Deleted, a[i]})
	}
	for ; j < len(b); j++ {
		out = append(out, Line{Added, b[j]})
	}
	return out
}
