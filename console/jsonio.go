package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/andon-chat/andon/internal/apierr"
	"io"
	"net/http"
	"strings"
)

// maxBody bounds a request body; replies and notes are far smaller.
const maxBody = 64 << 10

// decode reads r's body into v strictly: one JSON object, no unknown field,
// every value of the right type, nothing after it. An empty body is {} for
// the routes whose fields are all optional (allowEmpty). The error says
// which field is wrong, because the caller is a person writing a script.
func decode(w http.ResponseWriter, r *http.Request, v any, allowEmpty bool) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return apiErr(http.StatusRequestEntityTooLarge, apierr.CodeTooLarge, "The request body is over %d KiB.", maxBody>>10)
		}
		return badRequest("Couldn't read the request body: %v.", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if allowEmpty {
			return nil
		}
		return badRequest("The request needs a JSON body.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("%s", describeJSONError(err))
	}
	if dec.More() {
		return badRequest("The body must hold exactly one JSON object; something follows it.")
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("The body must hold exactly one JSON object; something follows it.")
	}
	return nil
}

// describeJSONError turns encoding/json's errors into a sentence naming
// the field.
func describeJSONError(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return fmt.Sprintf("The body must be a JSON object, not %s.", typeErr.Value)
		}
		return fmt.Sprintf("Field %q must be %s, not %s.", typeErr.Field, jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("The body is not valid JSON (at byte %d): %v.", syntaxErr.Offset, err)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Sprintf("Unknown field %s.", strings.TrimPrefix(err.Error(), "json: unknown field "))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "The body is cut off: the JSON object is not closed."
	}
	return fmt.Sprintf("The body is not the expected JSON: %v.", err)
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "int", "int64", "float64":
		return "a number"
	case "slice":
		return "an array"
	case "map", "struct", "ptr":
		return "an object"
	}
	return goKind
}

// writeJSON answers with v as JSON; API answers are never cached.
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
