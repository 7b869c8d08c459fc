package config

import (
	"sort"
	"strconv"
	"strings"
)

// Error is one problem in a configuration, located precisely enough that the
// operator can go straight to it.
type Error struct {
	// File is the config file, or "env NAME" when the value came from an
	// environment variable; empty for a Config that was never loaded.
	File string
	// Line is 1-based; 0 when the value is not written in the file (a
	// default, an environment variable, a missing required key with no
	// table to point at).
	Line int
	// Column is 1-based and set for syntax errors only, where the line alone
	// may not show the mistake; problems with a key point at its line.
	Column int
	// Key is the dotted path of the setting, with array indexes:
	// "limits.max_message_bytes", "site[1].allowed_origins[0]". Empty for
	// syntax errors.
	Key string
	// Msg says what is wrong and, where it helps, what was found.
	Msg string

	// unknown marks an unknown key, which reads "unknown key KEY".
	unknown bool
}

// Error reads "FILE:LINE: KEY: MSG", for example
// `andon.toml:12: limits.max_message_bytes: must be between 64 and 1048576 (got 0)`,
// or "FILE:LINE: unknown key KEY ..." for a key the configuration does not
// have. Parts that are unknown are left out.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Line))
			if e.Column > 0 {
				b.WriteByte(':')
				b.WriteString(strconv.Itoa(e.Column))
			}
		}
		b.WriteString(": ")
	}
	switch {
	case e.unknown:
		b.WriteString("unknown key ")
		b.WriteString(e.Key)
		if e.Msg != "" {
			b.WriteByte(' ')
			b.WriteString(e.Msg)
		}
		return b.String()
	case e.Key != "":
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one configuration, so that one run of
// `andon config check` shows them all. Load and Validate return it as their
// error; use errors.As to get at the single problems.
type Errors []*Error

// Error lists the problems one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As and errors.Is look at each problem.
func (es Errors) Unwrap() []error {
	errs := make([]error, len(es))
	for i, e := range es {
		errs[i] = e
	}
	return errs
}

// orNil returns nil for no problems, so that callers can test err != nil
// without meeting a typed nil.
func (es Errors) orNil() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// sortByLine orders problems as they appear in the file; those without a
// line (environment, defaults) follow in the order they were found.
func (es Errors) sortByLine() {
	sort.SliceStable(es, func(i, j int) bool {
		li, lj := es[i].Line, es[j].Line
		if li == 0 || lj == 0 {
			return li != 0 && lj == 0
		}
		return li < lj
	})
}
