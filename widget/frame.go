package widget

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/andon-chat/andon/internal/apierr"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
)

// Bounds on hello's descriptive fields, so that one visitor cannot make a
// conversation row large.
const (
	maxTokenBytes    = 512
	maxLocaleBytes   = 35
	maxPageBytes     = 2048
	maxAttributes    = 32
	maxAttrKeyBytes  = 64
	maxAttrValBytes  = 512
	maxAttrsBytes    = 4096 // keys and values of all attributes together
	maxClientIDBytes = 64
	maxEmailBytes    = 254
	maxTimeZoneBytes = 64
)

// clientFrame is any client → server frame; which fields matter depends on
// Type. Pointers tell a missing field from a zero one.
type clientFrame struct {
	Type       string            `json:"type"`
	Token      string            `json:"token"`
	LastSeq    *int64            `json:"last_seq"`
	Locale     string            `json:"locale"`
	Page       string            `json:"page"`
	Attributes map[string]string `json:"attributes"`
	ClientID   string            `json:"client_id"`
	Text       *string           `json:"text"`
	On         *bool             `json:"on"`
	Seq        *int64            `json:"seq"`
	Helpful    *bool             `json:"helpful"`
	Email      *string           `json:"email"`
	TimeZone   string            `json:"time_zone"`
	Visible    *bool             `json:"visible"`
}

// protoError is a refusal sent to the client as an error frame; its
// Status is unused.
type protoError = apierr.Error

func badRequest(field, format string, args ...any) *protoError {
	return &protoError{Code: apierr.CodeBadRequest, Field: field, Message: fmt.Sprintf(format, args...)}
}

// decodeFrame parses and validates one client frame. Every refusal names the
// field at fault; a text over maxText bytes is too_large.
func decodeFrame(data []byte, maxText int) (clientFrame, *protoError) {
	var f clientFrame
	if !utf8.Valid(data) {
		return f, badRequest("", "frame is not valid UTF-8")
	}
	if err := json.Unmarshal(data, &f); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return clientFrame{}, badRequest(te.Field, "field %s has the wrong type (%s)", te.Field, te.Value)
		}
		return clientFrame{}, badRequest("", "frame is not one JSON object: %v", err)
	}
	switch f.Type {
	case "":
		return f, badRequest("type", "missing field type")
	case "hello":
		return f, checkHello(&f)
	case "message":
		if f.ClientID == "" {
			return f, badRequest("client_id", "missing field client_id")
		}
		if len(f.ClientID) > maxClientIDBytes {
			return f, badRequest("client_id", "client_id is longer than %d bytes", maxClientIDBytes)
		}
		if f.Text == nil {
			return f, withClient(badRequest("text", "missing field text"), f.ClientID)
		}
		if len(*f.Text) > maxText {
			return f, &protoError{Code: apierr.CodeTooLarge, Field: "text", ClientID: f.ClientID,
				Message: fmt.Sprintf("text is %d bytes; the limit is %d", len(*f.Text), maxText)}
		}
		if strings.TrimSpace(*f.Text) == "" {
			return f, withClient(badRequest("text", "text is empty"), f.ClientID)
		}
	case "typing":
		if f.On == nil {
			return f, badRequest("on", "missing field on")
		}
	case "feedback":
		if f.Seq == nil {
			return f, badRequest("seq", "missing field seq")
		}
		if *f.Seq < 1 {
			return f, badRequest("seq", "seq must be at least 1")
		}
		if f.Helpful == nil {
			return f, badRequest("helpful", "missing field helpful")
		}
	case "human", "bot":
	case "presence":
		if f.Visible == nil {
			return f, badRequest("visible", "missing field visible")
		}
	case "contact":
		if f.Email == nil || strings.TrimSpace(*f.Email) == "" {
			return f, badRequest("email", "missing field email")
		}
		if len(*f.Email) > maxEmailBytes {
			return f, badRequest("email", "email is longer than %d bytes", maxEmailBytes)
		}
	default:
		return f, badRequest("type", "unknown type %q", f.Type)
	}
	return f, nil
}

func withClient(e *protoError, clientID string) *protoError {
	e.ClientID = clientID
	return e
}

