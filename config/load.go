package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Load reads the TOML file at path over the defaults, applies the
// environment overrides (ANDON_ADDR, ANDON_DATA_DIR, ANDON_LOG_LEVEL,
// ANDON_SECRET, ANDON_SECRET_FILE, ANDON_STORE_DSN, ANDON_STORE_DSN_FILE,
// ANDON_SMTP_PASSWORD, ANDON_SMTP_PASSWORD_FILE and, per site,
// ANDON_SITE_<NAME>_IDENTITY_SECRET and ..._FILE) and
// validates the result. An empty path means no file: defaults and
// environment only.
//
// Problems with the configuration come back as Errors, each naming the file,
// line and key. Unknown keys and impossible values are all reported at once;
// a syntax error, or values of the wrong type (also reported all at once),
// stop before the values are checked. A file that cannot be read is a plain
// wrapped error, so errors.Is(err, fs.ErrNotExist) works.
func Load(path string) (Config, error) {
	return load(path, os.LookupEnv)
}

// load is Load with the environment passed in, so that tests need not touch
// the process environment.
func load(file string, lookupEnv func(string) (string, bool)) (Config, error) {
	cfg := Defaults()
	loc := &locator{file: file, env: map[string]string{}}
	var errs Errors
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return Config{}, fmt.Errorf("couldn't read config: %w", err)
		}
		var fatal bool
		cfg, loc.idx, errs, fatal = decode(file, data)
		if fatal {
			return Config{}, errs
		}
	}
	errs = append(errs, applyEnv(&cfg, lookupEnv, loc)...)
	errs = append(errs, validate(cfg, loc)...)
	if len(errs) > 0 {
		errs.sortByLine()
		return Config{}, errs
	}
	return cfg, nil
}

// decode decodes data strictly over the defaults. It reports fatal when the
// result cannot be validated: syntax errors, wrong types, other decoder
// errors. Unknown keys are not fatal: everything else was decoded, so
// validation can report its problems together with them.
func decode(file string, data []byte) (cfg Config, idx *docIndex, errs Errors, fatal bool) {
	idx, err := indexDocument(data)
	if err != nil {
		var serr *syntaxError
		if errors.As(err, &serr) {
			return Config{}, nil, Errors{{File: file, Line: serr.line, Column: serr.column, Msg: "syntax error: " + serr.msg}}, true
		}
		return Config{}, nil, Errors{{File: file, Msg: err.Error()}}, true
	}
	root := configSchema()
	if errs := checkTypes(root, idx, file); len(errs) > 0 {
		return Config{}, idx, errs, true
	}

	cfg = Defaults()
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err = dec.Decode(&cfg)
	var missing *toml.StrictMissingError
	var derr *toml.DecodeError
	switch {
	case errors.As(err, &missing):
		errs = unknownKeys(root, idx, file, missing)
	case errors.As(err, &derr):
		return Config{}, idx, Errors{decodeError(idx, file, derr)}, true
	case err != nil:
		return Config{}, idx, Errors{{File: file, Msg: err.Error()}}, true
	}
	completeSites(&cfg, idx)
	return cfg, idx, errs, false
}

// completeSites gives every [[site]] of the file the defaults of the keys it
// leaves out (go-toml starts each element of an array of tables from zero),
// and adds the DefaultSite when the file defines none.
func completeSites(cfg *Config, idx *docIndex) {
	if idx.has("site") {
		for i := range cfg.Sites {
			s := &cfg.Sites[i]
			d := defaultSite(s.Name)
			p := path{}.key("site").at(i)
			if !idx.has(p.key("allowed_origins").String()) {
				s.AllowedOrigins = d.AllowedOrigins
			}
			if !idx.has(p.key("title").String()) {
				s.Title = d.Title
			}
			if !idx.has(p.key("color").String()) {
				s.Color = d.Color
			}
			if !idx.has(p.key("position").String()) {
				s.Position = d.Position
			}
			if !idx.has(p.key("greeting").String()) {
				s.Greeting = d.Greeting
			}
		}
	}
	if _, ok := cfg.Site(DefaultSite); !ok {
		cfg.Sites = append(cfg.Sites, defaultSite(DefaultSite))
	}
}

// unknownKeys turns go-toml's strict-mode report into one error per unknown
// key. go-toml names keys without array indexes and only relative to inline
// tables, so the full path comes from the index, by position; the key
// reported is the first part of it the configuration does not have.
func unknownKeys(root *schema, idx *docIndex, file string, missing *toml.StrictMissingError) Errors {
	var errs Errors
	seen := map[string]bool{}
	for i := range missing.Errors {
		de := &missing.Errors[i]
		line, col := de.Position()
		p, ok := idx.keyAt[[2]int{line, col}]
		if !ok {
			for _, k := range de.Key() {
				p = p.key(k)
			}
		}
		_, known := root.lookup(p)
		if known < len(p) {
			p = p[:known+1]
		}
		key := p.String()
		if seen[key] {
			continue
		}
		seen[key] = true
		errs = append(errs, &Error{File: file, Line: line, Key: key, Msg: suggest(root, p), unknown: true})
	}
	return errs
}

// suggest offers the closest key of the same table, for typos like
// "adres" or "address" for addr.
func suggest(root *schema, p path) string {
	if len(p) == 0 || p[len(p)-1].index >= 0 {
		return ""
	}
	parent, _ := root.lookup(p[:len(p)-1])
	if parent == nil || parent.shape != shapeTable {
		return ""
	}
	name := strings.ToLower(p[len(p)-1].name)
	best, bestDist := "", 3
	for _, f := range parent.names {
		d := editDistance(name, f)
		if min(len(name), len(f)) >= 3 && (strings.HasPrefix(name, f) || strings.HasPrefix(f, name)) {
			d = min(d, 1) // address for addr, log for log_level
		}
		if d < bestDist {
			best, bestDist = f, d
		}
	}
	if best == "" {
		return ""
	}
	return "(did you mean " + p[:len(p)-1].key(best).String() + "?)"
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// decodeError converts a go-toml decoding error (a key defined twice, a
// table redefined, a number out of range) into an Error at its position.
func decodeError(idx *docIndex, file string, de *toml.DecodeError) *Error {
	line, col := de.Position()
	e := &Error{File: file, Line: line, Msg: strings.TrimPrefix(de.Error(), "toml: ")}
	if p, ok := idx.keyAt[[2]int{line, col}]; ok {
		e.Key = p.String()
	} else if k := de.Key(); len(k) > 0 {
		e.Key = strings.Join(k, ".")
	} else {
		e.Column = col
	}
	return e
}
