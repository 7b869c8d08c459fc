package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"
)

// Error codes of the console API. They are part of docs/api.md: clients
// switch on them, so they are never renamed.
const (
	codeBadRequest  = "bad_request"
	codeBadCategory = "bad_category"
	codeNoTarget    = "no_target"
	codeEmptyText   = "empty_text"
	codeNotOwner    = "not_owner"
	codeNotFound    = "not_found"
	codeClaimed     = "claimed"
	codeClosed      = "closed"
	codeTooLarge    = "too_large"
	codeInternal    = "internal"
	codeUnavailable = "unavailable"
	codeRateLimited = "rate_limited"
)

// apiError is a refusal with its HTTP status and stable code.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func apiErr(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *apiError {
	return apiErr(http.StatusBadRequest, codeBadRequest, format, args...)
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// classify maps an error of the desk, the hub or the store to what the
// client is told. Anything unknown is internal: logged, not shown.
func classify(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var authErr *auth.Error
	if errors.As(err, &authErr) {
		return &apiError{status: authErr.Status, code: authErr.Code, message: authErr.Message}
	}
	switch {
	case errors.Is(err, handoff.ErrClaimed):
		return apiErr(http.StatusConflict, codeClaimed, "Someone else has already claimed this conversation.")
	case errors.Is(err, handoff.ErrNotOwner):
		return apiErr(http.StatusForbidden, codeNotOwner, "This conversation is not yours: claim it first, or ask the colleague who has it.")
	case errors.Is(err, handoff.ErrBadCategory):
		return apiErr(http.StatusBadRequest, codeBadCategory, "That category is not in the configured list (GET /api/categories).")
	case errors.Is(err, handoff.ErrNoTarget):
		return apiErr(http.StatusBadRequest, codeNoTarget, "Transfer to whom? Name an active agent (to_agent_id) or a configured team (to_team).")
	case errors.Is(err, knowledge.ErrNoArticle):
		return apiErr(http.StatusBadRequest, codeBadRequest, "Field \"learn.article_id\" names no article (GET /api/articles?q= finds one).")
	case errors.Is(err, handoff.ErrNoteRequired):
		return apiErr(http.StatusBadRequest, codeBadRequest, "Field \"note\" is required: the next person reads it first.")
	case errors.Is(err, handoff.ErrBadRequest):
		return apiErr(http.StatusBadRequest, codeBadRequest, "%s", err.Error())
	case errors.Is(err, handoff.ErrClosed):
		return apiErr(http.StatusServiceUnavailable, codeUnavailable, "The server is shutting down; try again in a moment.")
	case errors.Is(err, handoff.ErrNotFound), errors.Is(err, store.ErrNotFound), errors.Is(err, conversation.ErrNotFound):
		return apiErr(http.StatusNotFound, codeNotFound, "There is no such conversation, or it has no open handoff.")
	case errors.Is(err, conversation.ErrEmptyText):
		return apiErr(http.StatusBadRequest, codeEmptyText, "The text is empty.")
	case errors.Is(err, conversation.ErrTooManyMessages):
		return apiErr(http.StatusTooManyRequests, codeRateLimited, "This conversation has had too many messages in the last minutes; send yours again in a minute (it was not stored).")
	case errors.Is(err, context.DeadlineExceeded):
		return apiErr(http.StatusServiceUnavailable, codeUnavailable, "The server is busy; try again in a moment (nothing was changed or it was saved once).")
	}
	return nil
}

// fail answers with err as the API's error JSON and logs what the client is
// not told.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := classify(err)
	if e == nil {
		s.log.ErrorContext(r.Context(), "console request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		e = apiErr(http.StatusInternalServerError, codeInternal, "Something went wrong on the server; try again, and tell an admin if it persists.")
	} else if e.status >= 500 {
		s.log.WarnContext(r.Context(), "console request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		s.log.DebugContext(r.Context(), "console request refused", "method", r.Method, "path", r.URL.Path, "code", e.code)
	}
	writeJSON(w, e.status, errorBody{Error: errorDetail{Code: e.code, Message: e.message}})
}
