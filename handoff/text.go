package handoff

import "github.com/andon-chat/andon/internal/locale"

// slaMissedText is the visitor's apology when the SLA passes: more people
// were asked to step in only when someone was paged, and the reply is
// promised by e-mail only when mail can be sent.
func slaMissedText(loc string, paged, mail bool, email string) string {
	text := locale.Text(loc, "desk.sla_missed")
	if paged {
		text = locale.Text(loc, "desk.sla_paged")
	}
	switch {
	case !mail:
		return text + " " + locale.Text(loc, "desk.sla_stays")
	case email != "":
		return text + " " + locale.Text(loc, "desk.sla_reply_to", email)
	}
	return text + " " + locale.Text(loc, "desk.sla_ask_email")
}
