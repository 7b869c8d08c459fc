// Package apierr is the one catalogue of refusal codes the console API, auth
// and the visitor protocol answer with, and their two renderings: the JSON
// error body of an HTTP answer and the WebSocket "error" frame. The codes are
// part of docs/api.md and docs/protocol.md: clients switch on them, so they
// are never renamed.
package apierr

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Codes shared by the console API and the visitor protocol.
const (
	CodeBadRequest   = "bad_request"
	CodeTooLarge     = "too_large"
	CodeRateLimited  = "rate_limited" // 429; Until, when known, says when it ends
	CodeNotFound     = "not_found"
	CodeTokenExpired = "token_expired"
)

// Codes of the console API (docs/api.md), auth's included.
const (
	CodeBadCategory        = "bad_category"
	CodeNoTarget           = "no_target"
	CodeEmptyText          = "empty_text"
	CodeNotOwner           = "not_owner"
	CodeClaimed            = "claimed"
	CodeClosed             = "closed"
	CodeUnavailable        = "unavailable"
	CodeUnauthorized       = "unauthorized"        // 401: no session, or it ended
	CodeForbidden          = "forbidden"           // 403: the role does not allow it
	CodeCSRF               = "csrf"                // 403: X-CSRF-Token missing or wrong
	CodeBadOrigin          = "bad_origin"          // 403: a cross-site request
	CodeInvalidCredentials = "invalid_credentials" // 401: wrong e-mail or password
	CodeLocked             = "locked"              // 423: too many failures; Until says when it ends
	CodeUserDisabled       = "user_disabled"       // 403 at login, 401 for a session
	CodeWrongPassword      = "wrong_password"      // 403: the current password is wrong
	CodeWeakPassword       = "weak_password"       // 400
	CodeInvalidEmail       = "invalid_email"       // 400
	CodeInvalidRole        = "invalid_role"        // 400
	CodeInvalidTeam        = "invalid_team"        // 400
	CodeEmailTaken         = "email_taken"         // 409
	CodeConflict           = "conflict"            // 409: an article changed since the version the save was based on
	CodeLastAdmin          = "last_admin"          // 409: the last active admin cannot be demoted or disabled
	CodeTokenInvalid       = "token_invalid"       // 404: unknown or replaced link
	CodeTokenUsed          = "token_used"          // 410
	// CodeInternal is the console API's 500. The visitor protocol
	// documented "internal_error" for the same thing; both are published,
	// so both stay.
	CodeInternal = "internal"
)

// Codes of the visitor protocol (docs/protocol.md).
const (
	CodeInternalError      = "internal_error"
	CodeBadToken           = "bad_token"
	CodeForbiddenOrigin    = "forbidden_origin"
	CodeForbiddenIdentity  = "forbidden_identity"
	CodeUnknownSite        = "unknown_site"
	CodeTooManyConnections = "too_many_connections"
	CodeServerBusy         = "server_busy"
	CodeShuttingDown       = "shutting_down"
	CodeNotWaiting         = "not_waiting"
)

// Error is a refusal: a stable Code to switch on and a Message a person
// reads, with what the client needs to act on it.
type Error struct {
	Status  int // the HTTP status; unused in a frame
	Code    string
	Message string
	// Field is the offending field of a frame, for bad_request and too_large.
	Field string
	// ClientID is the message a frame's refusal concerns, so the widget
	// can offer a retry.
	ClientID string
	// Until is when a lockout or rate limit ends (zero otherwise).
	Until time.Time
	// Messages is Message in each console language ("en", "sv"), for the
	// errors a person has to act on (a weak password); nil for the rest.
	Messages map[string]string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// New returns a refusal with a formatted message.
func New(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// body is the JSON error body of docs/api.md: {"error": {...}}.
type body struct {
	Error detail `json:"error"`
}

type detail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Until   string `json:"until,omitempty"` // RFC 3339, for locked and rate_limited
	// Messages is the message in each console language, when it has them.
	Messages map[string]string `json:"messages,omitempty"`
}

// WriteJSON answers with e as the API's error body and e.Status; an e with
// Until also gets a Retry-After header in whole seconds from now (at least 1).
func WriteJSON(w http.ResponseWriter, e *Error, now time.Time) {
	b := body{Error: detail{Code: e.Code, Message: e.Message, Messages: e.Messages}}
	if !e.Until.IsZero() {
		b.Error.Until = e.Until.UTC().Format(time.RFC3339)
		secs := math.Ceil(e.Until.Sub(now).Seconds())
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(secs))))
	}
	Write(w, e.Status, b)
}

// Write answers with v as JSON that no cache keeps.
func Write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// ErrorFrame is the WebSocket "error" frame of both sockets.
type ErrorFrame struct {
	Type     string `json:"type"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Field    string `json:"field,omitempty"`
	ClientID string `json:"client_id,omitempty"`
}

// Frame renders e as an error frame.
func Frame(e *Error) ErrorFrame {
	return ErrorFrame{Type: "error", Code: e.Code, Message: e.Message, Field: e.Field, ClientID: e.ClientID}
}
