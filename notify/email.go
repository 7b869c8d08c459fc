package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"

	"github.com/andon-chat/andon/store"
	mail "github.com/wneessen/go-mail"
)

// mailClient connects to the configured SMTP server for one delivery.
func (d *Dispatcher) mailClient() (*mail.Client, error) {
	s := d.cfg.SMTP
	if s.Host == "" {
		return nil, ErrNoSMTP
	}
	tlsConfig := &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
	if d.tlsConfig != nil {
		tlsConfig = d.tlsConfig.Clone()
		if tlsConfig.ServerName == "" {
			tlsConfig.ServerName = s.Host
		}
	}
	opts := []mail.Option{mail.WithTLSConfig(tlsConfig)}
	if s.Port != 0 {
		opts = append(opts, mail.WithPort(s.Port))
	}
	if s.Timeout > 0 {
		opts = append(opts, mail.WithTimeout(s.Timeout))
	}
	switch s.TLS {
	case "", "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		return nil, fmt.Errorf("smtp.tls is %q, want starttls, tls or none", s.TLS)
	}
	if s.Username != "" {
		// PLAIN over the encrypted connection; go-mail refuses it on a
		// plain-text one unless the server is local, which is what "none"
		// is for.
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(s.Username), mail.WithPassword(s.Password))
	}
	c, err := mail.NewClient(s.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("couldn't set up the SMTP client: %w", err)
	}
	return c, nil
}

// mailText is one mail: plain text and HTML alternatives of the same words.
type mailText struct {
	to      []string
	subject string
	text    string
	html    string
	headers map[string]string
	replyTo string
}

// sendMail delivers m through the configured server once.
func (d *Dispatcher) sendMail(ctx context.Context, m mailText) (int, error) {
	c, err := d.mailClient()
	if err != nil {
		return 0, &attemptError{err: err, permanent: true}
	}
	msg := mail.NewMsg()
	if err := msg.From(d.cfg.SMTP.From); err != nil {
		return 0, &attemptError{err: fmt.Errorf("couldn't use sender %q: %w", d.cfg.SMTP.From, err), permanent: true}
	}
	if err := msg.To(m.to...); err != nil {
		return 0, &attemptError{err: fmt.Errorf("couldn't use recipients %q: %w", m.to, err), permanent: true}
	}
	if m.replyTo != "" {
		if err := msg.ReplyTo(m.replyTo); err != nil {
			return 0, &attemptError{err: fmt.Errorf("couldn't use reply address %q: %w", m.replyTo, err), permanent: true}
		}
	}
	msg.Subject(m.subject)
	msg.SetDateWithValue(d.now())
	msg.SetMessageID()
	for k, v := range m.headers {
		msg.SetGenHeader(mail.Header(k), v)
	}
	msg.SetBodyString(mail.TypeTextPlain, m.text)
	if m.html != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.html)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		var se *mail.SendError
		if errors.As(err, &se) {
			code := se.ErrorCode()
			// A 5xx reply is the server's final word (unknown mailbox,
			// refused sender); anything else may pass next time.
			return code, &attemptError{err: fmt.Errorf("couldn't send mail: %w", err), permanent: code >= 500 && code < 600}
		}
		return 0, &attemptError{err: fmt.Errorf("couldn't send mail: %w", err)}
	}
	return 250, nil
}

// sendNotifyMail mails e to the channel's own addresses. The people e
// pages are mailed by the page channel, not mixed in here.
func (d *Dispatcher) sendNotifyMail(ctx context.Context, c channel, del store.Delivery, e Event) (int, error) {
	to := recipients(c.email.To)
	if len(to) == 0 {
		return 0, &attemptError{err: errors.New("no recipients"), permanent: true}
	}
	m := notifyMail(e)
	m.to = to
	m.headers = map[string]string{HeaderDelivery: del.ID, HeaderEvent: e.Type}
	return d.sendMail(ctx, m)
}

// recipients joins address lists without repeats (case-insensitively) or
// blanks, in order.
func recipients(lists ...[]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lists {
		for _, a := range l {
			a = strings.TrimSpace(a)
			k := strings.ToLower(a)
			if a == "" || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, a)
		}
	}
	return out
}

// MailsVisitors reports whether a reply can be mailed to a visitor at all:
// an SMTP server is configured. Without one the visitor is never promised
// an e-mail.
func (d *Dispatcher) MailsVisitors() bool { return CanMail(d.cfg.SMTP) }

// CanMail reports whether s names a mail server to send through.
func CanMail(s SMTP) bool { return s.Host != "" }

// MailReply mails the visitor the agent's reply, in the visitor's language,
// with a link back to the chat and, when Options.ReplyTo is set, the
// Reply-To address that brings an answer back into the conversation. It is synchronous: the desk tells the agent
// when the mail could not be sent.
func (d *Dispatcher) MailReply(ctx context.Context, m VisitorMail) error {
	if strings.TrimSpace(m.To) == "" {
		return errors.New("couldn't mail the visitor: no address")
	}
	mt, err := replyMail(m)
	if err != nil {
		return fmt.Errorf("couldn't mail the visitor: %w", err)
	}
	mt.to = []string{m.To}
	if m.ConversationID != "" {
		mt.headers = map[string]string{"X-Andon-Conversation": m.ConversationID}
		if d.replyTo != nil {
			mt.replyTo = d.replyTo(m.ConversationID)
		}
	}
	if _, err := d.sendMail(ctx, mt); err != nil {
		var ae *attemptError
		if errors.As(err, &ae) {
			err = ae.err
		}
		return fmt.Errorf("couldn't mail the visitor: %w", err)
	}
	return nil
}
