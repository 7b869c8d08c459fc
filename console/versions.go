package console

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/internal/apierr"
	"github.com/andon-chat/andon/internal/linediff"
	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"
)

type versionJSON struct {
	Version int64             `json:"version"`
	Author  string            `json:"author"`
	At      time.Time         `json:"at"`
	Article editedArticleJSON `json:"article"`
}

// getVersions is an article's history, newest first, a page at a time.
func (s *Server) getVersions(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	ed, err := s.editing()
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 20, 1, 100)
	if err != nil {
		return err
	}
	before, err := queryInt(r, "before", 0, 0, 1<<62)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	vs, err := ed.ArticleVersions(r.Context(), id, int64(before), limit+1)
	if err != nil {
		return err
	}
	if len(vs) == 0 && before == 0 {
		return noArticle(id)
	}
	more := len(vs) > limit
	if more {
		vs = vs[:limit]
	}
	out := make([]versionJSON, 0, len(vs))
	for _, v := range vs {
		out = append(out, versionJSON{v.Version, v.Author, v.At,
			toEditedArticle(store.ArticleRecord{Article: v.Article, Version: v.Version})})
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": out, "has_more": more})
	return nil
}

// version reads version v of article id, or says there is none.
func (s *Server) version(r *http.Request, ed store.ArticleEditor, id string, v int64) (store.ArticleVersion, error) {
	vs, err := ed.ArticleVersions(r.Context(), id, v+1, 1)
	if err != nil {
		return store.ArticleVersion{}, err
	}
	if len(vs) == 0 || vs[0].Version != v {
		return store.ArticleVersion{}, apiErr(http.StatusNotFound, apierr.CodeNotFound, "Article %q has no version %d.", id, v)
	}
	return vs[0], nil
}

// versionText is what a diff compares: every field an editor can change,
// one per line, then the body.
func versionText(a knowledge.Article) string {
	var b strings.Builder
	fmt.Fprintf(&b, "title: %s\nstatus: %s\nlang: %s\nurl: %s\ntags: %s\n", a.Title, a.Status, a.Lang, a.URL, strings.Join(a.Tags, ", "))
	for _, q := range a.Questions {
		fmt.Fprintf(&b, "question: %s\n", q)
	}
	b.WriteString("\n")
	b.WriteString(a.Body)
	return b.String()
}

// getDiff is the line diff from version `from` to version `to`.
func (s *Server) getDiff(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	ed, err := s.editing()
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	var vs [2]store.ArticleVersion
	for i, name := range []string{"from", "to"} {
		n, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
		if err != nil || n < 1 {
			return badRequest("Query parameter %q is required: a version number (1 or more).", name)
		}
		if vs[i], err = s.version(r, ed, id, n); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"from": vs[0].Version, "to": vs[1].Version,
		"lines": linediff.Lines(versionText(vs[0].Article), versionText(vs[1].Article)),
	})
	return nil
}

// postRestore saves an earlier version's text as the next version.
func (s *Server) postRestore(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	ed, err := s.editing()
	if err != nil {
		return err
	}
	var in struct {
		Version     *int64 `json:"version"`
		BaseVersion *int64 `json:"base_version"`
	}
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	if in.Version == nil || in.BaseVersion == nil {
		return badRequest("Fields \"version\" (the one to restore) and \"base_version\" (the article's current version) are required.")
	}
	id := r.PathValue("id")
	v, err := s.version(r, ed, id, *in.Version)
	if errors.Is(err, store.ErrNotFound) {
		return noArticle(id)
	}
	if err != nil {
		return err
	}
	old := v.Article
	return s.saveArticle(w, r, a, articleInput{ID: id, Title: old.Title, Body: old.Body, Lang: old.Lang, Tags: old.Tags,
		URL: old.URL, Questions: old.Questions, Status: string(old.Status)}, *in.BaseVersion, http.StatusOK)
}
