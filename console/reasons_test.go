package console

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/andon-chat/andon/handoff"
)

// The console says reason codes in the agent's language from its own table
// in static/strings.js, because item frames carry one (English) reason_text
// for every agent. These tests keep that table and handoff.ReasonText from
// drifting apart: every code ReasonText knows (read from handoff's source)
// must be in strings.js for both languages, with the same words, and the
// table must know no code ReasonText does not.

// jsReasons is strings.js's reason table: language → words and topics.
type jsReasons map[string]struct {
	Words  map[string]string `json:"words"`
	Topics map[string]string `json:"topics"`
}

func readJSReasons(t *testing.T) jsReasons {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("static", "strings.js"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(src), "// reasons:begin\n")
	body, _, ok2 := strings.Cut(rest, "// reasons:end")
	if !ok || !ok2 {
		t.Fatal("strings.js lacks the // reasons:begin ... // reasons:end block")
	}
	body = strings.TrimSpace(body)
	body = strings.TrimPrefix(body, "const reasonTables = ")
	body = strings.TrimSuffix(body, ";")
	var out jsReasons
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("the reason table in strings.js is not JSON: %v", err)
	}
	return out
}

// goConsts are the string constants of the packages parsed so far, by
// package name then constant name, kept as expressions until asked for.
type goConsts struct {
	exprs map[string]map[string]ast.Expr
}

func (c *goConsts) parseDir(t *testing.T, dir string) map[string]*ast.File {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*ast.File{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = f
		pkg := f.Name.Name
		if c.exprs[pkg] == nil {
			c.exprs[pkg] = map[string]ast.Expr{}
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						c.exprs[pkg][n.Name] = vs.Values[i]
					}
				}
			}
		}
	}
	return files
}

// eval works out a constant string expression of package pkg: literals,
// constants of pkg or of another parsed package (bot.TopicBilling), and +.
func (c *goConsts) eval(pkg string, e ast.Expr) (string, error) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind == token.STRING {
			return strconv.Unquote(x.Value)
		}
	case *ast.Ident:
		if v, ok := c.exprs[pkg][x.Name]; ok {
			return c.eval(pkg, v)
		}
	case *ast.SelectorExpr:
		if p, ok := x.X.(*ast.Ident); ok {
			if v, ok := c.exprs[p.Name][x.Sel.Name]; ok {
				return c.eval(p.Name, v)
			}
		}
	case *ast.BinaryExpr:
		if x.Op == token.ADD {
			a, err := c.eval(pkg, x.X)
			if err != nil {
				return "", err
			}
			b, err := c.eval(pkg, x.Y)
			return a + b, err
		}
	case *ast.ParenExpr:
		return c.eval(pkg, x.X)
	}
	return "", fmt.Errorf("can't evaluate %T as a string constant", e)
}

// goReasonTable reads the map literal of var name in handoff (language →
// key → words) and returns its keys by language.
func (c *goConsts) goReasonTable(t *testing.T, files map[string]*ast.File, name string) map[string][]string {
	t.Helper()
	for _, f := range files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if n.Name != name || i >= len(vs.Values) {
						continue
					}
					outer, ok := vs.Values[i].(*ast.CompositeLit)
					if !ok {
						t.Fatalf("handoff.%s is not a map literal any more: update console/reasons_test.go", name)
					}
					out := map[string][]string{}
					for _, el := range outer.Elts {
						kv := el.(*ast.KeyValueExpr)
						lang, err := c.eval("handoff", kv.Key)
						if err != nil {
							t.Fatalf("handoff.%s: %v", name, err)
						}
						inner, ok := kv.Value.(*ast.CompositeLit)
						if !ok {
							t.Fatalf("handoff.%s[%q] is not a map literal", name, lang)
						}
						for _, iel := range inner.Elts {
							code, err := c.eval("handoff", iel.(*ast.KeyValueExpr).Key)
							if err != nil {
								t.Fatalf("handoff.%s[%q]: %v", name, lang, err)
							}
							out[lang] = append(out[lang], code)
						}
					}
					return out
				}
			}
		}
	}
	t.Fatalf("handoff has no var %s any more: update console/reasons_test.go to where the reason codes are now", name)
	return nil
}

func TestReasonTableMatchesHandoff(t *testing.T) {
	t.Parallel()
	c := &goConsts{exprs: map[string]map[string]ast.Expr{}}
	c.parseDir(t, filepath.Join("..", "bot"))
	files := c.parseDir(t, filepath.Join("..", "handoff"))
	words := c.goReasonTable(t, files, "reasonWords")
	topics := c.goReasonTable(t, files, "topicWords")
	js := readJSReasons(t)

	for _, lang := range []string{"en", "sv"} {
		tb, ok := js[lang]
		if !ok {
			t.Errorf("strings.js has no reasons for %q", lang)
			continue
		}
		for _, pair := range []struct {
			what   string
			goKeys []string
			jsMap  map[string]string
		}{{"words", words[lang], tb.Words}, {"topics", topics[lang], tb.Topics}} {
			if len(pair.goKeys) == 0 {
				t.Errorf("handoff knows no reason %s in %q: the source reader is broken", pair.what, lang)
			}
			for _, k := range pair.goKeys {
				if _, ok := pair.jsMap[k]; !ok {
					t.Errorf("strings.js reasons.%s.%s lacks %q, which handoff.ReasonText knows", lang, pair.what, k)
				}
			}
			for _, k := range slices.Sorted(maps.Keys(pair.jsMap)) {
				if !slices.Contains(pair.goKeys, k) {
					t.Errorf("strings.js reasons.%s.%s has %q, which handoff.ReasonText does not know", lang, pair.what, k)
				}
			}
		}

		// The same words as ReasonText, for every code and every family
		// with every known topic and with an unknown detail.
		for code, text := range tb.Words {
			if strings.HasSuffix(code, ":") {
				for topic, tw := range tb.Topics {
					full := code + topic
					if _, exact := tb.Words[full]; exact {
						continue
					}
					want := handoff.ReasonText(full, lang)
					if got := strings.Replace(text, "%s", tw, 1); got != want {
						t.Errorf("%s: strings.js says %q, handoff.ReasonText %q", full+" ("+lang+")", got, want)
					}
				}
				full := code + "made_up_detail"
				if got, want := strings.Replace(text, "%s", "made up detail", 1), handoff.ReasonText(full, lang); got != want {
					t.Errorf("%s: strings.js says %q, handoff.ReasonText %q", full+" ("+lang+")", got, want)
				}
				continue
			}
			if want := handoff.ReasonText(code, lang); text != want {
				t.Errorf("%s (%s): strings.js says %q, handoff.ReasonText %q", code, lang, text, want)
			}
		}
	}
}
