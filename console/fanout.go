package console

import (
	"encoding/json"
	"sync"

	"github.com/andon-chat/andon/handoff"
)

// registry is the set of connected agent consoles that the desk's events
// are fanned out to. Fan-out never blocks: each console has its own bounded
// queue, and one whose queue is full is evicted after the loop, outside the
// lock.
type registry struct {
	mu     sync.RWMutex
	conns  map[*agentConn]struct{}
	closed bool // Close has taken the list: no one joins any more
}

// register adds c to the fan-out; false once the console is closing.
func (s *Server) register(c *agentConn) bool {
	s.reg.mu.Lock()
	defer s.reg.mu.Unlock()
	if s.reg.closed {
		return false
	}
	s.reg.conns[c] = struct{}{}
	return true
}

func (s *Server) unregister(c *agentConn) {
	s.reg.mu.Lock()
	delete(s.reg.conns, c)
	s.reg.mu.Unlock()
}

// Frames of desk events (docs/api.md).
type itemFrame struct {
	Type string   `json:"type"`
	Item itemJSON `json:"item"`
}

type removedFrame struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
}

type noteFrame struct {
	Type           string   `json:"type"`
	ConversationID string   `json:"conversation_id"`
	Note           noteJSON `json:"note"`
}

type presenceFrame struct {
	Type   string         `json:"type"`
	Agents []presenceJSON `json:"agents"`
}

type pageFrame struct {
	Type           string   `json:"type"`
	ConversationID string   `json:"conversation_id"`
	Level          int      `json:"level"`
	Paged          []string `json:"paged"`
}

// onDeskEvent is the desk subscriber: it encodes the event once and queues
// it for every console. An item that another agent now owns is, for
// everyone else, gone from their queue: they are sent item_removed, so
// that all consoles agree with what GET /api/queue would answer.
func (s *Server) onDeskEvent(e handoff.Event) {
	var all, removed []byte
	var owner string
	switch e.Type {
	case "item":
		if e.Item == nil {
			return
		}
		all, _ = json.Marshal(itemFrame{Type: "item", Item: toItem(*e.Item)})
		if owner = e.Item.AssigneeID; owner != "" {
			removed, _ = json.Marshal(removedFrame{Type: "item_removed", ConversationID: e.Item.ConversationID})
		}
	case "item_removed":
		all, _ = json.Marshal(removedFrame{Type: "item_removed", ConversationID: e.ConversationID})
	case "note":
		if e.Note == nil {
			return
		}
		all, _ = json.Marshal(noteFrame{Type: "note", ConversationID: e.ConversationID, Note: toNote(*e.Note)})
	case "presence":
		all, _ = json.Marshal(presenceFrame{Type: "presence", Agents: toPresence(e.Presence)})
	case "page":
		all, _ = json.Marshal(pageFrame{Type: "page", ConversationID: e.ConversationID, Level: e.Level, Paged: nonNil(e.Paged)})
	default:
		return
	}
	var victims []*agentConn
	s.reg.mu.RLock()
	for c := range s.reg.conns {
		raw := all
		if owner != "" && c.user.ID != owner {
			raw = removed
		}
		if !c.push(outFrame{raw: raw}) {
			victims = append(victims, c)
		}
	}
	s.reg.mu.RUnlock()
	for _, c := range victims {
		c.Evict()
	}
}
