package auth

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/andon-chat/andon/internal/locale"
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

// attackMail is the alert in every language of the catalogue (a user has
// no language of their own), the reference language first: what happened,
// what still works, and what to do.
func (s *Service) attackMail(u store.User, now time.Time) (subject, text string) {
	where := s.baseURL(nil) + "/console/"
	perHour := int(time.Hour / s.opts.PerAccount.Every)
	at := now.UTC().Format("2006-01-02 15:04 UTC")
	langs := append([]string{locale.Default}, slices.DeleteFunc(locale.Languages(), func(l string) bool { return l == locale.Default })...)
	var subjects, bodies []string
	for _, l := range langs {
		subjects = append(subjects, locale.Text(l, "mail.attack.subject"))
		bodies = append(bodies, locale.Text(l, "mail.attack.body", u.Name, at, s.opts.PerAccount.Burst, u.Email, where, perHour))
	}
	return strings.Join(subjects, " / "), strings.Join(bodies, "\n\n--\n\n") + "\n"
}
