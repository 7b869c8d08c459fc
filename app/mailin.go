package app

import (
	"net"
	"time"

	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/mailin"
)

// replyTo is the Reply-To of the replies mailed to visitors: with
// [mail_in] on, the signed address this instance receives answers at; nil
// when it is off.
func replyTo(cfg config.Config, secret []byte) func(string) string {
	if cfg.MailIn.Addr == "" {
		return nil
	}
	return mailin.NewSigner(secret, cfg.MailIn.Domain).Address
}

// openMailIn starts the SMTP server that turns visitors' e-mail answers
// into messages of their conversations, when [mail_in] is configured. It
// signs and checks reply addresses with the server secret, as replyTo does.
func (a *App) openMailIn(secret []byte) error {
	if a.cfg.MailIn.Addr == "" {
		return nil
	}
	m := a.cfg.MailIn
	srv, err := mailin.New(mailin.Options{
		Hub:      a.hub,
		Signer:   mailin.NewSigner(secret, a.cfg.MailIn.Domain),
		MaxBytes: int64(a.cfg.MailIn.MaxBytes),
		Logger:   a.log,

		MaxConnections:        m.MaxConnections,
		MaxMailsPerConnection: m.MaxMailsPerConnection,
		PerSender:             mailin.Rate{Every: perHour(m.SenderPerHour), Burst: m.SenderBurst},
		PerConversation:       mailin.Rate{Every: perHour(m.ConversationPerHour), Burst: m.ConversationBurst},
	})
	if err != nil {
		return err
	}
	if err := srv.Listen(a.cfg.MailIn.Addr); err != nil {
		return err
	}
	a.mailin = srv
	return nil
}

// MailInAddr is the address the mail server listens on, or nil when
// [mail_in] is off (tests configure port 0 and ask here).
func (a *App) MailInAddr() net.Addr {
	if a.mailin == nil {
		return nil
	}
	return a.mailin.Addr()
}

// perHour is the gap between two tokens of a rate given per hour.
func perHour(n float64) time.Duration { return time.Duration(float64(time.Hour) / n) }
