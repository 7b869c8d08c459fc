package console

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/internal/apierr"
	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"
)

// ArticleIndex is the knowledge base that answers visitors: an editor's
// save reaches it at once. *knowledge.Base implements it.
type ArticleIndex interface {
	Index(ctx context.Context, a knowledge.Article) error
}

// Bounds on one article, so that no editor's save makes the server hold
// or index more than a help article needs (the body is also bounded by
// maxBody).
const (
	maxTitle     = 300
	maxArticle   = 48 << 10
	maxTags      = 20
	maxTag       = 50
	maxQuestions = 100
	maxQuestion  = 300
	maxURL       = 2000
	maxQueryText = 1000
	// usesWindow is how far back the list's figures look.
	usesWindow = 30 * 24 * time.Hour
)

var articleIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,99}$`)

// articleInput is the editable part of an article, as POST and PUT take it.
type articleInput struct {
	ID          string   `json:"id"` // POST only; left out: one is made
	BaseVersion *int64   `json:"base_version"`
	Title       string   `json:"title"`
	Body        string   `json:"body"`
	Lang        string   `json:"lang"`
	Tags        []string `json:"tags"`
	URL         string   `json:"url"`
	Questions   []string `json:"questions"`
	Status      string   `json:"status"`
}

// editedArticleJSON is an article as the editors' API shows it.
type editedArticleJSON struct {
	ID        string            `json:"id"`
	Title     string            `json:"title"`
	Body      string            `json:"body"`
	Lang      string            `json:"lang"`
	Tags      []string          `json:"tags"`
	URL       string            `json:"url"`
	Questions []string          `json:"questions"`
	Status    knowledge.Status  `json:"status"`
	Owner     string            `json:"owner"`
	Version   int64             `json:"version"`
	UpdatedAt time.Time         `json:"updated_at"`
	Uses      *store.ArticleUse `json:"uses,omitempty"`
}

func toEditedArticle(r store.ArticleRecord) editedArticleJSON {
	nonNil := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	return editedArticleJSON{
		ID: r.ID, Title: r.Title, Body: r.Body, Lang: r.Lang, Tags: nonNil(r.Tags), URL: r.URL,
		Questions: nonNil(r.Questions), Status: r.Status, Owner: r.Owner, Version: r.Version, UpdatedAt: r.UpdatedAt,
	}
}

// editing returns the editors' store, or unavailable when the server was
// built without one.
func (s *Server) editing() (store.ArticleEditor, error) {
	if s.articles == nil || s.index == nil {
		return nil, apiErr(http.StatusServiceUnavailable, apierr.CodeUnavailable, "This server has no knowledge base to edit.")
	}
	return s.articles, nil
}

// getEditorArticles lists the articles for the editors: filtered, by ID,
// a page at a time, each with its figures of the last 30 days.
func (s *Server) getEditorArticles(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	ed, err := s.editing()
	if err != nil {
		return err
	}
	qv := r.URL.Query()
	limit, err := queryInt(r, "limit", 50, 1, 100)
	if err != nil {
		return err
	}
	q := store.ArticleQuery{
		Text: strings.TrimSpace(qv.Get("q")), Lang: qv.Get("lang"), Tag: qv.Get("tag"),
		Status: knowledge.Status(qv.Get("status")), Owner: qv.Get("owner"), Limit: limit + 1,
	}
	if utf8.RuneCountInString(q.Text) > maxQueryText || len(strings.Fields(q.Text)) > 20 {
		return badRequest("Query parameter \"q\" is over %d characters or 20 words.", maxQueryText)
	}
	if q.Status != "" && !q.Status.Valid() {
		return badRequest("Query parameter \"status\" must be draft, published or archived.")
	}
	for name, v := range map[string]string{"lang": q.Lang, "tag": q.Tag, "owner": q.Owner} {
		if len(v) > 200 {
			return badRequest("Query parameter %q is over 200 characters.", name)
		}
	}
	if c := qv.Get("cursor"); c != "" {
		after, err := base64.RawURLEncoding.DecodeString(c)
		if err != nil || len(after) == 0 || len(after) > 200 {
			return badRequest("Query parameter \"cursor\" is not one this list gave (next_cursor).")
		}
		q.After = string(after)
	}
	ctx := r.Context()
	recs, err := ed.ArticleRecords(ctx, q)
	if err != nil {
		return err
	}
	next := ""
	if len(recs) > limit {
		recs = recs[:limit]
		next = base64.RawURLEncoding.EncodeToString([]byte(recs[limit-1].ID))
	}
	uses, err := ed.ArticleUses(ctx, s.now().Add(-usesWindow))
	if err != nil {
		return err
	}
	out := make([]editedArticleJSON, 0, len(recs))
	for _, rec := range recs {
		j := toEditedArticle(rec)
		u := uses[rec.ID]
		j.Uses = &u
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"articles": out, "next_cursor": next})
	return nil
}

func (s *Server) getEditorArticle(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	ed, err := s.editing()
	if err != nil {
		return err
	}
	rec, err := ed.ArticleRecord(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		return noArticle(r.PathValue("id"))
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"article": toEditedArticle(rec)})
	return nil
}

func noArticle(id string) error {
	return apiErr(http.StatusNotFound, apierr.CodeNotFound, "There is no article %q.", id)
}

// postEditorArticle creates an article (version 1, owned by the editor).
func (s *Server) postEditorArticle(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	var in articleInput
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	if in.BaseVersion != nil {
		return badRequest("Field \"base_version\" is for saving an existing article (PUT /api/editor/articles/{id}).")
	}
	if in.ID == "" {
		in.ID = strings.ToLower(store.NewID())
	}
	if !articleIDPattern.MatchString(in.ID) {
		return badRequest("Field \"id\" must be 1 to 100 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit.")
	}
	if in.Status == "" {
		in.Status = string(knowledge.Draft)
	}
	return s.saveArticle(w, r, a, in, 0, http.StatusCreated)
}

// putEditorArticle saves the next version of an article from the version
// the editor started from.
func (s *Server) putEditorArticle(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	var in articleInput
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	if in.ID != "" && in.ID != r.PathValue("id") {
		return badRequest("Field \"id\" differs from the article in the path; an article's id does not change.")
	}
	if in.BaseVersion == nil || *in.BaseVersion < 1 {
		return badRequest("Field \"base_version\" is required: the version you started editing from (the article's \"version\").")
	}
	in.ID = r.PathValue("id")
	if in.Status == "" {
		return badRequest("Field \"status\" is required: draft, published or archived.")
	}
	return s.saveArticle(w, r, a, in, *in.BaseVersion, http.StatusOK)
}

// postArchive archives an article: the next version, with its text kept.
func (s *Server) postArchive(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	ed, err := s.editing()
	if err != nil {
		return err
	}
	var in struct {
		BaseVersion *int64 `json:"base_version"`
	}
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	if in.BaseVersion == nil {
		return badRequest("Field \"base_version\" is required: the version you are archiving.")
	}
	id := r.PathValue("id")
	rec, err := ed.ArticleRecord(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return noArticle(id)
	}
	if err != nil {
		return err
	}
	in2 := articleInput{ID: id, Title: rec.Title, Body: rec.Body, Lang: rec.Lang, Tags: rec.Tags, URL: rec.URL,
		Questions: rec.Questions, Status: string(knowledge.Archived)}
	return s.saveArticle(w, r, a, in2, *in.BaseVersion, http.StatusOK)
}

// saveArticle checks in, stores it as the next version after base and
// takes it into the index that answers visitors.
func (s *Server) saveArticle(w http.ResponseWriter, r *http.Request, a handoff.Agent, in articleInput, base int64, status int) error {
	ed, err := s.editing()
	if err != nil {
		return err
	}
	art, err := checkArticle(in)
	if err != nil {
		return err
	}
	ctx := r.Context()
	rec, err := ed.SaveArticleVersion(ctx, art, base, a.ID)
	switch {
	case errors.Is(err, store.ErrConflict):
		if base == 0 {
			return apiErr(http.StatusConflict, apierr.CodeConflict, "An article with id %q exists already.", in.ID)
		}
		// Both texts go back, so the editor can merge by hand; nothing
		// was written.
		writeJSON(w, http.StatusConflict, map[string]any{
			"error": map[string]string{"code": apierr.CodeConflict,
				"message": fmt.Sprintf("Someone saved this article (version %d) after the version %d you started from; nothing was saved. Compare the two texts and save again from version %d.", rec.Version, base, rec.Version)},
			"current": toEditedArticle(rec),
			"yours":   toEditedArticle(store.ArticleRecord{Article: art, Version: base}),
		})
		return nil
	case errors.Is(err, store.ErrNotFound):
		return noArticle(in.ID)
	case err != nil:
		return err
	}
	if err := s.index.Index(ctx, rec.Article); err != nil {
		// Stored but not yet answering: the next reload or restart
		// indexes it from the store.
		return fmt.Errorf("article %q saved as version %d but not indexed: %w", rec.ID, rec.Version, err)
	}
	writeJSON(w, status, map[string]any{"article": toEditedArticle(rec)})
	return nil
}

// checkArticle turns in into an article, or says which field is wrong.
func checkArticle(in articleInput) (knowledge.Article, error) {
	a := knowledge.Article{
		ID: in.ID, Title: strings.TrimSpace(in.Title), Body: in.Body, Lang: in.Lang,
		URL: strings.TrimSpace(in.URL), Status: knowledge.Status(in.Status),
	}
	switch {
	case a.Title == "":
		return a, badRequest("Field \"title\" is required.")
	case utf8.RuneCountInString(a.Title) > maxTitle:
		return a, badRequest("Field \"title\" is over %d characters.", maxTitle)
	case len(a.Body) > maxArticle:
		return a, badRequest("Field \"body\" is over %d KiB.", maxArticle>>10)
	case !a.Status.Valid():
		return a, badRequest("Field \"status\" must be draft, published or archived.")
	case a.Lang != "" && a.Lang != "en" && a.Lang != "sv":
		return a, badRequest("Field \"lang\" must be \"en\", \"sv\" or left out.")
	case len(a.URL) > maxURL:
		return a, badRequest("Field \"url\" is over %d characters.", maxURL)
	case len(in.Tags) > maxTags:
		return a, badRequest("Field \"tags\" has over %d tags.", maxTags)
	case len(in.Questions) > maxQuestions:
		return a, badRequest("Field \"questions\" has over %d questions.", maxQuestions)
	}
	if a.URL != "" {
		u, err := url.Parse(a.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return a, badRequest("Field \"url\" must be an http or https address.")
		}
	}
	var err error
	if a.Tags, err = cleanList("tags", in.Tags, maxTag); err != nil {
		return a, err
	}
	if a.Questions, err = cleanList("questions", in.Questions, maxQuestion); err != nil {
		return a, err
	}
	return a, nil
}

// cleanList trims each entry and refuses empty, over-long and repeated ones.
func cleanList(field string, in []string, max int) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for i, v := range in {
		v = strings.TrimSpace(v)
		switch {
		case v == "":
			return nil, badRequest("Field \"%s\" entry %d is empty.", field, i+1)
		case utf8.RuneCountInString(v) > max:
			return nil, badRequest("Field \"%s\" entry %d is over %d characters.", field, i+1, max)
		case seen[strings.ToLower(v)]:
			return nil, badRequest("Field \"%s\" has %q twice.", field, v)
		}
		seen[strings.ToLower(v)] = true
		out = append(out, v)
	}
	return out, nil
}
