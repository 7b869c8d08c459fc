package console

import (
	"encoding/json"
	"time"

	"github.com/gorilla/websocket"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
)

// writeLoop is the connection's only writer after the hello: queued frames
// with a write deadline each, and a ping every PingInterval (the pong
// extends the read deadline) after re-checking the session, so that a
// console logged out, disabled or demoted is closed within one interval.
// A failed write ends the connection.
//
// The widget's writer (widget/writer.go) differs on purpose: a visitor's
// connection has no writer goroutine while idle (a drain starts when
// frames are queued, pings come from a timer), because an instance holds
// thousands of mostly idle visitors and a goroutine with a ticker each
// would be most of their cost. A server has a handful of agents, whose
// consoles are busy, and the loop is also where the session is re-checked
// every interval; one goroutine per agent is the simpler design there.
func (c *agentConn) writeLoop() {
	ping := time.NewTicker(c.s.limits.PingInterval)
	defer ping.Stop()
	for {
		select {
		case f := <-c.send:
			if err := c.write(f); err != nil {
				c.close()
				return
			}
		case <-ping.C:
			if !c.checkSession() {
				return
			}
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.s.limits.WriteTimeout)); err != nil {
				c.close()
				return
			}
		case <-c.done:
			return
		}
	}
}

func (c *agentConn) write(f outFrame) error {
	raw := f.raw
	if f.update != nil {
		v := updateFrame(f.update)
		if v == nil {
			return nil
		}
		var err error
		if raw, err = json.Marshal(v); err != nil {
			return err
		}
	}
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.s.limits.WriteTimeout))
	return c.ws.WriteMessage(websocket.TextMessage, raw)
}

// The frames a watched conversation's updates become (docs/api.md).
type messageFrame struct {
	Type           string         `json:"type"`
	ConversationID string         `json:"conversation_id"`
	Message        *store.Message `json:"message"`
}

type stateFrame struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	State          string `json:"state"`
	Reason         string `json:"reason,omitempty"`
}

// visitorPresenceFrame tells whether the visitor is on the page, away or gone.
type visitorPresenceFrame struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	Presence       string `json:"presence"`
}

type typingFrame struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	From           string `json:"from"`
	On             bool   `json:"on"`
}

// updateFrame turns a hub update into its agent frame; nil for kinds an
// agent is not sent.
func updateFrame(u *conversation.Update) any {
	switch u.Kind {
	case conversation.KindMessage:
		return messageFrame{Type: "message", ConversationID: u.ConversationID, Message: u.Message}
	case conversation.KindState:
		return stateFrame{Type: "state", ConversationID: u.ConversationID, State: u.State, Reason: u.Reason}
	case conversation.KindTyping:
		return typingFrame{Type: "typing", ConversationID: u.ConversationID, From: u.From, On: u.On}
	case conversation.KindPresence:
		return visitorPresenceFrame{Type: "visitor_presence", ConversationID: u.ConversationID, Presence: u.Presence}
	}
	return nil
}
