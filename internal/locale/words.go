package locale

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

//go:embed words/*.json
var wordFiles embed.FS

// WordLists are the bot's rules' word lists by language and name
// ("whether.subjects"), folded as the rules fold text (lower case, å ä ö
// as a a o). A rule asks for a list with Words, which joins every
// language's: adding a language's words is adding its file.
type WordLists map[string]map[string][]string

var stdWords = mustLoadWords()

func mustLoadWords() WordLists {
	sub, err := fs.Sub(wordFiles, "words")
	if err != nil {
		panic(err)
	}
	w, err := LoadWords(sub)
	if err != nil {
		panic(err)
	}
	return w
}

// LoadWords reads every *.json of fsys as one language's word lists and
// checks that every language names the lists the reference does (a list
// may be empty: a construction the language does not have), no more.
func LoadWords(fsys fs.FS) (WordLists, error) {
	w, err := readLanguages[map[string][]string](fsys, "word lists")
	if err != nil {
		return nil, err
	}
	ref, ok := w[Default]
	if !ok {
		return nil, fmt.Errorf("word lists: no %s.json, the reference language", Default)
	}
	var problems []string
	for lang, lists := range w {
		for name := range ref {
			if _, ok := lists[name]; !ok {
				problems = append(problems, fmt.Sprintf("words/%s.json lacks %q", lang, name))
			}
		}
		for name := range lists {
			if _, ok := ref[name]; !ok {
				problems = append(problems, fmt.Sprintf("words/%s.json has %q, which words/%s.json has not", lang, name, Default))
			}
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return nil, fmt.Errorf("locale: %s", strings.Join(problems, "; "))
	}
	return w, nil
}

// Words is the set of list name's words in every language. An unknown
// name panics: it is a typo in a rule, which its tests find.
func Words(name string) map[string]bool {
	if _, ok := stdWords[Default][name]; !ok {
		panic(fmt.Sprintf("locale: unknown word list %q", name))
	}
	set := map[string]bool{}
	for _, lists := range stdWords {
		for _, w := range lists[name] {
			set[w] = true
		}
	}
	return set
}
