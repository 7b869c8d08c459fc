package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/andon-chat/andon/store"
)

// Mailer sends one plain-text mail. The server gives the notification
// dispatcher's only when [smtp] is configured; without one no alert is
// sent and none is claimed.
type Mailer interface {
	MailText(ctx context.Context, to, subject, text string) error
}

// maxAlertsInFlight bounds the alert mails being sent at once; more are
// dropped (and logged), never queued without bound.
const maxAlertsInFlight = 4

// alertAttack mails u that their account is being guessed from many
// sources, at most once per AlertEvery, in the background so that the
// answer to the login takes as long as any other.
func (s *Service) alertAttack(u store.User, now time.Time) {
	if s.opts.Alerts == nil {
		s.log.Warn("account under attack: logins from new devices slowed; no [smtp] to tell the user", "user", u.ID)
		return
	}
	if ok, _ := s.alerted.Allow(u.ID, now); !ok {
		return
	}
	select {
	case s.alerting <- struct{}{}:
	default:
		s.log.Warn("account under attack: alert mail dropped, too many being sent", "user", u.ID)
		return
	}
	subject, text := s.attackMail(u, now)
	go func() {
		defer func() { <-s.alerting }()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.opts.Alerts.MailText(ctx, u.Email, subject, text); err != nil {
			s.log.Warn("account under attack: couldn't mail the user", "user", u.ID, "err", err)
			return
		}
		s.log.Info("account under attack: user alerted by mail", "user", u.ID)
	}()
}

// attackMail is the alert in English and Swedish: what happened, what
// still works, and what to do.
func (s *Service) attackMail(u store.User, now time.Time) (subject, text string) {
	where := s.baseURL(nil) + "/console/"
	perHour := int(time.Hour / s.opts.PerAccount.Every)
	at := now.UTC().Format("2006-01-02 15:04 UTC")
	subject = "Many failed logins to your andon account / Många misslyckade inloggningar på ditt andon-konto"
	text = fmt.Sprintf(`Hello %[1]s,

since %[2]s at least %[5]d wrong passwords have been tried for your console account %[3]s (%[4]s) from browsers that have never logged in to it. Someone may be trying to guess your password.

Logins from browsers that have logged in to your account before still work as usual. From other browsers, attempts are now slowed down to about %[6]d wrong passwords an hour for everyone, so the password cannot be guessed by trying.

If this was not you, your password has not been given away by this: nothing has to be done. If your password is short or used elsewhere, change it in the console. An admin can also send you a password reset link.

--

Hej %[1]s,

sedan %[2]s har minst %[5]d felaktiga lösenord prövats för ditt konsolkonto %[3]s (%[4]s) från webbläsare som aldrig har loggat in på det. Någon kanske försöker gissa ditt lösenord.

Inloggning från webbläsare som har loggat in på ditt konto förut fungerar som vanligt. Från andra webbläsare bromsas försöken nu till ungefär %[6]d felaktiga lösenord i timmen för alla, så lösenordet kan inte gissas fram.

Om det inte var du har ditt lösenord inte röjts av detta: du behöver inte göra något. Om ditt lösenord är kort eller används på andra ställen, byt det i konsolen. En administratör kan också skicka en länk för att återställa lösenordet.
`, u.Name, at, u.Email, where, s.opts.PerAccount.Burst, perHour)
	return subject, text
}
