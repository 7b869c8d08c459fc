package console

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/knowledge/ingest"
)

// upload posts one file as multipart field "file".
func (c *client) upload(t *testing.T, path, name string, data []byte) (int, []byte) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set(auth.CSRFHeader, c.csrf)
	res, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, raw
}

func TestImportPreviewThenCommit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ed := e.login(t, auth.RoleEditor)
	csv := []byte("question,answer\nDo you ship to Norway?,Yes.\n")

	status, raw := ed.upload(t, "/api/import?dry_run=1", "faq.csv", csv)
	var rep importJSON
	if status != http.StatusOK || json.Unmarshal(raw, &rep) != nil || !rep.DryRun || len(rep.Added) != 1 {
		t.Fatalf("dry run: %d %s", status, raw)
	}
	if _, ok := e.kb.Article(rep.Added[0]); ok {
		t.Fatal("the dry run saved the article")
	}
	status, raw = ed.upload(t, "/api/import", "faq.csv", csv)
	if status != http.StatusOK || json.Unmarshal(raw, &rep) != nil || rep.DryRun || len(rep.Added) != 1 {
		t.Fatalf("import: %d %s", status, raw)
	}
	if _, ok := e.kb.Article(rep.Added[0]); !ok {
		t.Fatal("the import did not reach the knowledge base")
	}

	// A bad file imports nothing and names its line.
	status, raw = ed.upload(t, "/api/import", "bad.csv", []byte("question,answer\nNew question?,A.\nEmpty answer?,\n"))
	checkError(t, "bad csv", status, raw, http.StatusBadRequest, "bad_request")
	if !strings.Contains(string(raw), "bad.csv:3") || len(e.kb.Articles()) != 3 {
		t.Fatalf("bad file: %s, %d articles", raw, len(e.kb.Articles()))
	}

	// Path traversal refuses the whole archive.
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, _ := zw.Create("../evil.md")
	w.Write([]byte("# Evil\n\nx"))
	zw.Close()
	status, raw = ed.upload(t, "/api/import", "kb.zip", z.Bytes())
	checkError(t, "zip slip", status, raw, http.StatusBadRequest, "bad_request")

	// Agents may not import.
	ag := e.login(t, auth.RoleAgent)
	status, raw = ag.upload(t, "/api/import", "faq.csv", csv)
	checkError(t, "agent", status, raw, http.StatusForbidden, "forbidden")
}

func TestExportZipRoundTrip(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ed := e.login(t, auth.RoleEditor)
	status, raw := ed.do(t, "GET", "/api/export", nil)
	if status != http.StatusOK {
		t.Fatalf("export: %d %s", status, raw)
	}
	arts, err := ingest.LoadZip("export.zip", bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, a := range arts {
		got = append(got, a.ID+" "+a.Hash)
	}
	for _, a := range e.kb.Articles() {
		want = append(want, a.ID+" "+a.Hash)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("exported %v, stored %v", got, want)
	}
}
