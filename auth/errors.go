package auth

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/andon-chat/andon/internal/apierr"
)

// Error is an auth failure with its HTTP status and a stable code from the
// catalogue in internal/apierr: the console decides what to show by Code,
// and a person reads Message. It is what Authenticate returns, so the agent
// WebSocket can refuse with the same code the JSON API uses.
type Error = apierr.Error

func errorf(status int, code, format string, args ...any) *Error {
	return apierr.New(status, code, format, args...)
}

// writeError answers with err as JSON. Anything that is not an *Error is a
// 500 whose details are logged, not shown.
func (s *Service) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *Error
	if !errors.As(err, &e) {
		s.log.ErrorContext(r.Context(), "auth request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		e = errorf(http.StatusInternalServerError, apierr.CodeInternal, "Something went wrong on the server; try again, and tell an admin if it persists.")
	}
	apierr.WriteJSON(w, e, s.now())
}

// WriteError answers with err in the API's error format; console handlers
// use it for what Authenticate returns so both speak the same JSON.
func (s *Service) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	s.writeError(w, r, err)
}

func writeJSON(w http.ResponseWriter, status int, v any) { apierr.Write(w, status, v) }

// decodeBody reads a JSON request body of at most 64 KiB into v.
func decodeBody(r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		return errorf(http.StatusBadRequest, apierr.CodeBadRequest, "The request body is not the expected JSON: %v.", err)
	}
	return nil
}
