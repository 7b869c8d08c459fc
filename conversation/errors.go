package conversation

import (
	"errors"

	"github.com/andon-chat/andon/store"
)

// Errors an endpoint turns into a protocol error code. They are wrapped with
// context, so compare with errors.Is.
var (
	// ErrNotFound: the conversation does not exist (it is store.ErrNotFound,
	// so either name matches).
	ErrNotFound = store.ErrNotFound
	// ErrInvalidEmail: a contact address that net/mail does not accept.
	ErrInvalidEmail = errors.New("invalid e-mail address")
	// ErrNotBotMessage: feedback about a seq that is not a bot's message.
	ErrNotBotMessage = errors.New("not a bot message")
	// ErrInvalidState: a state name outside bot, waiting, human, closed.
	ErrInvalidState = errors.New("invalid state")
	// ErrNotWaiting: going back to the bot from a conversation that does
	// not wait for a person (or has no bot to go back to).
	ErrNotWaiting = errors.New("not waiting for a person")
	// ErrEmptyText: a message without text.
	ErrEmptyText = errors.New("empty text")
	// ErrTooManyMessages: the conversation grew faster than
	// Options.MessagesPerMinute allows; nothing was stored, try later.
	ErrTooManyMessages = errors.New("too many messages in this conversation; try again later")
	// ErrHubClosed: the hub is shutting down and takes no more work.
	ErrHubClosed = errors.New("conversation hub closed")
)
