// Package locale is the one catalogue of the words andon shows people: one
// embedded JSON file per language (en.json, sv.json), a flat map from a
// key ("desk.joined") to its text, with fmt verbs (%s, %d) for what is
// filled in. English is the reference: every other file has exactly its
// keys with the same verbs in the same order, which Load checks, so adding
// a language is adding one file. The console loads the same files as JSON.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
)

// Default is the reference language and the one used for a locale the
// catalogue has no file for.
const Default = "en"

//go:embed *.json
var files embed.FS

// Catalogue is every language's texts by key.
type Catalogue map[string]map[string]string

var std = mustLoad()

func mustLoad() Catalogue {
	c, err := Load(files)
	if err != nil {
		panic(err)
	}
	return c
}

// verbs are the fmt verbs of a text, in order ("%%" is not one).
var verbs = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// placeholders are the named {name} slots of a text the console or the
// widget fills in (their JavaScript fills by name, so a language may
// order them as it likes).
var placeholders = regexp.MustCompile(`\{[A-Za-z0-9_]+\}`)

// verbsOf is a text's fmt verbs in order, then its {name} placeholders
// sorted.
func verbsOf(text string) []string {
	var out []string
	for _, v := range verbs.FindAllString(text, -1) {
		if v != "%%" {
			out = append(out, v)
		}
	}
	named := placeholders.FindAllString(text, -1)
	slices.Sort(named)
	return append(out, named...)
}

// Load reads every *.json of fsys as one language (its name) and checks
// them against Default: a key missing from a language, a key that only a
// language has, or a text whose verbs differ from the reference is an
// error naming the file and the key.
func Load(fsys fs.FS) (Catalogue, error) {
	c, err := readLanguages[map[string]string](fsys, "locale")
	if err != nil {
		return nil, err
	}
	return c, Catalogue(c).check()
}

// readLanguages reads every *.json of fsys as one language's T, by the
// file's name ("sv.json" is "sv").
func readLanguages[T any](fsys fs.FS, what string) (map[string]T, error) {
	names, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	out := map[string]T{}
	for _, n := range names {
		if path.Ext(n.Name()) != ".json" {
			continue
		}
		raw, err := fs.ReadFile(fsys, n.Name())
		if err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("%s %s: %w", what, n.Name(), err)
		}
		out[strings.TrimSuffix(n.Name(), ".json")] = v
	}
	return out, nil
}

func (c Catalogue) check() error {
	ref, ok := c[Default]
	if !ok {
		return fmt.Errorf("locale: no %s.json, the reference language", Default)
	}
	var problems []string
	for lang, texts := range c {
		for key, text := range ref {
			t, ok := texts[key]
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("%s.json lacks %q", lang, key))
			case !slices.Equal(verbsOf(t), verbsOf(text)):
				problems = append(problems, fmt.Sprintf("%s.json %q has verbs %v, %s.json %v", lang, key, verbsOf(t), Default, verbsOf(text)))
			}
		}
		for key := range texts {
			if _, ok := ref[key]; !ok {
				problems = append(problems, fmt.Sprintf("%s.json has %q, which %s.json has not", lang, key, Default))
			}
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return fmt.Errorf("locale: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Lang is the catalogue's language of a locale or language tag ("sv-SE",
// "SV", "en_GB" → "sv", "en"), or "" when the catalogue has none for it.
func Lang(locale string) string {
	l := strings.ToLower(strings.TrimSpace(locale))
	if i := strings.IndexAny(l, "-_"); i >= 0 {
		l = l[:i]
	}
	if _, ok := std[l]; ok {
		return l
	}
	return ""
}

// Text is key's text in the language of locale (Default when the
// catalogue has none), filled with args. An unknown key panics: the
// catalogue test finds every key the code uses.
func Text(locale, key string, args ...any) string {
	l := Lang(locale)
	if l == "" {
		l = Default
	}
	t, ok := std[l][key]
	if !ok {
		panic(fmt.Sprintf("locale: unknown key %q", key))
	}
	if len(args) > 0 {
		return fmt.Sprintf(t, args...)
	}
	return t
}

// Languages are the catalogue's languages, sorted.
func Languages() []string {
	out := make([]string, 0, len(std))
	for l := range std {
		out = append(out, l)
	}
	slices.Sort(out)
	return out
}

// Keys are the reference language's keys, sorted.
func Keys() []string {
	out := make([]string, 0, len(std[Default]))
	for k := range std[Default] {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Known reports whether the catalogue has key.
func Known(key string) bool {
	_, ok := std[Default][key]
	return ok
}

// Prefixed is every language's texts whose key starts with prefix, by the
// rest of the key: the tables the console ("console.") and the widget
// ("widget.") are served, so their scripts name "send", not "widget.send".
func Prefixed(prefix string) map[string]map[string]string {
	out := make(map[string]map[string]string, len(std))
	for lang, texts := range std {
		m := map[string]string{}
		for k, t := range texts {
			if rest, ok := strings.CutPrefix(k, prefix); ok {
				m[rest] = t
			}
		}
		out[lang] = m
	}
	return out
}

// PrefixedJSON is Prefixed as JSON, which is also a JavaScript expression.
func PrefixedJSON(prefix string) []byte {
	raw, err := json.Marshal(Prefixed(prefix))
	if err != nil {
		panic(err) // maps of strings always marshal
	}
	return raw
}
