package ingest

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"
)

// jsonArticle is the JSON shape of an article: the encoding of
// knowledge.Article, so that what andon exports it imports again. Unknown
// fields are errors. The Swedish FAQ set's validation_kb.jsonl
// ({"id","title","body","url","lang","tags"}) is already in this shape; its
// validation_answers.jsonl ({"id","text","group",...}) is not, and is
// refused with an error per unknown field.
type jsonArticle struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Body      string   `json:"body"`
	Questions []string `json:"questions"`
	URL       string   `json:"url"`
	Lang      string   `json:"lang"`
	Tags      []string `json:"tags"`
	Status    string   `json:"status"`
	// Hash is accepted for exports and ignored: it is recomputed.
	Hash      string    `json:"hash"`
	UpdatedAt time.Time `json:"updated_at"`
}

// jsonExample is one labelled example. Other fields are ignored, because
// labelled data sets carry metadata (the Swedish FAQ's group, link and
// candidate_labels).
type jsonExample struct {
	Text  string `json:"text"`
	Label string `json:"label"`
}

// jsonRecord is one object and the line it starts on.
type jsonRecord struct {
	raw  string
	line int
}

// jsonlRecords splits JSON Lines into records, skipping blank lines.
func jsonlRecords(text string) []jsonRecord {
	var recs []jsonRecord
	for i, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) != "" {
			recs = append(recs, jsonRecord{raw: l, line: i + 1})
		}
	}
	return recs
}

// jsonArrayRecords splits a JSON array of objects into records, each with
// the line its element starts on.
func jsonArrayRecords(name, text string, errs *Errors) ([]jsonRecord, bool) {
	dec := json.NewDecoder(strings.NewReader(text))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('[') {
		errs.addf(name, 1, "", "a .json file must hold an array of objects (use .jsonl for one object per line)")
		return nil, false
	}
	var recs []jsonRecord
	// Lines are counted on from the previous element: counting from the
	// top for each one made a large array quadratic.
	line, counted := 1, 0
	lineOf := func(off int) int {
		line += strings.Count(text[counted:off], "\n")
		counted = off
		return line
	}
	for dec.More() {
		start := int(dec.InputOffset())
		start += len(text[start:]) - len(strings.TrimLeft(text[start:], " \t\n\r,"))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			addJSONError(name, lineOf(start), err, errs)
			return nil, false
		}
		recs = append(recs, jsonRecord{raw: string(raw), line: lineOf(start)})
	}
	if _, err := dec.Token(); err != nil {
		errs.addf(name, lineAt(text, int(dec.InputOffset())), "", "invalid JSON: %v", err)
		return nil, false
	}
	if rest := strings.TrimSpace(text[dec.InputOffset():]); rest != "" {
		errs.addf(name, lineAt(text, int(dec.InputOffset())), "", "unexpected data after the array")
		return nil, false
	}
	return recs, true
}

// isExamplesRecord tells the labelled-examples shape ({"text","label"}) from
// the article shape by the first record's keys.
func isExamplesRecord(raw string) bool {
	var keys map[string]json.RawMessage
	if json.Unmarshal([]byte(raw), &keys) != nil {
		return false
	}
	_, text := keys["text"]
	_, label := keys["label"]
	_, body := keys["body"]
	return text && label && !body
}

// decodeStrict decodes exactly one JSON value from raw into v.
func decodeStrict(raw string, v any, disallowUnknown bool) error {
	dec := json.NewDecoder(strings.NewReader(raw))
	if disallowUnknown {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the object (one object per line)")
	}
	return nil
}

