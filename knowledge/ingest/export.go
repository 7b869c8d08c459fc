package ingest

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/andon-chat/andon/knowledge"
)

// File is one exported article: a Markdown file with TOML front matter that
// Load reads back into the same article.
type File struct {
	Path string // slash-separated, relative, ending in .md
	Data []byte
}

// exportFront is the front matter written; unlike frontMatter it leaves out
// what is empty or the default.
type exportFront struct {
	ID        string   `toml:"id"`
	Title     string   `toml:"title"`
	Lang      string   `toml:"lang,omitempty"`
	Tags      []string `toml:"tags,omitempty"`
	Questions []string `toml:"questions,omitempty"`
	URL       string   `toml:"url,omitempty"`
	Status    string   `toml:"status,omitempty"`
}

// Export renders every article as a Markdown file. Paths follow the ids
// ("billing/refunds" -> "billing/refunds.md"), made safe for any file system;
// the id itself is in the front matter, so a path never has to carry it.
func Export(arts []knowledge.Article) ([]File, error) {
	taken := make(map[string]bool, len(arts))
	out := make([]File, 0, len(arts))
	for _, a := range arts {
		fm := exportFront{ID: a.ID, Title: a.Title, Lang: a.Lang, Tags: a.Tags, Questions: a.Questions, URL: a.URL}
		if a.Status != "" && a.Status != knowledge.Published {
			fm.Status = string(a.Status)
		}
		head, err := toml.Marshal(fm)
		if err != nil {
			return nil, fmt.Errorf("couldn't export %q: %w", a.ID, err)
		}
		p := exportPath(a.ID, taken)
		taken[p] = true
		data := "+++\n" + string(head) + "+++\n" + a.Body + "\n"
		out = append(out, File{Path: p, Data: []byte(data)})
	}
	return out, nil
}

// exportPath is id as a relative path of slugified parts, with a short hash
// of the id when that path is taken or would be empty.
func exportPath(id string, taken map[string]bool) string {
	p := defaultID(id)
	if p == "" || taken[p+".md"] || strings.ToLower(p) != p {
		sum := sha256.Sum256([]byte(id))
		p = strings.TrimPrefix(p+"-"+hex.EncodeToString(sum[:4]), "-")
	}
	return p + ".md"
}

// WriteZip writes the files as a zip archive.
func WriteZip(w io.Writer, files []File) error {
	zw := zip.NewWriter(w)
	for _, f := range files {
		fw, err := zw.Create(f.Path)
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.Data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// WriteDir writes the files under dir, creating folders as needed and
// replacing files of the same name.
func WriteDir(dir string, files []File) error {
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
