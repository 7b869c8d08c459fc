package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// MailText mails one plain-text message to one address through [smtp],
// once and synchronously: for a console user's security alert (auth). It
// fails with ErrNoSMTP when no SMTP server is configured.
func (d *Dispatcher) MailText(ctx context.Context, to, subject, text string) error {
	if strings.TrimSpace(to) == "" {
		return errors.New("couldn't mail: no address")
	}
	if _, err := d.sendMail(ctx, mailText{to: []string{to}, subject: subject, text: text}); err != nil {
		var ae *attemptError
		if errors.As(err, &ae) {
			err = ae.err
		}
		return fmt.Errorf("couldn't mail %s: %w", to, err)
	}
	return nil
}
