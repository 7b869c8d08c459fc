package mailin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
	"github.com/emersion/go-smtp"
)

// maxMessageIDBytes bounds a Message-ID used as is in a client_id; longer
// ones are hashed.
const maxMessageIDBytes = 200

// ClientIDPrefix starts the client_id of every message that came by mail,
// followed by the mail's Message-ID, so that a mail delivered twice is
// stored once.
const ClientIDPrefix = "mail:"

// deliver posts one received mail to the conversations of its accepted
// recipients, or says in an SMTP reply why it will not.
func (s *Server) deliver(ctx context.Context, envFrom string, convs []string, raw []byte) error {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return reject(554, smtp.EnhancedCode{5, 6, 0}, "Couldn't read the mail: "+err.Error())
	}
	h := msg.Header
	msgID := messageID(h.Get("Message-Id"), raw)
	log := s.log.With("message_id", msgID, "conversations", convs)
	if why := automatic(envFrom, h); why != "" {
		// Accepted and dropped: refusing an automatic reply would only
		// bounce back and forth.
		log.Info("mail ignored: automatic", "why", why)
		return nil
	}
	if n := len(h["From"]); n != 1 {
		// net/mail's Get reads only the first: a second From could show
		// one sender to a person and be checked as another.
		log.Info("mail refused: From headers", "count", n)
		return reject(550, smtp.EnhancedCode{5, 6, 0}, fmt.Sprintf("The mail must have exactly one From header (it has %d)", n))
	}
	sender, ok := fromAddress(h.Get("From"))
	if !ok {
		log.Info("mail refused: no single From address", "from", h.Get("From"))
		return reject(550, smtp.EnhancedCode{5, 1, 7}, "The mail must come from exactly one address (its From header)")
	}
	c, err := readContent(h, msg.Body)
	if err != nil {
		log.Info("mail refused: unreadable content", "err", err)
		return reject(554, smtp.EnhancedCode{5, 6, 0}, "Couldn't read the text of the mail: "+err.Error())
	}
	full, err := c.text()
	if err != nil {
		log.Info("mail refused: no text", "attachments", c.attachments)
		return reject(550, smtp.EnhancedCode{5, 6, 0}, "The mail has no text: write your answer in the mail itself")
	}
	text := stripQuoted(full)
	if text == "" {
		log.Info("mail refused: empty once quotes are removed")
		return reject(550, smtp.EnhancedCode{5, 6, 0}, "The reply is empty once the quoted earlier mail is removed: write your answer above the quoted text")
	}
	if len(text) > s.maxText {
		log.Info("mail refused: reply too long", "bytes", len(text), "max", s.maxText)
		return reject(552, smtp.EnhancedCode{5, 3, 4}, fmt.Sprintf("The reply is too long (%d bytes, at most %d): please shorten it or continue in the chat", len(text), s.maxText))
	}
	// Check every conversation before posting to any, so a refusal stores
	// nothing.
	for _, id := range convs {
		conv, err := s.hub.Conversation(ctx, id)
		if err != nil {
			log.Error("couldn't load a conversation for mail", "conversation", id, "err", err)
			return reject(451, smtp.EnhancedCode{4, 3, 0}, "Temporary failure, please try again later")
		}
		if want := visitorAddress(conv); want == "" || !strings.EqualFold(want, sender) {
			log.Info("mail refused: wrong sender", "conversation", id, "from", sender)
			return reject(550, smtp.EnhancedCode{5, 7, 1}, "Sender refused: "+sender+" is not the address this conversation continues with")
		}
	}
	if c.attachments > 0 {
		log.Info("mail attachments ignored", "attachments", c.attachments)
	}
	for _, id := range convs {
		if err := s.post(ctx, id, msgID, text); errors.Is(err, conversation.ErrTooManyMessages) {
			log.Warn("mailed reply refused: conversation over its message rate", "conversation", id)
			return reject(451, smtp.EnhancedCode{4, 7, 0}, "Too many messages in this conversation just now; please try again later")
		} else if err != nil {
			log.Error("couldn't post a mailed reply", "conversation", id, "err", err)
			return reject(451, smtp.EnhancedCode{4, 3, 0}, "Temporary failure, please try again later")
		}
	}
	return nil
}

// post adds text to conversation id as a visitor message. A mail answers a
// person, so when the conversation is with the bot (it was resolved, or
// handed back) it goes to the queue instead of getting a bot answer that
// nobody would mail.
func (s *Server) post(ctx context.Context, id, msgID, text string) error {
	m, dup, err := s.hub.PostVisitorMessage(ctx, id, ClientIDPrefix+msgID, text)
	if err != nil {
		return err
	}
	if dup {
		s.log.Info("mail already stored", "conversation", id, "seq", m.Seq, "message_id", msgID)
		return nil
	}
	s.log.Info("mail posted", "conversation", id, "seq", m.Seq, "message_id", msgID)
	conv, err := s.hub.Conversation(ctx, id)
	if err != nil {
		return nil // the message is stored; the next retry would be a duplicate anyway
	}
	if conv.State == store.StateBot {
		if err := s.hub.AskForHuman(ctx, id); err != nil {
			s.log.Warn("couldn't queue a mailed reply for a person", "conversation", id, "err", err)
		}
	}
	return nil
}

// angleAddr is the address in the angle brackets at the end of a From
// header.
var angleAddr = regexp.MustCompile(`<([^<>@\s]+@[^<>@\s]+)>\s*$`)

// fromAddress is the one address of a From header. A display name that
// net/mail cannot decode (an encoded word in a charset it does not know,
// such as windows-1252) does not hide the address after it.
func fromAddress(v string) (string, bool) {
	list, err := mail.ParseAddressList(v)
	if err == nil {
		if len(list) != 1 {
			return "", false
		}
		return list[0].Address, true
	}
	m := angleAddr.FindStringSubmatch(v)
	if m == nil {
		return "", false
	}
	a, err := mail.ParseAddress("<" + m[1] + ">")
	if err != nil {
		return "", false
	}
	return a.Address, true
}

// visitorAddress is the address the conversation's mails go to: the one the
// visitor left, else the email attribute the site passed.
func visitorAddress(c store.Conversation) string {
	if c.Email != "" {
		return c.Email
	}
	return c.Attributes["email"]
}

// messageID is the mail's Message-ID without brackets, or a hash of the mail
// when it has none; long ones are hashed so the client_id stays short.
func messageID(header string, raw []byte) string {
	id := strings.TrimSpace(header)
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	switch {
	case id == "":
		sum := sha256.Sum256(raw)
		return "sha256:" + hex.EncodeToString(sum[:16])
	case len(id) > maxMessageIDBytes:
		sum := sha256.Sum256([]byte(id))
		return "sha256:" + hex.EncodeToString(sum[:16])
	}
	return id
}

// automatic says why a mail was sent by a machine (a bounce, an
// out-of-office reply, a list), or "".
func automatic(envFrom string, h mail.Header) string {
	if envFrom == "" {
		return "null sender (a bounce)"
	}
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return "Auto-Submitted: " + v
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond"} {
		if h.Get(k) != "" {
			return k
		}
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "junk", "list", "auto_reply":
		return "Precedence: " + h.Get("Precedence")
	}
	return ""
}
