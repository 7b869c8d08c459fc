package widget

import (
	"net/http"

	"github.com/andon-chat/andon/internal/apierr"
)

// httpError is the JSON body of a refused HTTP request, with the same
// stable codes (internal/apierr) as the protocol's error frames. It stays
// flat, {code, message}, rather than apierr.WriteJSON's {"error": {...}}:
// docs/protocol.md published this shape to site owners' widgets before the
// catalogue, and a visitor's widget may be an old copy cached by a page.
type httpError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeError renders a refusal; never called after a WebSocket upgrade.
func writeError(w http.ResponseWriter, status int, code, message string) {
	apierr.Write(w, status, httpError{Code: code, Message: message})
}
