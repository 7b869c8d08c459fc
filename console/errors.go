package console

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/internal/apierr"
	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"
)

func apiErr(status int, code, format string, args ...any) *apierr.Error {
	return apierr.New(status, code, format, args...)
}

func badRequest(format string, args ...any) *apierr.Error {
	return apierr.New(http.StatusBadRequest, apierr.CodeBadRequest, format, args...)
}

// classify maps an error of the desk, the hub or the store to what the
// client is told. Anything unknown is internal: logged, not shown.
func classify(err error) *apierr.Error {
	// auth's errors are *apierr.Error too. The console's body has always
	// carried only code and message, so until, Retry-After and messages
	// are dropped here as they were before the catalogue.
	var ae *apierr.Error
	if errors.As(err, &ae) {
		if ae.Until.IsZero() && ae.Messages == nil {
			return ae
		}
		return &apierr.Error{Status: ae.Status, Code: ae.Code, Message: ae.Message}
	}
	switch {
	case errors.Is(err, handoff.ErrClaimed):
		return apiErr(http.StatusConflict, apierr.CodeClaimed, "Someone else has already claimed this conversation.")
	case errors.Is(err, handoff.ErrNotOwner):
		return apiErr(http.StatusForbidden, apierr.CodeNotOwner, "This conversation is not yours: claim it first, or ask the colleague who has it.")
	case errors.Is(err, handoff.ErrBadCategory):
		return apiErr(http.StatusBadRequest, apierr.CodeBadCategory, "That category is not in the configured list (GET /api/categories).")
	case errors.Is(err, handoff.ErrNoTarget):
		return apiErr(http.StatusBadRequest, apierr.CodeNoTarget, "Transfer to whom? Name an active agent (to_agent_id) or a configured team (to_team).")
	case errors.Is(err, knowledge.ErrNoArticle):
		return apiErr(http.StatusBadRequest, apierr.CodeBadRequest, "Field \"learn.article_id\" names no article (GET /api/articles?q= finds one).")
	case errors.Is(err, handoff.ErrNoteRequired):
		return apiErr(http.StatusBadRequest, apierr.CodeBadRequest, "Field \"note\" is required: the next person reads it first.")
	case errors.Is(err, handoff.ErrBadRequest):
		return apiErr(http.StatusBadRequest, apierr.CodeBadRequest, "%s", err.Error())
	case errors.Is(err, handoff.ErrClosed):
		return apiErr(http.StatusServiceUnavailable, apierr.CodeUnavailable, "The server is shutting down; try again in a moment.")
	case errors.Is(err, handoff.ErrNotFound), errors.Is(err, store.ErrNotFound), errors.Is(err, conversation.ErrNotFound):
		return apiErr(http.StatusNotFound, apierr.CodeNotFound, "There is no such conversation, or it has no open handoff.")
	case errors.Is(err, conversation.ErrEmptyText):
		return apiErr(http.StatusBadRequest, apierr.CodeEmptyText, "The text is empty.")
	case errors.Is(err, conversation.ErrTooManyMessages):
		return apiErr(http.StatusTooManyRequests, apierr.CodeRateLimited, "This conversation has had too many messages in the last minutes; send yours again in a minute (it was not stored).")
	case errors.Is(err, context.DeadlineExceeded):
		return apiErr(http.StatusServiceUnavailable, apierr.CodeUnavailable, "The server is busy; try again in a moment (nothing was changed or it was saved once).")
	}
	return nil
}

// fail answers with err as the API's error JSON and logs what the client is
// not told.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := classify(err)
	if e == nil {
		s.log.ErrorContext(r.Context(), "console request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		e = apiErr(http.StatusInternalServerError, apierr.CodeInternal, "Something went wrong on the server; try again, and tell an admin if it persists.")
	} else if e.Status >= 500 {
		s.log.WarnContext(r.Context(), "console request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		s.log.DebugContext(r.Context(), "console request refused", "method", r.Method, "path", r.URL.Path, "code", e.Code)
	}
	apierr.WriteJSON(w, e, time.Time{})
}
