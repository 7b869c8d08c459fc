package bench

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// frame is the subset of the visitor protocol the load tools read.
type frame struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	Token          string `json:"token"`
	Seq            int64  `json:"seq"`
	ClientID       string `json:"client_id"`
	From           string `json:"from"`
	Text           string `json:"text"`
	Code           string `json:"code"`
	Message        string `json:"message"`
}

// visitor is one simulated widget on one WebSocket.
type visitor struct {
	conn  *websocket.Conn
	token string
}

var dialer = websocket.Dialer{
	HandshakeTimeout: 10 * time.Second,
	ReadBufferSize:   1024,
	WriteBufferSize:  1024,
}

// dialVisitor connects and says hello (resuming token when given), and
// returns after the welcome frame.
func dialVisitor(addr, token string, lastSeq int64) (*visitor, error) {
	h := http.Header{"Origin": {"http://" + addr}}
	conn, _, err := dialer.Dial("ws://"+addr+"/ws/visitor", h)
	if err != nil {
		return nil, fmt.Errorf("couldn't connect: %w", err)
	}
	hello := map[string]any{"type": "hello", "locale": "en"}
	if token != "" {
		hello["token"] = token
		hello["last_seq"] = lastSeq
	}
	if err := conn.WriteJSON(hello); err != nil {
		conn.Close()
		return nil, fmt.Errorf("couldn't send hello: %w", err)
	}
	for {
		f, err := readFrame(conn)
		if err != nil {
			conn.Close()
			return nil, err
		}
		switch f.Type {
		case "welcome":
			return &visitor{conn: conn, token: f.Token}, nil
		case "error":
			conn.Close()
			return nil, fmt.Errorf("server refused hello: %s: %s", f.Code, f.Message)
		}
	}
}

func readFrame(conn *websocket.Conn) (frame, error) {
	var f frame
	_, data, err := conn.ReadMessage()
	if err != nil {
		return f, fmt.Errorf("couldn't read frame: %w", err)
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return f, fmt.Errorf("bad frame %q: %w", data, err)
	}
	return f, nil
}
