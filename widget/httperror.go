package widget

import (
	"encoding/json"
	"net/http"
)

// httpError is the JSON body of a refused HTTP request, with the same
// stable codes as the protocol's error frames.
type httpError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeError renders a refusal; never called after a WebSocket upgrade.
func writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(httpError{Code: code, Message: message})
}
