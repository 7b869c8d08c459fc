// Package console is what agents see and call: the JSON API under /api/
// for the desk (queue, claim, reply, transfer, resolve, ...), the agent
// WebSocket at /ws/agent for live events, and the embedded web UI at
// /console/, which uses exactly that API (docs/api.md).
package console

// Server serves the console's API, WebSocket and UI.
type Server struct {
	assets map[string]*asset
}