// checkHello bounds what a hello may make the server keep: a page or
// attributes over their bounds are too_large (field page / attributes), a
// malformed one bad_request.
func checkHello(f *clientFrame) *protoError {
	switch {
	case len(f.Token) > maxTokenBytes:
		return badRequest("token", "token is longer than %d bytes", maxTokenBytes)
	case f.LastSeq != nil && *f.LastSeq < 0:
		return badRequest("last_seq", "last_seq must not be negative")
	case len(f.Locale) > maxLocaleBytes:
		return badRequest("locale", "locale is longer than %d bytes", maxLocaleBytes)
	case len(f.Page) > maxPageBytes:
		return tooLarge("page", "page is %d bytes; the limit is %d", len(f.Page), maxPageBytes)
	case len(f.Attributes) > maxAttributes:
		return tooLarge("attributes", "%d attributes; the limit is %d", len(f.Attributes), maxAttributes)
	case len(f.TimeZone) > maxTimeZoneBytes:
		return badRequest("time_zone", "time_zone is longer than %d bytes", maxTimeZoneBytes)
	}
	if f.TimeZone != "" {
		// A zone this server's tzdata does not know (newer than it, or
		// made up) is dropped rather than refusing the hello: the visitor
		// then reads opening times in the team's zone.
		if _, err := time.LoadLocation(f.TimeZone); err != nil || f.TimeZone == "Local" {
			f.TimeZone = ""
		}
	}
	total := 0
	for k, v := range f.Attributes {
		if k == "" {
			return badRequest("attributes", "an attribute has an empty name")
		}
		if len(k) > maxAttrKeyBytes || len(v) > maxAttrValBytes {
			return tooLarge("attributes", "attribute %.64q: names up to %d bytes, values up to %d", k, maxAttrKeyBytes, maxAttrValBytes)
		}
		total += len(k) + len(v)
	}
	if total > maxAttrsBytes {
		return tooLarge("attributes", "attributes are %d bytes together; the limit is %d", total, maxAttrsBytes)
	}
	return nil
}

func tooLarge(field, format string, args ...any) *protoError {
	return &protoError{Code: apierr.CodeTooLarge, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Server → client frames.

type welcomeFrame struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	Token          string `json:"token"`
	State          string `json:"state"`
}

type messageFrame struct {
	Type     string         `json:"type"`
	Seq      int64          `json:"seq"`
	ClientID string         `json:"client_id,omitempty"`
	From     string         `json:"from"`
	Author   string         `json:"author,omitempty"`
	Text     string         `json:"text"`
	Sources  []store.Source `json:"sources,omitempty"`
	At       time.Time      `json:"at"`
}

type deltaFrame struct {
	Type string `json:"type"`
	Seq  int64  `json:"seq"`
	Text string `json:"text"`
}

// stateFrame's Author names the agent the conversation is with (state
// human), also when resumed and before the agent writes; omitted when
// unknown, so older clients see the frame they know.
type stateFrame struct {
	Type       string `json:"type"`
	State      string `json:"state"`
	Reason     string `json:"reason,omitempty"`
	ETASeconds *int   `json:"eta_seconds,omitempty"`
	Author     string `json:"author,omitempty"`
}

// typingFrame's Author is the typing agent's name, as on their messages.
type typingFrame struct {
	Type   string `json:"type"`
	From   string `json:"from"`
	Author string `json:"author,omitempty"`
	On     bool   `json:"on"`
}

// toMessageFrame shows a stored message to a visitor: the bot's decision
// record (Meta) stays on the server, for the people behind it.
func toMessageFrame(m *store.Message) messageFrame {
	return messageFrame{Type: "message", Seq: m.Seq, ClientID: m.ClientID, From: m.From,
		Author: m.Author, Text: m.Text, Sources: m.Sources, At: m.At}
}

func toErrorFrame(e *protoError) apierr.ErrorFrame { return apierr.Frame(e) }

// updateFrame turns a hub update into the visitor's frame.
func updateFrame(u *conversation.Update) any {
	switch u.Kind {
	case conversation.KindMessage:
		return toMessageFrame(u.Message)
	case conversation.KindDelta:
		return deltaFrame{Type: "delta", Seq: u.Seq, Text: u.Text}
	case conversation.KindState:
		return stateFrame{Type: "state", State: u.State, Reason: u.Reason, ETASeconds: u.ETASeconds, Author: u.Author}
	case conversation.KindTyping:
		return typingFrame{Type: "typing", From: u.From, Author: u.Author, On: u.On}
	}
	return nil
}
