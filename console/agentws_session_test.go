package console

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/conversation"
)

// waitClosed reads until the socket ends and returns the error it ended
// with; the frames before (hello, presence, ...) are skipped.
func (a *agentWS) waitClosed(within time.Duration) error {
	a.t.Helper()
	_ = a.ws.SetReadDeadline(time.Now().Add(within))
	// The default close handler answers the close frame and, when the
	// server has already hung up, returns the failed write (broken pipe)
	// instead of the close frame it read: answer, and ignore that.
	a.ws.SetCloseHandler(func(code int, text string) error {
		_ = a.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
		return nil
	})
	for {
		if _, _, err := a.ws.ReadMessage(); err != nil {
			return err
		}
	}
}

// wantSessionEnded fails unless err is the close frame 1008 "session ended".
func wantSessionEnded(t *testing.T, what string, err error) {
	t.Helper()
	ce, ok := err.(*websocket.CloseError)
	if !ok || ce.Code != websocket.ClosePolicyViolation || ce.Text != "session ended" {
		t.Fatalf("%s: the socket ended with %v, want close 1008 \"session ended\"", what, err)
	}
}

// waitOffline waits until the desk counts no console of the user.
func (e *env) waitOffline(t *testing.T, userID string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		connected := false
		for _, p := range e.desk.Presence() {
			if p.ID == userID && p.Connections > 0 {
				connected = true
			}
		}
		if !connected {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the desk still counts the closed console as connected")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// The agent WebSocket must not outlive the session it was opened with:
// after logout-all, disabling or demotion the keep-alive re-check closes
// it with 1008 "session ended", and the desk's presence drops the console
// (visitors are no longer told that person is coming). A console whose
// session is fine keeps working through the same ticks.
func TestAgentSocketEndsWithItsSession(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		end  func(t *testing.T, admin, agent *client)
	}{
		{"logout-all", func(t *testing.T, _, agent *client) {
			agent.must(t, "POST", "/api/logout-all", nil, http.StatusOK, nil)
		}},
		{"disabled", func(t *testing.T, admin, agent *client) {
			admin.must(t, "PATCH", "/api/users/"+agent.user.ID, map[string]any{"disabled": true}, http.StatusOK, nil)
		}},
		{"demoted to editor", func(t *testing.T, admin, agent *client) {
			admin.must(t, "PATCH", "/api/users/"+agent.user.ID, map[string]any{"role": auth.RoleEditor}, http.StatusOK, nil)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOptions{limits: Limits{PingInterval: 20 * time.Millisecond}})
			admin := e.login(t, auth.RoleAdmin)
			agent := e.login(t, auth.RoleAgent, "billing")
			other := e.login(t, auth.RoleAgent, "billing")
			ws := agent.dial(t)
			ws.until("hello", func(f frame) bool { return f.Type == "hello" })
			ows := other.dial(t)
			ows.until("hello", func(f frame) bool { return f.Type == "hello" })

			tc.end(t, admin, agent)
			wantSessionEnded(t, tc.name, ws.waitClosed(5*time.Second))
			e.waitOffline(t, agent.user.ID)

			// The other console, whose session is fine, went through the
			// same ticks and still gets the queue live.
			id := e.escalate(t, conversation.Visit{Site: "default", Locale: "en", Attributes: map[string]string{"name": "Secret Customer"}})
			ows.until("item", isItem(id))
		})
	}
}

// A frame from the client re-checks the session (at most every
// SessionCheck) before it is acted on: a console logged out elsewhere
// cannot start watching a transcript before the next keep-alive tick.
func TestAgentSocketChecksSessionBeforeFrames(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{limits: Limits{PingInterval: time.Hour, SessionCheck: time.Nanosecond}})
	agent := e.login(t, auth.RoleAgent, "billing")
	id := e.escalate(t, conversation.Visit{Site: "default", Locale: "en"})
	ws := agent.dial(t)
	ws.until("hello", func(f frame) bool { return f.Type == "hello" })
	// Watching works while the session lasts.
	ws.send(map[string]any{"type": "watch", "conversation_id": id})
	ws.until("watching", func(f frame) bool { return f.Type == "watching" && f.ConversationID == id })

	agent.must(t, "POST", "/api/logout-all", nil, http.StatusOK, nil)
	ws.send(map[string]any{"type": "watch", "conversation_id": id})
	wantSessionEnded(t, "watch after logout-all", ws.waitClosed(5*time.Second))
	e.waitOffline(t, agent.user.ID)
}

// An admin disabling or demoting an agent ends that agent's open consoles
// at once, not at the next keep-alive (an hour away here).
func TestAgentSocketEndsWhenAnAdminChangesTheUser(t *testing.T) {
	t.Parallel()
	for _, change := range []map[string]any{{"disabled": true}, {"role": auth.RoleEditor}} {
		e := newEnv(t, envOptions{limits: Limits{PingInterval: time.Hour, SessionCheck: time.Hour}})
		admin := e.login(t, auth.RoleAdmin)
		agent := e.login(t, auth.RoleAgent, "billing")
		ws := agent.dial(t)
		ws.until("hello", func(f frame) bool { return f.Type == "hello" })
		admin.must(t, "PATCH", "/api/users/"+agent.user.ID, change, http.StatusOK, nil)
		wantSessionEnded(t, fmt.Sprint(change), ws.waitClosed(5*time.Second))
		e.waitOffline(t, agent.user.ID)
	}
}

// Logout-all ends the user's open consoles at once, like an admin's
// change: the keep-alive that would find out is an hour away here.
func TestAgentSocketEndsAtOnceOnLogoutAll(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{limits: Limits{PingInterval: time.Hour, SessionCheck: time.Hour}})
	agent := e.login(t, auth.RoleAgent, "billing")
	ws := agent.dial(t)
	ws.until("hello", func(f frame) bool { return f.Type == "hello" })
	agent.must(t, "POST", "/api/logout-all", nil, http.StatusOK, nil)
	wantSessionEnded(t, "logout-all", ws.waitClosed(5*time.Second))
	e.waitOffline(t, agent.user.ID)
}
