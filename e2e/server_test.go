package e2e

import (
	"os"
	"testing"
)

// server is the andon under test, reached over HTTP.
type server struct{ URL string }

// startServer returns the server the browser talks to. ANDON_E2E_URL points
// the tests at an andon that is already running (for example
// `go run ./cmd/andon serve`).
func startServer(t *testing.T) server {
	t.Helper()
	if u := os.Getenv("ANDON_E2E_URL"); u != "" {
		return server{URL: u}
	}
	t.Skip("skipping browser test: set ANDON_E2E_URL to a running andon (in-process server pending package app)")
	return server{}
}
