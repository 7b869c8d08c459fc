package config

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// segment is one step of a key path: a table key, or an index into an array
// (of tables or of values) when index >= 0.
type segment struct {
	name  string
	index int
}

// path is a key path such as site[0].greeting.en.
type path []segment

var bareKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// String renders the path as it appears in error messages; keys that are not
// bare TOML keys are quoted, as they would be in the file.
func (p path) String() string {
	var b strings.Builder
	for _, s := range p {
		if s.index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		if bareKey.MatchString(s.name) {
			b.WriteString(s.name)
		} else {
			b.WriteString(strconv.Quote(s.name))
		}
	}
	return b.String()
}

func (p path) key(name string) path {
	return append(p[:len(p):len(p)], segment{name: name, index: -1})
}

func (p path) at(i int) path {
	return append(p[:len(p):len(p)], segment{index: i})
}

// entry is what the document says at one key path: where, and what kind of
// value (Table for [headers] and implicit tables of dotted keys, ArrayTable
// for the array of a [[header]]).
type entry struct {
	path   path
	line   int
	column int
	kind   unstable.Kind
	str    string // the decoded value of a String
}

// docIndex maps every key path of a TOML document to its position, so that
// problems found after decoding can still name their line.
type docIndex struct {
	entries map[string]*entry
	order   []*entry // document order
	// keyAt maps the position of the first part of each key written in the
	// document (key-values, table headers, inline table entries) to the full
	// path of that key. go-toml reports strict-mode errors by position with
	// keys that lack array indexes; this recovers them.
	keyAt map[[2]int]path
}

// has reports whether the document sets the key.
func (x *docIndex) has(key string) bool {
	if x == nil {
		return false
	}
	_, ok := x.entries[key]
	return ok
}

// line returns the line of the key, or of its nearest ancestor that is
// written in the document; 0 if none is.
func (x *docIndex) line(p path) int {
	if x == nil {
		return 0
	}
	for ; len(p) > 0; p = p[:len(p)-1] {
		if e, ok := x.entries[p.String()]; ok {
			return e.line
		}
	}
	return 0
}

// syntaxError is a TOML document that does not parse.
type syntaxError struct {
	line, column int
	msg          string
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.line, e.column, e.msg)
}

// indexDocument walks the document with go-toml's parser and records every
// key path: tables, arrays of tables (site[0], site[1]), dotted keys, inline
// tables, array elements. It returns a *syntaxError when the document is not
// TOML.
func indexDocument(data []byte) (*docIndex, error) {
	w := &walker{
		x:      &docIndex{entries: map[string]*entry{}, keyAt: map[[2]int]path{}},
		counts: map[string]int{},
	}
	w.p.Reset(data)
	for w.p.NextExpression() {
		w.expression(w.p.Expression())
	}
	if err := w.p.Error(); err != nil {
		var perr *unstable.ParserError
		if errors.As(err, &perr) {
			line, col := positionOf(data, perr.Highlight)
			return nil, &syntaxError{line: line, column: col, msg: perr.Message}
		}
		return nil, fmt.Errorf("couldn't parse TOML: %w", err)
	}
	return w.x, nil
}

type walker struct {
	p      unstable.Parser
	x      *docIndex
	table  path           // the table the following key-values belong to
	counts map[string]int // elements so far of each array of tables
}

func (w *walker) expression(n *unstable.Node) {
	switch n.Kind {
	case unstable.Table, unstable.ArrayTable:
		w.header(n)
	case unstable.KeyValue:
		w.keyValue(w.table, n)
	}
}

// header resolves a [table] or [[array.table]] header to its full path: a
// part naming an array of tables means its last element, as in TOML.
func (w *walker) header(n *unstable.Node) {
	keys := keyNodes(n)
	var p path
	for i, k := range keys {
		p = p.key(string(k.Data))
		line, col := w.pos(k)
		last := i == len(keys)-1
		s := p.String()
		switch {
		case last && n.Kind == unstable.ArrayTable:
			w.record(p, line, col, unstable.ArrayTable, "", false)
			idx := w.counts[s]
			w.counts[s] = idx + 1
			p = p.at(idx)
			w.record(p, line, col, unstable.Table, "", true)
		case w.counts[s] > 0:
			p = p.at(w.counts[s] - 1)
		default:
			w.record(p, line, col, unstable.Table, "", last)
		}
	}
	w.table = p
	line, col := w.pos(keys[0])
	w.x.keyAt[[2]int{line, col}] = trimIndex(p)
}

// trimIndex drops a trailing array index: the key of [[site]] is "site".
func trimIndex(p path) path {
	if len(p) > 0 && p[len(p)-1].index >= 0 {
		return p[:len(p)-1]
	}
	return p
}

// keyValue records a (possibly dotted) key = value under the table base.
func (w *walker) keyValue(base path, n *unstable.Node) {
	keys := keyNodes(n)
	p := base
	for i, k := range keys {
		p = p.key(string(k.Data))
		if i < len(keys)-1 {
			line, col := w.pos(k)
			w.record(p, line, col, unstable.Table, "", false)
		}
	}
	line, col := w.pos(keys[0])
	w.x.keyAt[[2]int{line, col}] = p
	kline, kcol := w.pos(keys[len(keys)-1])
	w.value(p, n.Value(), kline, kcol)
}

// value records a value at the given position and, for arrays and inline
// tables, what they hold. Array elements get their own position (arrays may
// span lines), except nested arrays, which carry none in go-toml's AST.
func (w *walker) value(p path, v *unstable.Node, line, col int) {
	str := ""
	if v.Kind == unstable.String {
		str = string(v.Data)
	}
	w.record(p, line, col, v.Kind, str, true)
	switch v.Kind {
	case unstable.Array:
		i := 0
		for it := v.Children(); it.Next(); {
			c := it.Node()
			if c.Kind == unstable.Comment {
				continue
			}
			cline, ccol := line, col
			if c.Kind != unstable.Array && c.Raw.Length > 0 {
				cline, ccol = w.pos(c)
			}
			w.value(p.at(i), c, cline, ccol)
			i++
		}
	case unstable.InlineTable:
		for it := v.Children(); it.Next(); {
			if c := it.Node(); c.Kind == unstable.KeyValue {
				w.keyValue(p, c)
			}
		}
	}
}

// record notes what the document has at p. Implicit tables (the a of a.b = 1,
// the site of [site.greeting]) keep their first position; definitions replace
// it.
func (w *walker) record(p path, line, col int, kind unstable.Kind, str string, define bool) {
	s := p.String()
	if e, ok := w.x.entries[s]; ok && !define {
		return
	} else if ok {
		e.line, e.column, e.kind, e.str = line, col, kind, str
		return
	}
	e := &entry{path: append(path(nil), p...), line: line, column: col, kind: kind, str: str}
	w.x.entries[s] = e
	w.x.order = append(w.x.order, e)
}

func (w *walker) pos(n *unstable.Node) (line, col int) {
	s := w.p.Shape(n.Raw).Start
	return s.Line, s.Column
}

func keyNodes(n *unstable.Node) []*unstable.Node {
	var keys []*unstable.Node
	for it := n.Key(); it.Next(); {
		keys = append(keys, it.Node())
	}
	return keys
}

// positionOf returns the 1-based line and column at which highlight, a
// subslice of data, starts; the end of data if it is not one.
func positionOf(data, highlight []byte) (line, col int) {
	offset := cap(data) - cap(highlight)
	if highlight == nil || offset < 0 || offset > len(data) {
		offset = len(data)
	}
	line, start := 1, 0
	for i := 0; i < offset; i++ {
		if data[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return line, offset - start + 1
}
