package console

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/internal/apierr"
	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/knowledge/ingest"
)

// ArticleImporter is the knowledge base as imports and exports see it.
// *knowledge.Base implements it.
type ArticleImporter interface {
	Import(ctx context.Context, arts []knowledge.Article) (knowledge.ImportReport, error)
	Articles() []knowledge.Article
}

// maxUploadBytes bounds an import upload: the largest archive ingest reads,
// and the multipart framing around it.
const maxUploadBytes = ingest.MaxZipBytes + 1<<20

// importJSON is an import's report.
type importJSON struct {
	DryRun    bool     `json:"dry_run"`
	Articles  int      `json:"articles"`
	Added     []string `json:"added"`
	Updated   []string `json:"updated"`
	Unchanged []string `json:"unchanged"`
}

// postImport reads one uploaded file (multipart field "file": a .zip of a
// Markdown folder, .md, .csv, .jsonl or .json) and imports it in one
// transaction, or with ?dry_run=1 only says what would change. One import
// runs at a time, so uploads hold at most one file's bytes.
func (s *Server) postImport(w http.ResponseWriter, r *http.Request, _ handoff.Agent) error {
	if s.imports == nil {
		return apiErr(http.StatusServiceUnavailable, apierr.CodeUnavailable, "This server has no knowledge base to import into.")
	}
	select {
	case s.importing <- struct{}{}:
		defer func() { <-s.importing }()
	default:
		return apiErr(http.StatusServiceUnavailable, apierr.CodeUnavailable, "Another import is running; try again when it has finished.")
	}
	dryRun := r.URL.Query().Get("dry_run")
	if dryRun != "" && dryRun != "0" && dryRun != "1" {
		return badRequest("Query parameter \"dry_run\" must be 0 or 1.")
	}
	name, data, err := readUpload(w, r)
	if err != nil {
		return err
	}
	arts, err := ingest.LoadBytes(name, data)
	if err != nil {
		return badRequest("%s", err.Error())
	}
	var rep knowledge.ImportReport
	if dryRun == "1" {
		rep = knowledge.Compare(s.imports.Articles(), arts)
	} else if rep, err = s.imports.Import(r.Context(), arts); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, importJSON{
		DryRun: dryRun == "1", Articles: len(arts),
		Added: nonNil(rep.Added), Updated: nonNil(rep.Updated), Unchanged: nonNil(rep.Unchanged),
	})
	return nil
}

// readUpload reads the multipart part "file", bounded by maxUploadBytes.
func readUpload(w http.ResponseWriter, r *http.Request) (string, []byte, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return "", nil, badRequest("Send the file as multipart/form-data in the field \"file\".")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, badRequest("The upload is not valid multipart/form-data: %v.", err)
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return "", nil, apiErr(http.StatusRequestEntityTooLarge, apierr.CodeTooLarge, "The upload is larger than %d bytes.", maxUploadBytes)
			}
			return "", nil, badRequest("The upload has no field \"file\".")
		}
		if part.FormName() != "file" {
			continue
		}
		name := strings.TrimSpace(part.FileName())
		if name == "" {
			return "", nil, badRequest("The field \"file\" has no file name; the name's extension (.zip, .md, .csv, .jsonl, .json) says its format.")
		}
		data, err := io.ReadAll(part)
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return "", nil, apiErr(http.StatusRequestEntityTooLarge, apierr.CodeTooLarge, "The upload is larger than %d bytes.", maxUploadBytes)
			}
			return "", nil, badRequest("The upload could not be read: %v.", err)
		}
		return name, data, nil
	}
}

// getExport answers the whole knowledge base, drafts included, as a zip of
// Markdown files with front matter (what POST /api/import and andon ingest
// read back).
func (s *Server) getExport(w http.ResponseWriter, r *http.Request, _ handoff.Agent) error {
	if s.imports == nil {
		return apiErr(http.StatusServiceUnavailable, apierr.CodeUnavailable, "This server has no knowledge base to export.")
	}
	files, err := ingest.Export(s.imports.Articles())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="knowledge-base.zip"`)
	return ingest.WriteZip(w, files)
}
