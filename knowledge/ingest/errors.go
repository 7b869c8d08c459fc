package ingest

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxErrors caps how many problems one Load or ReadExamples call reports, so
// a file in the wrong format yields a readable list, not ten thousand lines.
const MaxErrors = 20

// Error is one problem in an input file, precise enough for an editor to jump
// to it: the file, the 1-based line (0 when it concerns the whole file) and
// the field or column (empty when it concerns the whole line).
type Error struct {
	File  string
	Line  int
	Field string
	Msg   string
	// Err is the underlying cause when there is one (an I/O error), so
	// errors.Is(err, fs.ErrNotExist) works through Load's result.
	Err error
}

// Error renders the problem as "file:line: field: msg", leaving out the
// parts that are not known.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap exposes the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errors is every problem found in the inputs (up to MaxErrors), so a bad
// file is fixed in one pass instead of one error per attempt.
type Errors struct {
	List []*Error
	// Omitted counts the problems found beyond MaxErrors; parsers stop
	// early on a hopeless file, so there may be more.
	Omitted int
}

// Error lists the problems one per line.
func (e *Errors) Error() string {
	var b strings.Builder
	for i, err := range e.List {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(err.Error())
	}
	switch {
	case e.Omitted > 0:
		fmt.Fprintf(&b, "\n... and at least %d more problems", e.Omitted)
	case len(e.List) >= MaxErrors:
		fmt.Fprintf(&b, "\n... stopped after %d problems", MaxErrors)
	}
	return b.String()
}

// Unwrap lets errors.As find the individual *Error values.
func (e *Errors) Unwrap() []error {
	errs := make([]error, len(e.List))
	for i, err := range e.List {
		errs[i] = err
	}
	return errs
}

// add records a problem, counting rather than keeping it beyond MaxErrors.
func (e *Errors) add(err *Error) {
	if len(e.List) >= MaxErrors {
		e.Omitted++
		return
	}
	e.List = append(e.List, err)
}

// addf records a problem built from its parts.
func (e *Errors) addf(file string, line int, field, format string, args ...any) {
	e.add(&Error{File: file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// full reports whether more problems would only be counted; parsers use it to
// stop early on a file that is clearly in the wrong shape.
func (e *Errors) full() bool { return len(e.List) >= MaxErrors }

// err returns nil when nothing went wrong, so callers can return it directly.
func (e *Errors) err() error {
	if len(e.List) == 0 {
		return nil
	}
	return e
}