// addJSONError maps encoding/json's errors to a field and message.
func addJSONError(name string, line int, err error, errs *Errors) {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	msg := err.Error()
	switch {
	case errors.As(err, &syntax):
		errs.addf(name, line, "", "invalid JSON at byte %d of the line: %v", syntax.Offset, syntax)
	case errors.As(err, &typ) && typ.Field == "":
		errs.addf(name, line, "", "must be a JSON object, not %s", typ.Value)
	case errors.As(err, &typ):
		errs.addf(name, line, typ.Field, "must be %s, not %s", jsonTypeName(typ.Type.Kind().String()), typ.Value)
	case strings.HasPrefix(msg, `json: unknown field "`):
		field := strings.TrimSuffix(strings.TrimPrefix(msg, `json: unknown field "`), `"`)
		errs.addf(name, line, field, "unknown field (known: id, title, body, questions, url, lang, tags, status)")
	case errors.Is(err, io.ErrUnexpectedEOF):
		errs.addf(name, line, "", "invalid JSON: the object is not complete")
	default:
		errs.addf(name, line, "", "invalid JSON: %s", strings.TrimPrefix(msg, "json: "))
	}
}

func jsonTypeName(kind string) string {
	switch kind {
	case "slice":
		return "an array of strings"
	case "struct":
		return "a timestamp or object"
	}
	return "a " + kind
}

// parseJSONL reads JSON Lines of articles or of labelled examples.
func parseJSONL(name, text string, errs *Errors) []located {
	return parseJSONRecords(name, jsonlRecords(text), errs)
}

// parseJSONArray reads a JSON array of articles or of labelled examples.
func parseJSONArray(name, text string, errs *Errors) []located {
	recs, ok := jsonArrayRecords(name, text, errs)
	if !ok {
		return nil
	}
	if len(recs) == 0 {
		errs.addf(name, 1, "", "the array is empty")
		return nil
	}
	return parseJSONRecords(name, recs, errs)
}

func parseJSONRecords(name string, recs []jsonRecord, errs *Errors) []located {
	if isExamplesRecord(recs[0].raw) {
		examples, ok := jsonExamples(name, recs, errs)
		if !ok {
			return nil
		}
		return groupExamples(name, examples, errs)
	}
	var all []located
	for _, rec := range recs {
		var j jsonArticle
		if err := decodeStrict(rec.raw, &j, true); err != nil {
			addJSONError(name, rec.line, err, errs)
		} else {
			d := draft{
				file: name, line: rec.line,
				id: j.ID, title: j.Title, body: trimBody(j.Body), lang: j.Lang, url: j.URL, status: j.Status,
				tags: j.Tags, questions: j.Questions, updatedAt: j.UpdatedAt,
			}
			if strings.TrimSpace(d.title) == "" {
				if qs := cleanList(j.Questions); len(qs) > 0 {
					d.title = qs[0]
				}
			}
			if l, ok := d.finish(errs); ok {
				all = append(all, l)
			}
		}
		if errs.full() {
			break
		}
	}
	return all
}

// jsonExamples reads labelled examples from JSON records.
func jsonExamples(name string, recs []jsonRecord, errs *Errors) ([]Example, bool) {
	// A file of another shape would get the same two complaints on every
	// line; say it once.
	var keys map[string]json.RawMessage
	if json.Unmarshal([]byte(recs[0].raw), &keys) == nil {
		_, text := keys["text"]
		_, label := keys["label"]
		if !text || !label {
			errs.addf(name, recs[0].line, "", `not labelled examples: each line needs "text" and "label"`)
			return nil, false
		}
	}
	ok := true
	out := make([]Example, 0, len(recs))
	for _, rec := range recs {
		var j jsonExample
		if err := decodeStrict(rec.raw, &j, false); err != nil {
			addJSONError(name, rec.line, err, errs)
			ok = false
		} else {
			e := Example{Text: strings.TrimSpace(j.Text), Label: strings.TrimSpace(j.Label), Line: rec.line}
			if e.Text == "" {
				errs.addf(name, rec.line, "text", "is missing or empty")
				ok = false
			}
			if e.Label == "" {
				errs.addf(name, rec.line, "label", "is missing or empty")
				ok = false
			}
			out = append(out, e)
		}
		if errs.full() {
			return nil, false
		}
	}
	return out, ok
}
