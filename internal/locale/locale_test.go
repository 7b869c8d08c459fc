package locale

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every language has every key of the reference, with the same verbs:
// Load refuses anything else, and the embedded files load.
func TestEveryLanguageHasEveryKey(t *testing.T) {
	if _, err := Load(files); err != nil {
		t.Fatal(err)
	}
	if got := Languages(); len(got) < 2 || got[0] != "en" {
		t.Fatalf("languages %v", got)
	}
	for _, l := range Languages() {
		for _, k := range Keys() {
			if l != Default && std[l][k] == std[Default][k] && !sameEverywhere[k] {
				t.Errorf("%s.json %q is the English text", l, k)
			}
		}
	}
}

// sameEverywhere are the texts a language may well share with English
// ("Bot", "Admin", a bare "{name}: {text}").
var sameEverywhere = map[string]bool{
	"console.role_agent": true, "console.slaIn": true, "console.bot": true, "console.system": true,
	"console.offline": true, "console.text": true, "console.status": true,
	"mail.staff.team": true, "widget.bot": true, "widget.agent": true, "widget.said": true,
}

//go:embed testdata/bad/*.json
var bad embed.FS

// A language that lacks a key, has one of its own, or fills in other
// verbs is refused with the file and the key named.
func TestLoadNamesWhatIsWrong(t *testing.T) {
	sub, err := fs.Sub(bad, "testdata/bad")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Load(sub)
	if err == nil {
		t.Fatal("a broken catalogue loaded")
	}
	for _, want := range []string{`xx.json lacks "a.missing"`, `xx.json has "a.extra"`, `xx.json "a.verbs" has verbs [%d]`, `xx.json "a.named" has verbs [{namn} {text}]`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	// {name} placeholders are filled by name: another order is fine.
	if strings.Contains(err.Error(), "a.reordered") {
		t.Errorf("error %q refuses placeholders in another order", err)
	}
}

// The console and the widget are served their keys without the prefix,
// for every language.
func TestPrefixed(t *testing.T) {
	p := Prefixed("widget.")
	if len(p) != len(Languages()) || p["sv"]["send"] != Text("sv", "widget.send") || p["en"]["desk.joined"] != "" {
		t.Fatalf("Prefixed(widget.) sv send %q, %d languages", p["sv"]["send"], len(p))
	}
}

func TestLangAndFallback(t *testing.T) {
	for in, want := range map[string]string{"sv-SE": "sv", "SV": "sv", "en_GB": "en", "de-DE": "", "": ""} {
		if got := Lang(in); got != want {
			t.Errorf("Lang(%q) = %q, want %q", in, got, want)
		}
	}
	if got, want := Text("de", "desk.joined", "Anna"), Text("en", "desk.joined", "Anna"); got != want {
		t.Errorf("a locale without a file reads %q, want English %q", got, want)
	}
}

// keyUse is a key as code names it: a quoted string of dotted words.
var keyUse = regexp.MustCompile(`["'` + "`" + `]([a-z_][a-z0-9_]*\.[a-z0-9_.]+)["'` + "`" + `]`)

// codeUse is any quoted string of code characters (reason codes, topics,
// prefixes such as "reason.").
var codeUse = regexp.MustCompile(`"([a-z_.:]+)"`)

// scripts are the JavaScript sources that name their catalogue keys
// without the prefix the server strips (t('send'), T.send).
var scripts = map[string]string{
	"console.": filepath.Join("console", "static"),
	"widget.":  filepath.Join("widget", "static"),
}

// dynamic are the key families made from codes.
var dynamic = map[string]bool{"reason": true, "topic": true}

// Every key is used somewhere in the Go or JavaScript sources, and every
// key the Go code asks locale.Text for exists.
func TestEveryKeyIsUsedAndExists(t *testing.T) {
	root := filepath.Join("..", "..")
	quoted, codes, prefixes := map[string]bool{}, map[string]bool{}, map[string]bool{}
	// inScript is, by prefix, the words its scripts quote or read as a
	// property ('send', "send", .send).
	inScript := map[string]map[string]bool{}
	// joined is, by prefix, the starts of keys its scripts join with a
	// code (t('role_' + role)).
	joined := map[string]map[string]bool{}
	scriptJoin := regexp.MustCompile(`\bt\('([A-Za-z_][A-Za-z0-9_]*)' \+`)
	scriptWord := regexp.MustCompile(`['"]([A-Za-z_][A-Za-z0-9_]*)['"]|\.([A-Za-z_][A-Za-z0-9_]*)`)
	asked := regexp.MustCompile(`locale\.Text\([^,]+, "([^"]+)"`)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || (!strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".js")) || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for prefix, dir := range scripts {
			if strings.HasSuffix(path, ".js") && filepath.Dir(path) == filepath.Join(root, dir) {
				if inScript[prefix] == nil {
					inScript[prefix] = map[string]bool{}
				}
				for _, m := range scriptWord.FindAllStringSubmatch(string(raw), -1) {
					inScript[prefix][m[1]+m[2]] = true
				}
				if joined[prefix] == nil {
					joined[prefix] = map[string]bool{}
				}
				for _, m := range scriptJoin.FindAllStringSubmatch(string(raw), -1) {
					joined[prefix][m[1]] = true
				}
			}
		}
		for _, m := range keyUse.FindAllStringSubmatch(string(raw), -1) {
			quoted[m[1]] = true
		}
		for _, m := range codeUse.FindAllStringSubmatch(string(raw), -1) {
			codes[m[1]] = true
			prefixes[m[1]] = true
		}
		for _, m := range asked.FindAllStringSubmatch(string(raw), -1) {
			if _, ok := std[Default][m[1]]; !ok {
				t.Errorf("%s asks for %q, which the catalogue lacks", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys() {
		if quoted[k] {
			continue
		}
		// Keys the code makes from a code it holds: "reason." and a
		// reason code, "topic." and a topic name. Such a key is used when
		// the code is in the sources (as a string) and the prefix is too.
		prefix, code, _ := strings.Cut(k, ".")
		if _, ok := scripts[prefix+"."]; ok && (inScript[prefix+"."][code] || joinedUse(joined[prefix+"."], code, codes)) {
			continue
		}
		if dynamic[prefix] && prefixes[prefix+"."] && codes[strings.TrimSuffix(code, ":")] {
			continue
		}
		t.Errorf("key %q is used nowhere", k)
	}
}

// Every language's word lists name the reference's lists, and the rules'
// sets join them.
func TestWordLists(t *testing.T) {
	sub, err := fs.Sub(wordFiles, "words")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadWords(sub); err != nil {
		t.Fatal(err)
	}
	subjects := Words("whether.subjects")
	if !subjects["i"] || !subjects["jag"] {
		t.Fatalf("whether.subjects = %v, want English and Swedish", subjects)
	}
}

// joinedUse reports whether a script key is made by joining one of starts
// with a code the sources hold as a string, or with a digit (t('priority' + p)).
func joinedUse(starts map[string]bool, key string, codes map[string]bool) bool {
	for start := range starts {
		rest, ok := strings.CutPrefix(key, start)
		if ok && rest != "" && (codes[rest] || strings.Trim(rest, "0123456789") == "") {
			return true
		}
	}
	return false
}
