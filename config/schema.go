package config

import (
	"reflect"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// shape is what a setting holds, as far as TOML is concerned.
type shape int

const (
	shapeTable         shape = iota // a struct: [server]
	shapeArrayOfTables              // a slice of structs: [[site]]
	shapeMap                        // a map of strings: greeting.en
	shapeList                       // a slice of values: allowed_origins
	shapeString
	shapeInt
	shapeFloat
	shapeBool
	shapeDuration
)

// schema describes the TOML form of Config, derived from its toml tags so it
// cannot drift from the struct. It lets Load name expected types in words and
// check every value before go-toml's decoder, which stops at the first
// mismatch and reads a bare integer into a Duration as nanoseconds.
type schema struct {
	shape  shape
	fields map[string]*schema // shapeTable
	names  []string           // shapeTable, in struct order
	elem   *schema            // shapeArrayOfTables, shapeMap, shapeList
}

var durationType = reflect.TypeOf(Duration(0))

func schemaOf(t reflect.Type) *schema {
	if t == durationType {
		return &schema{shape: shapeDuration}
	}
	switch t.Kind() {
	case reflect.Struct:
		s := &schema{shape: shapeTable, fields: map[string]*schema{}}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if name == "" || name == "-" || !f.IsExported() {
				continue
			}
			s.fields[name] = schemaOf(f.Type)
			s.names = append(s.names, name)
		}
		return s
	case reflect.Slice:
		elem := schemaOf(t.Elem())
		if elem.shape == shapeTable {
			return &schema{shape: shapeArrayOfTables, elem: elem}
		}
		return &schema{shape: shapeList, elem: elem}
	case reflect.Map:
		return &schema{shape: shapeMap, elem: schemaOf(t.Elem())}
	case reflect.String:
		return &schema{shape: shapeString}
	case reflect.Int, reflect.Int64:
		return &schema{shape: shapeInt}
	case reflect.Float64:
		return &schema{shape: shapeFloat}
	case reflect.Bool:
		return &schema{shape: shapeBool}
	}
	panic("config: no TOML shape for " + t.String())
}

func configSchema() *schema {
	return schemaOf(reflect.TypeOf(Config{}))
}

// lookup returns the schema of the setting at p. When p leaves the schema it
// returns nil and the length of the longest prefix of p that is a setting
// (or an element of one).
func (s *schema) lookup(p path) (*schema, int) {
	cur := s
	for i, seg := range p {
		var next *schema
		switch {
		case seg.index >= 0 && (cur.shape == shapeArrayOfTables || cur.shape == shapeList):
			next = cur.elem
		case seg.index < 0 && cur.shape == shapeTable:
			next = cur.fields[seg.name]
		case seg.index < 0 && cur.shape == shapeMap:
			next = cur.elem
		}
		if next == nil {
			return nil, i
		}
		cur = next
	}
	return cur, len(p)
}

// expected names what the setting holds, for "expected X, got Y".
func (s *schema) expected() string {
	switch s.shape {
	case shapeTable, shapeMap:
		return "a table"
	case shapeArrayOfTables:
		return "an array of tables"
	case shapeList:
		return "an array of " + strings.TrimPrefix(strings.TrimPrefix(s.elem.expected(), "a "), "an ") + "s"
	case shapeString:
		return "a string"
	case shapeInt:
		return "an integer"
	case shapeFloat:
		return "a number"
	case shapeBool:
		return "a boolean"
	case shapeDuration:
		return `a duration string such as "30s"`
	}
	return "something else"
}

// accepts reports whether a TOML value of kind k fits the setting.
func (s *schema) accepts(k unstable.Kind) bool {
	switch s.shape {
	case shapeTable, shapeMap:
		return k == unstable.Table || k == unstable.InlineTable
	case shapeArrayOfTables:
		return k == unstable.ArrayTable || k == unstable.Array
	case shapeList:
		return k == unstable.Array
	case shapeString, shapeDuration:
		return k == unstable.String
	case shapeInt:
		return k == unstable.Integer
	case shapeFloat:
		return k == unstable.Float || k == unstable.Integer
	case shapeBool:
		return k == unstable.Bool
	}
	return false
}

// kindName names what the document holds, for "expected X, got Y".
func kindName(k unstable.Kind) string {
	switch k {
	case unstable.String:
		return "a string"
	case unstable.Integer:
		return "an integer"
	case unstable.Float:
		return "a float"
	case unstable.Bool:
		return "a boolean"
	case unstable.Array:
		return "an array"
	case unstable.Table, unstable.InlineTable:
		return "a table"
	case unstable.ArrayTable:
		return "an array of tables"
	case unstable.DateTime, unstable.LocalDateTime:
		return "a date-time"
	case unstable.LocalDate:
		return "a date"
	case unstable.LocalTime:
		return "a time"
	}
	return "a " + strings.ToLower(k.String())
}

// checkTypes compares every value of the document with the schema and
// returns all mismatches, in document order. Keys the schema does not have
// are left to go-toml's strict mode, and so is everything beneath a
// mismatch, which would only repeat it.
func checkTypes(root *schema, x *docIndex, file string) Errors {
	var errs Errors
	for _, e := range x.order {
		s, _ := root.lookup(e.path)
		if s == nil {
			continue
		}
		var msg string
		switch {
		case !s.accepts(e.kind):
			msg = "expected " + s.expected() + ", got " + kindName(e.kind)
			if s.shape == shapeArrayOfTables && e.kind == unstable.Table {
				msg += " (write [[" + e.path.String() + "]])"
			}
		case s.shape == shapeDuration:
			if _, err := parseDuration(e.str); err != nil {
				msg = err.Error()
			}
		}
		if msg != "" {
			errs = append(errs, &Error{File: file, Line: e.line, Key: e.path.String(), Msg: msg})
		}
	}
	return errs
}
