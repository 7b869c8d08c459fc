package handoff

import (
	"context"

	"github.com/andon-chat/andon/notify"
	"github.com/andon-chat/andon/store"
)

// Notifier tells decision makers outside the console (webhooks, Slack,
// e-mail). Notify must not block: it records the delivery durably and sends
// in the background. *notify.Dispatcher implements it.
type Notifier interface {
	Notify(ctx context.Context, e notify.Event)
}

// VisitorMailer sends an agent's reply to a visitor who has left the chat,
// with a link back to it. *notify.Dispatcher implements it.
type VisitorMailer interface {
	MailReply(ctx context.Context, m notify.VisitorMail) error
	// MailsVisitors reports whether mail can be sent at all (an SMTP
	// server is configured).
	MailsVisitors() bool
}

// Learner is the knowledge base as resolving teaches it. *knowledge.Base
// implements it.
type Learner interface {
	// AddQuestion adds question to the article's example questions.
	AddQuestion(ctx context.Context, articleID, question string) error
	// SaveDraft saves a draft article for the editors and returns its ID.
	SaveDraft(ctx context.Context, title, text, lang string) (articleID string, err error)
}

// HandoffStore is what the desk keeps its records in: conversations, handoffs, and
// the console users it routes to. *sqlite.Store implements it.
type HandoffStore interface {
	store.Store
	store.Handoffs
	User(ctx context.Context, id string) (store.User, error)
	ListUsers(ctx context.Context) ([]store.User, error)
}
