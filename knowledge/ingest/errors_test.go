package ingest

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestBadFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, content string
		want                []string
	}{
		{"empty file", "a.csv", "", []string{"a.csv: file is empty"}},
		{"only a byte order mark and blanks", "a.md", "\xef\xbb\xbf\r\n \n", []string{"a.md: file is empty"}},
		{"invalid UTF-8 on two lines", "a.jsonl", "{\"id\":\"a\"}\n{\"id\":\"\xff\"}\nok\n\xc3(\n",
			[]string{"a.jsonl:2: invalid UTF-8 (byte 0xff); save the file as UTF-8", "a.jsonl:4: invalid UTF-8 (byte 0xc3); save the file as UTF-8"}},
		{"unknown extension", "a.txt", "question,answer\n", []string{"a.txt: unknown format: use .md, .csv, .jsonl or .json"}},

		{"markdown unknown key, with BOM and CRLF", "a.md", "\xef\xbb\xbf+++\r\ntitle = \"T\"\r\nquestons = [\"q\"]\r\n+++\r\nBody\r\n",
			[]string{"a.md:3: questons: unknown key (known keys: id, title, lang, tags, questions, url, status)"}},
		{"markdown several unknown keys", "a.md", "+++\nauthor = \"me\"\ntitle = \"T\"\n\ndate = 2024-01-01\n+++\nBody\n",
			[]string{
				"a.md:2: author: unknown key (known keys: id, title, lang, tags, questions, url, status)",
				"a.md:5: date: unknown key (known keys: id, title, lang, tags, questions, url, status)",
			}},
		{"markdown wrong type", "a.md", "+++\ntitle = \"T\"\ntags = \"billing\"\n+++\nBody\n",
			[]string{`a.md:3: tags: must be an array of strings, such as ["a", "b"]`}},
		{"markdown title not a string", "a.md", "+++\ntitle = 3\n+++\nBody\n", []string{"a.md:2: title: must be a string"}},
		{"markdown YAML front matter", "a.md", "---\ntitle: T\n---\nBody\n",
			[]string{`a.md:2: invalid TOML: expected '=' after key (front matter is TOML: key = "value")`}},
		{"markdown unclosed front matter", "a.md", "+++\ntitle = \"T\"\nBody\n", []string{"a.md:1: front matter opened with +++ is never closed"}},
		{"markdown no title", "a.md", "Just a body.\n", []string{`a.md:1: title: missing: set title in the front matter or start the body with a "# " heading`}},
		{"markdown bad values and no body", "a.md", "+++\ntitle = \"T\"\nstatus = \"live\"\nlang = \"english\"\nurl = \"ftp://x\"\nid = \" x\"\n+++\n\n",
			[]string{
				`a.md:3: status: "live" is neither draft nor published`,
				`a.md:4: lang: "english" is not a language code such as en or sv`,
				`a.md:5: url: "ftp://x" must be an http(s) URL or a path starting with /`,
				`a.md:6: id: has leading or trailing spaces`,
				`a.md:8: body: is empty`,
			}},

		{"csv missing column", "a.csv", "\nquestion,answr\nq,a\n",
			[]string{
				"a.csv:2: answr: unknown column (known: question, answer, title, url, lang, tags, id, status; or text,label for labelled examples)",
				"a.csv:2: answer: required column is missing from the header",
			}},
		{"csv header only", "a.csv", "question,answer\n", []string{"a.csv:1: no rows after the header"}},
		{"csv bad rows", "a.csv", "question,answer,id\nq1,,\n,a2,\nq3,a3\n\"q4\",\"two\nlines\",x\nq5,a5,x\n",
			[]string{
				"a.csv:4: row has 2 cells but the header has 3 columns",
				"a.csv:2: answer: is empty",
				"a.csv:3: question: is empty",
				`a.csv:7: id: duplicate id "x" (first used at line 5)`,
			}},
		{"csv duplicate question", "a.csv", "question,answer\nWhat?,A\nWhat?,B\n",
			[]string{`a.csv:3: id: duplicate id "what-` + questionID("What?")[5:] + `" (first used at line 2; the id is derived from the question, which appears twice)`}},
		{"csv bad quote", "a.csv", "question,answer\nq,a\n\"q\"x,a\n", []string{`a.csv:3: invalid CSV: extraneous or missing " in quoted-field`}},
		{"csv duplicate and empty header", "a.csv", "question,answer,question,\nq,a,b,c\n",
			[]string{"a.csv:1: question: column appears twice in the header", "a.csv:1: column 4 of the header has no name"}},

		{"jsonl problems", "a.jsonl", strings.Join([]string{
			`{"id":"a","title":"T","body":"B","extra":1}`,
			`{"id":2,"title":"T","body":"B"}`,
			`{"id":"c","body":"B"}`,
			`{"id":"d","title":"T","body":"B","tags":"x"}`,
			`{"id":"e","title":"T"`,
			`[1]`,
			`{"id":"f","title":"T","body":"B"} {}`,
			`{"title":"T","body":"B"}`,
			`{"id":"g","title":"T","body":""}`,
		}, "\n"), []string{
			"a.jsonl:1: extra: unknown field (known: id, title, body, questions, url, lang, tags, status)",
			"a.jsonl:2: id: must be a string, not number",
			"a.jsonl:3: title: is empty",
			"a.jsonl:4: tags: must be an array of strings, not string",
			"a.jsonl:5: invalid JSON: the object is not complete",
			"a.jsonl:6: must be a JSON object, not array",
			"a.jsonl:7: invalid JSON: unexpected data after the object (one object per line)",
			"a.jsonl:8: id: is empty",
			"a.jsonl:9: body: is empty",
		}},
		{"jsonl syntax", "a.jsonl", "{\"id\":\"a\",,}\n", []string{"a.jsonl:1: invalid JSON at byte 11 of the line: invalid character ',' looking for beginning of object key string"}},
		{"json not an array", "a.json", `{"id":"a"}`, []string{"a.json:1: a .json file must hold an array of objects (use .jsonl for one object per line)"}},
		{"json duplicate ids", "a.json", "[\n  {\"id\":\"a\",\"title\":\"T\",\"body\":\"B\"},\n\n  {\"id\":\"a\",\"title\":\"T\",\"body\":\"B\"}\n]",
			[]string{`a.json:4: id: duplicate id "a" (first used at line 2)`}},
		{"json empty array", "a.json", "[]", []string{"a.json:1: the array is empty"}},

		{"labelled empty cells", "a.csv", "text,label\nhi,\n,greeting\n",
			[]string{"a.csv:2: label: is empty", "a.csv:3: text: is empty"}},
		{"labelled only oos", "a.jsonl", "{\"text\":\"weather?\",\"label\":\"oos\"}\n", []string{"a.jsonl: no articles: every row is labelled oos"}},
		{"labelled label not a string", "a.jsonl", "{\"text\":\"hi\",\"label\":\"x\"}\n{\"text\":\"hi\",\"label\":7}\n",
			[]string{"a.jsonl:2: label: must be a string, not number"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Load(writeFile(t, t.TempDir(), tt.file, tt.content))
			if err == nil {
				t.Fatalf("no error; got %d articles", len(got))
			}
			if got != nil {
				t.Errorf("got %d articles with the error; want none", len(got))
			}
			if p := problems(t, err); !reflect.DeepEqual(p, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(p, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestNothingHalfImported(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := writeFile(t, dir, "good.csv", "question,answer\nq,a\n")
	bad := writeFile(t, dir, "bad.csv", "question,answer\nq,\n")
	other := writeFile(t, dir, "kb/a.md", "# A\n\nText.\n")
	writeFile(t, dir, "kb/sub/b.md", "+++\ntitle = \"B\"\nbogus = 1\n+++\nText.\n")
	got, err := Load(good, bad, filepath.Join(dir, "kb"))
	if err == nil || got != nil {
		t.Fatalf("got %d articles, err %v; want none and an error", len(got), err)
	}
	want := []string{"bad.csv:2: answer: is empty", "b.md:3: bogus: unknown key (known keys: id, title, lang, tags, questions, url, status)"}
	if p := problems(t, err); !reflect.DeepEqual(p, want) {
		t.Errorf("problems %q, want %q", p, want)
	}
	var one *Error
	if !errors.As(err, &one) || !strings.HasSuffix(one.File, "bad.csv") {
		t.Errorf("errors.As should find the first *Error, got %v", one)
	}
	_ = other
}

func TestDuplicateIDsAcrossFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := writeFile(t, dir, "a.jsonl", `{"id":"x","title":"T","body":"B"}`+"\n")
	b := writeFile(t, dir, "kb/X.md", "# T\n\nB\n") // default id "x"
	_, err := Load(a, filepath.Join(dir, "kb"))
	want := fmt.Sprintf(`X.md:1: id: duplicate id "x" (first used at %s:1; the id is derived from the file path, which appears twice)`, a)
	if p := problems(t, err); len(p) != 1 || p[0] != want {
		t.Errorf("problems %q, want %q", p, want)
	}
	_ = b
}

func TestMissingPath(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nope.csv")
	_, err := Load(missing)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want one that wraps fs.ErrNotExist", err)
	}
	if !strings.HasPrefix(err.Error(), missing+": couldn't read: ") {
		t.Errorf("err = %q, want it to name the file", err)
	}
	if _, err := Load(); err == nil {
		t.Error("Load() with no paths: want an error")
	}
	empty := t.TempDir()
	writeFile(t, empty, "faq.csv", "question,answer\nq,a\n") // folders are read for Markdown only, and say so
	_, err = Load(missing, empty)
	want := []string{"nope.csv: couldn't read: stat " + missing + ": no such file or directory",
		"faq.csv: not read: a folder is read for Markdown files only; pass this file as its own argument, outside the folder"}
	if p := problems(t, err); !reflect.DeepEqual(p, want) {
		t.Errorf("problems %q, want %q", p, want)
	}
}

func TestErrorFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  Error
		want string
	}{
		{Error{File: "f.csv", Line: 3, Field: "answer", Msg: "is empty"}, "f.csv:3: answer: is empty"},
		{Error{File: "f.csv", Line: 3, Msg: "bad row"}, "f.csv:3: bad row"},
		{Error{File: "f.csv", Msg: "file is empty"}, "f.csv: file is empty"},
		{Error{File: "f.csv", Msg: "couldn't read", Err: fs.ErrPermission}, "f.csv: couldn't read: permission denied"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestErrorsAreCapped(t *testing.T) {
	t.Parallel()
	// 30 bad rows: MaxErrors reported, then the parser stops.
	content := "question,answer\n" + strings.Repeat("q,\n", 30)
	_, err := Load(writeFile(t, t.TempDir(), "a.csv", content))
	var list *Errors
	if !errors.As(err, &list) {
		t.Fatal(err)
	}
	if len(list.List) != MaxErrors {
		t.Errorf("%d problems kept, want %d", len(list.List), MaxErrors)
	}
	if !strings.HasSuffix(err.Error(), fmt.Sprintf("... stopped after %d problems", MaxErrors)) {
		t.Errorf("error should say it stopped: %q", err)
	}
	// Problems that arrive after the cap are counted.
	list.add(&Error{File: "x", Msg: "late"})
	if list.Omitted != 1 || !strings.HasSuffix(list.Error(), "... and at least 1 more problems") {
		t.Errorf("Omitted = %d, error ends %q", list.Omitted, list.Error()[len(list.Error())-40:])
	}
}
