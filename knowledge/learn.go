package knowledge

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNoArticle is returned by AddQuestion for an unknown article ID.
var ErrNoArticle = errors.New("no such article")

// AddQuestion adds question to the example questions of an existing
// article, so that the next visitor who asks it that way finds it: how a
// resolved escalation teaches the knowledge base. A question the article
// already has (ignoring case and spacing) is not added twice. The article
// is saved and re-indexed like an import.
func (b *Base) AddQuestion(ctx context.Context, articleID, question string) error {
	question = strings.Join(strings.Fields(question), " ")
	if question == "" {
		return errors.New("couldn't add an example question: it is empty")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	cur, ok := b.snap.Load().byID[articleID]
	if !ok {
		return fmt.Errorf("couldn't add an example question to %q: %w", articleID, ErrNoArticle)
	}
	for _, q := range cur.Questions {
		if strings.EqualFold(strings.Join(strings.Fields(q), " "), question) {
			return nil
		}
	}
	a := cloneArticle(cur)
	a.Questions = append(a.Questions, question)
	a.UpdatedAt = time.Now().UTC()
	if _, err := b.importLocked(ctx, []Article{a}); err != nil {
		return fmt.Errorf("couldn't add an example question to %q: %w", articleID, err)
	}
	return nil
}

// SaveDraft saves text (Markdown) as a new draft article titled title, for
// the editors to review and publish; drafts never answer visitors. It
// returns the new article's ID.
func (b *Base) SaveDraft(ctx context.Context, title, text, lang string) (string, error) {
	title, text = strings.TrimSpace(title), strings.TrimSpace(text)
	if title == "" || text == "" {
		return "", errors.New("couldn't save a draft: it needs a title and a text")
	}
	a := Article{
		ID: "draft-" + rand.Text()[:12], Title: title, Body: text, Lang: lang,
		Status: Draft, UpdatedAt: time.Now().UTC(),
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, err := b.importLocked(ctx, []Article{a}); err != nil {
		return "", fmt.Errorf("couldn't save a draft: %w", err)
	}
	return a.ID, nil
}
