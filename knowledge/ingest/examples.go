package ingest

import (
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// OOS is the label of a question the knowledge base should not answer
// (out of scope). Such rows calibrate the bot's thresholds; they never
// become an article.
const OOS = "oos"

// Example is one labelled question: Text is what a visitor asked, Label the
// id of the article that answers it, or OOS. Line is where it is in its file,
// so an evaluation report can point at it.
type Example struct {
	Text, Label string
	Line        int
}

// ReadExamples reads labelled questions for `andon eval --questions`: CSV with
// a header that has text and label columns, or JSON Lines (or a .json array)
// of objects with "text" and "label". Other columns and keys are ignored.
// Rows labelled OOS are returned like any other. On any problem it returns no
// examples and an *Errors.
func ReadExamples(file string) ([]Example, error) {
	var errs Errors
	data, err := os.ReadFile(file)
	if err != nil {
		errs.add(&Error{File: file, Msg: "couldn't read", Err: err})
		return nil, &errs
	}
	text, ok := decodeText(file, data, &errs)
	if !ok {
		return nil, &errs
	}
	var examples []Example
	switch detectFormat(file, text) {
	case formatCSV:
		t, ok := readCSV(file, text, &errs)
		if !ok {
			break
		}
		if t.col("text") < 0 || t.col("label") < 0 {
			for _, need := range []string{"text", "label"} {
				if t.col(need) < 0 {
					errs.addf(file, t.headerLine, need, "required column is missing from the header")
				}
			}
			break
		}
		examples, _ = csvExamples(file, t, &errs)
	case formatJSONL:
		examples, _ = jsonExamples(file, jsonlRecords(text), &errs)
	case formatJSON:
		recs, ok := jsonArrayRecords(file, text, &errs)
		if ok && len(recs) == 0 {
			errs.addf(file, 1, "", "the array is empty")
		}
		if ok {
			examples, _ = jsonExamples(file, recs, &errs)
		}
	default:
		errs.addf(file, 0, "", "unknown format for labelled examples: use .csv (text,label) or .jsonl")
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return examples, nil
}

// groupExamples turns labelled examples into one article per label, in the
// order labels first appear: the label is the id, its texts (de-duplicated,
// in file order) the example questions. OOS rows are skipped.
func groupExamples(name string, examples []Example, errs *Errors) []located {
	var order []string
	groups := make(map[string]*draft)
	for _, e := range examples {
		if e.Label == OOS {
			continue
		}
		d, ok := groups[e.Label]
		if !ok {
			title := readableLabel(e.Label)
			d = &draft{file: name, line: e.Line, id: e.Label, title: title, body: title + "."}
			groups[e.Label] = d
			order = append(order, e.Label)
		}
		d.questions = append(d.questions, e.Text)
	}
	if len(order) == 0 {
		noArticles(name, "every row is labelled "+OOS, errs)
		return nil
	}
	all := make([]located, 0, len(order))
	for _, label := range order {
		d := groups[label]
		d.lang = detectLang(d.questions)
		if l, ok := d.finish(errs); ok {
			all = append(all, l)
		}
	}
	return all
}

// readableLabel makes an intent name presentable as a title:
// "card_arrival" -> "Card arrival".
func readableLabel(label string) string {
	words := strings.FieldsFunc(label, func(r rune) bool { return r == '_' || r == '-' || unicode.IsSpace(r) })
	s := strings.Join(words, " ")
	if s == "" {
		return label
	}
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// Function words frequent in short questions, one list per language the bot
// answers in. Words shared by both languages ("i", "en") are left out.
var (
	svWords = wordSet("och att det är jag inte hur vad kan min mitt mina för med på som har ett till av om vill mig du ni vi får när var varför finns ska måste eller jobbar gäller")
	enWords = wordSet("the is to my and of can how what do you it in for on have with me are does why when where will should there this that your an be")
)

func wordSet(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// detectLang guesses "sv" or "en" from a label's example questions by
// counting function words, and the letters å, ä, ö; it returns "" when the
// evidence is thin or mixed, since a wrong language is worse than none.
func detectLang(texts []string) string {
	sv, en := 0, 0
	for _, t := range texts {
		for _, w := range strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return !unicode.IsLetter(r) }) {
			switch {
			case svWords[w]:
				sv++
			case enWords[w]:
				en++
			}
			if strings.ContainsAny(w, "åäö") {
				sv++
			}
		}
	}
	switch {
	case sv >= 2 && sv > 3*en:
		return "sv"
	case en >= 2 && en > 3*sv:
		return "en"
	}
	return ""
}
