package config

import (
	"errors"
	"testing"

	"github.com/pelletier/go-toml/v2/unstable"
)

// TestIndexDocument checks the key paths and lines recorded for each way
// TOML can spell a key.
func TestIndexDocument(t *testing.T) {
	t.Parallel()
	doc := `title = "top"
server.addr = ":1"

[[site]]
name = "a"
greeting.en = "hi"
greeting."zh.tw" = "ni hao"

[[site]]
name = "b"
allowed_origins = [
  "https://b.example.com",
  # a comment between elements
  "https://*.b.example.com",
]

[site.greeting]
sv = "hej"

[bot]
languages = ["en", ["nested"]]
[[bot.sensitive]]
name = "billing"
[[bot.sensitive]]
name = "legal"
inline = { a = 1, b.c = { d = 2 } }
`
	idx, err := indexDocument([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		line int
		kind unstable.Kind
	}{
		"title":                         {1, unstable.String},
		"server":                        {2, unstable.Table},
		"server.addr":                   {2, unstable.String},
		"site":                          {4, unstable.ArrayTable},
		"site[0]":                       {4, unstable.Table},
		"site[0].name":                  {5, unstable.String},
		"site[0].greeting":              {6, unstable.Table},
		"site[0].greeting.en":           {6, unstable.String},
		`site[0].greeting."zh.tw"`:      {7, unstable.String},
		"site[1]":                       {9, unstable.Table},
		"site[1].name":                  {10, unstable.String},
		"site[1].allowed_origins":       {11, unstable.Array},
		"site[1].allowed_origins[0]":    {12, unstable.String},
		"site[1].allowed_origins[1]":    {14, unstable.String},
		"site[1].greeting":              {17, unstable.Table},
		"site[1].greeting.sv":           {18, unstable.String},
		"bot":                           {20, unstable.Table},
		"bot.languages":                 {21, unstable.Array},
		"bot.languages[0]":              {21, unstable.String},
		"bot.sensitive[0]":              {22, unstable.Table},
		"bot.languages[1]":              {21, unstable.Array},
		"bot.languages[1][0]":           {21, unstable.String},
		"bot.sensitive":                 {22, unstable.ArrayTable},
		"bot.sensitive[0].name":         {23, unstable.String},
		"bot.sensitive[1]":              {24, unstable.Table},
		"bot.sensitive[1].name":         {25, unstable.String},
		"bot.sensitive[1].inline":       {26, unstable.InlineTable},
		"bot.sensitive[1].inline.a":     {26, unstable.Integer},
		"bot.sensitive[1].inline.b":     {26, unstable.Table},
		"bot.sensitive[1].inline.b.c":   {26, unstable.InlineTable},
		"bot.sensitive[1].inline.b.c.d": {26, unstable.Integer},
	}
	for key, w := range want {
		e, ok := idx.entries[key]
		if !ok {
			t.Errorf("%s: not indexed", key)
			continue
		}
		if e.line != w.line || e.kind != w.kind {
			t.Errorf("%s: line %d, %s; want line %d, %s", key, e.line, e.kind, w.line, w.kind)
		}
	}
	if len(idx.entries) != len(want) {
		for key := range idx.entries {
			if _, ok := want[key]; !ok {
				t.Errorf("%s: indexed but not expected", key)
			}
		}
	}
	if got := idx.line(key("site").at(1).key("title")); got != 9 {
		t.Errorf("line of the absent site[1].title = %d, want 9 (its [[site]])", got)
	}
	if p := idx.keyAt[[2]int{26, 1}]; p.String() != "bot.sensitive[1].inline" {
		t.Errorf("key at 26:1 = %s", p)
	}
	if p := idx.keyAt[[2]int{24, 3}]; p.String() != "bot.sensitive" {
		t.Errorf("key at 24:3 = %s, want the array of tables without its index", p)
	}
}

func TestIndexSyntaxError(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		doc          string
		line, column int
	}{
		{"a = 1\nb = \n", 2, 5},
		{"a = 1\n[b", 2, 2},
		{"a = ", 1, 4},
	} {
		_, err := indexDocument([]byte(tt.doc))
		var serr *syntaxError
		if !errors.As(err, &serr) {
			t.Errorf("%q: err = %v, want a syntax error", tt.doc, err)
			continue
		}
		if serr.line != tt.line || serr.column != tt.column {
			t.Errorf("%q: at %d:%d (%s), want %d:%d", tt.doc, serr.line, serr.column, serr.msg, tt.line, tt.column)
		}
	}
}
