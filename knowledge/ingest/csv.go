package ingest

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
)

// csvTable is a CSV file read whole: its header and rows, each cell with the
// line it starts on (a quoted cell can span lines).
type csvTable struct {
	header     []string // lower-cased, trimmed column names
	headerLine int
	rows       []csvRow
}

type csvRow struct {
	cells []string
	lines []int
}

// col returns the index of a column or -1.
func (t *csvTable) col(name string) int {
	for i, h := range t.header {
		if h == name {
			return i
		}
	}
	return -1
}

// readCSV parses RFC 4180 CSV with a header line. Rows with a different
// number of cells than the header are reported and left out, so the caller
// can still check the others; a quoting error stops the file, since what
// follows it cannot be trusted. ok is false only when there is nothing to
// check.
func readCSV(name, text string, errs *Errors) (*csvTable, bool) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sniffDelimiter(text)
	r.FieldsPerRecord = -1
	t := &csvTable{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				errs.addf(name, pe.Line, "", "invalid CSV: %v", pe.Err)
			} else {
				errs.addf(name, 0, "", "invalid CSV: %v", err)
			}
			return nil, false
		}
		lines := make([]int, len(rec))
		for i := range rec {
			lines[i], _ = r.FieldPos(i)
		}
		if t.header == nil {
			t.headerLine = lines[0]
			for _, h := range rec {
				t.header = append(t.header, strings.ToLower(strings.TrimSpace(h)))
			}
			seen := map[string]bool{}
			for i, h := range t.header {
				switch {
				case h == "":
					errs.addf(name, t.headerLine, "", "column %d of the header has no name", i+1)
				case seen[h]:
					errs.addf(name, t.headerLine, h, "column appears twice in the header")
				}
				seen[h] = true
			}
			continue
		}
		if len(rec) != len(t.header) {
			// Reported, and the other rows still checked: the caller
			// fails the file anyway, and the editor sees every problem.
			errs.addf(name, lines[0], "", "row has %d cells but the header has %d columns", len(rec), len(t.header))
			if errs.full() {
				return nil, false
			}
			continue
		}
		t.rows = append(t.rows, csvRow{cells: rec, lines: lines})
	}
	if t.header == nil {
		errs.addf(name, 0, "", "file is empty")
		return nil, false
	}
	if len(t.rows) == 0 {
		errs.addf(name, t.headerLine, "", "no rows after the header")
		return nil, false
	}
	return t, true
}

// isExamplesHeader tells the labelled-examples shape (text,label) from the
// article shape (question,answer).
func (t *csvTable) isExamples() bool {
	return t.col("text") >= 0 && t.col("label") >= 0 && t.col("question") < 0
}

// articleColumns are the columns of the CSV article shape.
var articleColumns = []string{"question", "answer", "title", "url", "lang", "tags", "id", "status"}

// parseCSV reads question,answer CSV (one article per row) or text,label CSV
// (grouped by label).
func parseCSV(name, text string, errs *Errors) []located {
	t, ok := readCSV(name, text, errs)
	if !ok {
		return nil
	}
	if t.isExamples() {
		examples, ok := csvExamples(name, t, errs)
		if !ok {
			return nil
		}
		return groupExamples(name, examples, errs)
	}
	ok = true
	for _, h := range t.header {
		known := false
		for _, c := range articleColumns {
			known = known || h == c
		}
		if !known && h != "" {
			errs.addf(name, t.headerLine, h, "unknown column (known: %s; or text,label for labelled examples)", strings.Join(articleColumns, ", "))
			ok = false
		}
	}
	for _, need := range []string{"question", "answer"} {
		if t.col(need) < 0 {
			errs.addf(name, t.headerLine, need, "required column is missing from the header")
			ok = false
		}
	}
	if !ok {
		return nil
	}
	var all []located
	for _, row := range t.rows {
		if errs.full() {
			break
		}
		cell := func(col string) string {
			if i := t.col(col); i >= 0 {
				return strings.TrimSpace(row.cells[i])
			}
			return ""
		}
		d := draft{
			file:   name,
			line:   row.lines[0],
			id:     cell("id"),
			title:  cell("title"),
			body:   trimBody(row.cells[t.col("answer")]),
			lang:   cell("lang"),
			url:    cell("url"),
			status: cell("status"),
			tags:   splitTags(cell("tags")),
		}
		d.fieldLine = func(field string) int {
			if field == "body" {
				field = "answer"
			}
			if i := t.col(field); i >= 0 {
				return row.lines[i]
			}
			return 0
		}
		q := cell("question")
		if q == "" {
			errs.addf(name, d.lineOf("question"), "question", "is empty")
			continue
		}
		if d.body == "" {
			errs.addf(name, d.lineOf("answer"), "answer", "is empty")
			continue
		}
		d.questions = []string{q}
		if d.title == "" {
			d.title = q
		}
		if d.id == "" {
			d.id = questionID(q)
			d.idFrom = "question"
		}
		if l, ok := d.finish(errs); ok {
			all = append(all, l)
		}
	}
	return all
}

// csvExamples reads the rows of a text,label table. Other columns (a domain,
// a source) are ignored: labelled data sets often carry such metadata.
func csvExamples(name string, t *csvTable, errs *Errors) ([]Example, bool) {
	ti, li := t.col("text"), t.col("label")
	ok := true
	out := make([]Example, 0, len(t.rows))
	for _, row := range t.rows {
		if errs.full() {
			return nil, false
		}
		e := Example{Text: strings.TrimSpace(row.cells[ti]), Label: strings.TrimSpace(row.cells[li]), Line: row.lines[0]}
		if e.Text == "" {
			errs.addf(name, row.lines[ti], "text", "is empty")
			ok = false
		}
		if e.Label == "" {
			errs.addf(name, row.lines[li], "label", "is empty")
			ok = false
		}
		out = append(out, e)
	}
	return out, ok
}

// sniffDelimiter picks the separator of the header line: a comma unless the
// line has more semicolons or tabs, because spreadsheet programs in Swedish
// (and most European) locales save "CSV" with semicolons.
func sniffDelimiter(text string) rune {
	header, _, _ := strings.Cut(strings.TrimLeft(text, "\n"), "\n")
	best, count := ',', 0
	for _, d := range []rune{',', ';', '\t'} {
		n := 0
		quoted := false
		for _, r := range header {
			switch {
			case r == '"':
				quoted = !quoted
			case r == d && !quoted:
				n++
			}
		}
		if n > count {
			best, count = d, n
		}
	}
	return best
}
