package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Error is an auth failure with its HTTP status and a stable code: the
// console decides what to show by Code, and a person reads Message. It is
// what Authenticate returns, so the agent WebSocket can refuse with the
// same code the JSON API uses.
type Error struct {
	Status  int
	Code    string
	Message string
	// Until is when a lockout or rate limit ends (zero otherwise).
	Until time.Time
	// Messages is Message in each console language ("en", "sv"), for the
	// errors a person has to act on (a weak password); nil for the rest.
	Messages map[string]string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Error codes. They are part of the API (docs/api.md): never renamed.
const (
	CodeBadRequest         = "bad_request"
	CodeUnauthorized       = "unauthorized"        // 401: no session, or it ended
	CodeForbidden          = "forbidden"           // 403: the role does not allow it
	CodeCSRF               = "csrf"                // 403: X-CSRF-Token missing or wrong
	CodeBadOrigin          = "bad_origin"          // 403: a cross-site request
	CodeInvalidCredentials = "invalid_credentials" // 401: wrong e-mail or password
	CodeLocked             = "locked"              // 423: too many failures; Until says when it ends
	CodeRateLimited        = "rate_limited"        // 429: too many attempts; Retry-After
	CodeUserDisabled       = "user_disabled"       // 403 at login, 401 for a session
	CodeWrongPassword      = "wrong_password"      // 403: the current password is wrong
	CodeWeakPassword       = "weak_password"       // 400
	CodeInvalidEmail       = "invalid_email"       // 400
	CodeInvalidRole        = "invalid_role"        // 400
	CodeInvalidTeam        = "invalid_team"        // 400
	CodeEmailTaken         = "email_taken"         // 409
	CodeLastAdmin          = "last_admin"          // 409: the last active admin cannot be demoted or disabled
	CodeNotFound           = "not_found"           // 404: no such user
	CodeTokenInvalid       = "token_invalid"       // 404: unknown or replaced link
	CodeTokenUsed          = "token_used"          // 410
	CodeTokenExpired       = "token_expired"       // 410
	CodeInternal           = "internal"            // 500
)

func errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// errorBody is the JSON every failing route answers with.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Until   string `json:"until,omitempty"` // RFC 3339, for locked and rate_limited
	// Messages is the message in each console language, when it has them.
	Messages map[string]string `json:"messages,omitempty"`
}

// writeError answers with err as JSON. Anything that is not an *Error is a
// 500 whose details are logged, not shown.
func (s *Service) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *Error
	if !errors.As(err, &e) {
		s.log.ErrorContext(r.Context(), "auth request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		e = errorf(http.StatusInternalServerError, CodeInternal, "Something went wrong on the server; try again, and tell an admin if it persists.")
	}
	body := errorBody{Error: errorDetail{Code: e.Code, Message: e.Message, Messages: e.Messages}}
	if !e.Until.IsZero() {
		body.Error.Until = e.Until.UTC().Format(time.RFC3339)
		secs := math.Ceil(e.Until.Sub(s.now()).Seconds())
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(secs))))
	}
	writeJSON(w, e.Status, body)
}

// WriteError answers with err in the API's error format; console handlers
// use it for what Authenticate returns so both speak the same JSON.
func (s *Service) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	s.writeError(w, r, err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decodeBody reads a JSON request body of at most 64 KiB into v.
func decodeBody(r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		return errorf(http.StatusBadRequest, CodeBadRequest, "The request body is not the expected JSON: %v.", err)
	}
	return nil
}
