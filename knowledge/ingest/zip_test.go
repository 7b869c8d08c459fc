package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"
)

type zipEntry struct {
	name, body string
	store      bool // not compressed
}

func makeZip(t *testing.T, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		m := zip.Deflate
		if e.store {
			m = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: m})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func loadZipBytes(data []byte) ([]string, error) {
	arts, err := LoadZip("kb.zip", bytes.NewReader(data), int64(len(data)))
	var ids []string
	for _, a := range arts {
		ids = append(ids, a.ID)
	}
	return ids, err
}

func TestLoadZipMarkdownFolder(t *testing.T) {
	t.Parallel()
	data := makeZip(t,
		zipEntry{name: "billing/"},
		zipEntry{name: "billing/Refunds.md", body: "+++\ntitle = \"Refunds\"\nlang = \"en\"\n+++\nWithin 30 days."},
		zipEntry{name: "hours.md", body: "# Opening hours\n\n8 to 17."},
		zipEntry{name: ".git/config", body: "x"},
	)
	ids, err := loadZipBytes(data)
	if err != nil || strings.Join(ids, ",") != "billing/refunds,hours" {
		t.Fatalf("ids %v, err %v", ids, err)
	}
	// Load takes a .zip path the same way.
	p := writeFile(t, t.TempDir(), "kb.zip", string(data))
	arts, err := Load(p)
	if err != nil || len(arts) != 2 {
		t.Fatalf("Load(zip): %v %v", arts, err)
	}
}

func TestLoadZipRefusesPathTraversal(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"../evil.md", "docs/../../evil.md", "/etc/evil.md", `..\evil.md`, "C:/evil.md"} {
		data := makeZip(t, zipEntry{name: "ok.md", body: "# Ok\n\nFine."}, zipEntry{name: name, body: "# Evil\n\nx"})
		ids, err := loadZipBytes(data)
		var list *Errors
		if !errors.As(err, &list) || len(ids) != 0 {
			t.Fatalf("%s: ids %v err %v, want the archive refused", name, ids, err)
		}
		if got := list.List[0].Error(); !strings.Contains(got, "kb.zip/"+name) || !strings.Contains(got, "refused") {
			t.Errorf("%s: error %q", name, got)
		}
	}
}

func TestLoadZipBombRefused(t *testing.T) {
	t.Parallel()
	data := makeZip(t, zipEntry{name: "bomb.md", body: "# Bomb\n\n" + strings.Repeat("a", 4<<20)})
	if _, err := loadZipBytes(data); err == nil || !strings.Contains(err.Error(), "expands") {
		t.Fatalf("bomb: %v", err)
	}
	big := makeZip(t, zipEntry{name: "big.md", body: "# Big\n\n" + strings.Repeat("a", MaxZipFileBytes), store: true})
	if _, err := loadZipBytes(big); err == nil || !strings.Contains(err.Error(), "a file may have at most") {
		t.Fatalf("big file: %v", err)
	}
	if _, err := loadZipBytes([]byte("not a zip")); err == nil || !strings.Contains(err.Error(), "not a zip archive") {
		t.Fatalf("garbage: %v", err)
	}
}
