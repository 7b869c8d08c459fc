package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

func TestIngestSite(t *testing.T) {
	t.Parallel()
	var version, notModified atomic.Int32
	version.Store(1)
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<urlset><url><loc>%[1]s/hours</loc></url><url><loc>%[1]s/secret/x</loc></url></urlset>`, srv.URL)
	})
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /secret/\n")
	})
	mux.HandleFunc("/hours", func(w http.ResponseWriter, r *http.Request) {
		tag := fmt.Sprintf(`"%d"`, version.Load())
		if r.Header.Get("If-None-Match") == tag {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", tag)
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, "<html lang=en><nav>Menu</nav><main><h1>Opening hours</h1><p>We are open %d to 17.</p></main></html>", 8+version.Load())
	})
	srv = httptest.NewServer(mux)
	defer srv.Close()
	data := filepath.Join(t.TempDir(), "data")
	site := srv.URL + "/sitemap.xml"

	code, stdout, stderr := call(t, "ingest", "--data", data, "--site", site)
	if code != 1 || !strings.Contains(stderr+stdout, "private_address") {
		t.Fatalf("loopback crawled without --allow-private: %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = call(t, "ingest", "--data", data, "--allow-private", "--interval", "1ms", "--dry-run", "--site", site)
	if code != 0 || !strings.Contains(stdout, "would be added") || !strings.Contains(stdout, "1 would be added") ||
		!strings.Contains(stdout, "skipped "+srv.URL+"/secret/x: robots") {
		t.Fatalf("dry run: %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = call(t, "ingest", "--data", data, "--allow-private", "--interval", "1ms", "--site", site)
	if code != 0 || !strings.Contains(stdout, "added web/127-0-0-1/hours") || !strings.Contains(stdout, "1 added, 0 updated, 0 unchanged") {
		t.Fatalf("first crawl (the dry run saved nothing): %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = call(t, "ingest", "--data", data, "--allow-private", "--interval", "1ms", "--site", site)
	if code != 0 || !strings.Contains(stdout, "1 not modified") || !strings.Contains(stdout, "0 added, 0 updated, 1 unchanged") || notModified.Load() != 1 {
		t.Fatalf("re-crawl: %d %q %q (304s: %d)", code, stdout, stderr, notModified.Load())
	}
	version.Store(2)
	code, stdout, stderr = call(t, "ingest", "--data", data, "--allow-private", "--interval", "1ms", "--site", site)
	if code != 0 || !strings.Contains(stdout, "changed web/127-0-0-1/hours") || !strings.Contains(stdout, "0 added, 1 updated, 0 unchanged") {
		t.Fatalf("changed page: %d %q %q", code, stdout, stderr)
	}
}

func TestIngestURLList(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<title>Returns</title><p>Send it back within 30 days.</p>")
	}))
	defer srv.Close()
	dir := t.TempDir()
	list := filepath.Join(dir, "urls.txt")
	os.WriteFile(list, []byte("# help pages\n"+srv.URL+"/returns\n\nnot a url\n"), 0o644)
	code, stdout, stderr := call(t, "ingest", "--data", filepath.Join(dir, "data"), "--allow-private", "--interval", "1ms", "--dry-run", "--urls", list)
	if code != 0 || !strings.Contains(stdout, "skipped line 4: not a url: bad_url") || !strings.Contains(stdout, "added web/127-0-0-1/returns") {
		t.Fatalf("%d %q %q", code, stdout, stderr)
	}
}

// export → ingest into an empty data dir → the same articles.
func TestExportRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	kb := filepath.Join(dir, "kb")
	os.MkdirAll(filepath.Join(kb, "billing"), 0o755)
	os.WriteFile(filepath.Join(kb, "billing", "refunds.md"), []byte("+++\ntitle = \"Refunds\"\nlang = \"en\"\ntags = [\"billing\"]\nquestions = [\"Money back?\"]\nstatus = \"draft\"\n+++\nWithin 30 days."), 0o644)
	os.WriteFile(filepath.Join(dir, "faq.csv"), []byte("question,answer\nDo you ship to Norway?,Yes.\n"), 0o644)
	first, second := filepath.Join(dir, "d1"), filepath.Join(dir, "d2")
	if code, _, stderr := call(t, "ingest", "--data", first, kb, filepath.Join(dir, "faq.csv")); code != 0 {
		t.Fatal(stderr)
	}
	zipPath := filepath.Join(dir, "kb-export.zip")
	if code, stdout, stderr := call(t, "export", "--data", first, "--out", zipPath); code != 0 || !strings.Contains(stdout, "2 articles exported") {
		t.Fatalf("%d %q %q", code, stdout, stderr)
	}
	if code, stdout, stderr := call(t, "ingest", "--data", second, zipPath); code != 0 || !strings.Contains(stdout, "2 added") {
		t.Fatalf("%d %q %q", code, stdout, stderr)
	}
	a, b := filepath.Join(dir, "out1"), filepath.Join(dir, "out2")
	call(t, "export", "--data", first, "--out", a)
	call(t, "export", "--data", second, "--out", b)
	ma, _ := filepath.Glob(filepath.Join(a, "*", "*.md"))
	ma2, _ := filepath.Glob(filepath.Join(a, "*.md"))
	ma = append(ma, ma2...)
	if len(ma) != 2 {
		t.Fatalf("exported files %v", ma)
	}
	for _, p := range ma {
		rel, _ := filepath.Rel(a, p)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || string(x) != string(y) {
			t.Errorf("%s differs after the round trip:\n%s\n---\n%s", rel, x, y)
		}
	}
	if code, _, stderr := call(t, "export", "--data", filepath.Join(dir, "empty"), "--out", filepath.Join(dir, "e.zip")); code != 1 || !strings.Contains(stderr, "no knowledge base to export") {
		t.Fatalf("empty export: %d %q", code, stderr)
	}
}
