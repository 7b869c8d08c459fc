package notify

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/andon-chat/andon/internal/locale"
	"github.com/andon-chat/andon/store"
)

// kindPage is the built-in channel that mails the people an event pages
// (Event.Paged), and only them. It exists whenever smtp.host is set; its
// deliveries are logged and retried like any channel's, under the key
// pageKey, which no configured channel can have ("webhook:" or "email:"
// come first in theirs).
const (
	kindPage = "page"
	pageKey  = "page"
)

// pageChannel is the page channel, or false without a mail server: then
// pages reach only the console and the webhooks.
func pageChannel(cfg Settings) (channel, bool) {
	if cfg.SMTP.Host == "" {
		return channel{}, false
	}
	return channel{key: pageKey, kind: kindPage}, true
}

// sendPageMail mails e to exactly the people it pages.
func (d *Dispatcher) sendPageMail(ctx context.Context, del store.Delivery, e Event) (int, error) {
	to := recipients(e.Paged)
	if len(to) == 0 {
		return 0, &attemptError{err: errors.New("nobody to page"), permanent: true}
	}
	m := pageMail(e, waited(e))
	m.to = to
	m.headers = map[string]string{HeaderDelivery: del.ID, HeaderEvent: e.Type}
	return d.sendMail(ctx, m)
}

// wait is how long the visitor had waited when the page went out.
type wait struct {
	d     time.Duration
	since time.Time // zero when unknown
}

// waited is how long the visitor of e had waited at e.At, known when the
// desk said when the escalation began.
func waited(e Event) wait {
	if e.EscalatedAt.IsZero() || e.At.Before(e.EscalatedAt) {
		return wait{}
	}
	return wait{d: e.At.Sub(e.EscalatedAt), since: e.EscalatedAt}
}

// words says the wait in English: "12 minutes", "1 hour 5 minutes"; "" when
// unknown.
func (w wait) words() string {
	if w.since.IsZero() {
		return ""
	}
	return durationWords(w.d)
}

// durationWords says d in whole minutes (hours and minutes from an hour on),
// "less than a minute" below one.
func durationWords(d time.Duration) string {
	m := int(d / time.Minute)
	if m < 1 {
		return staffWords("mail.wait.under_minute")
	}
	unit := func(n int, one, many string) string {
		if n == 1 {
			return staffWords(one)
		}
		return staffWords(many, n)
	}
	h, m := m/60, m%60
	minutes := unit(m, "mail.wait.minute", "mail.wait.minutes")
	hours := unit(h, "mail.wait.hour", "mail.wait.hours")
	switch {
	case h == 0:
		return minutes
	case m == 0:
		return hours
	}
	return hours + " " + minutes
}

// pageMail is the mail that pages a decision maker: it says first, plainly,
// why they get it (nobody acknowledged in time), then the reason, the team,
// the wait, what the visitor wrote and where to take it. Staff read it, so
// it is in English whatever the visitor's language.
func pageMail(e Event, w wait) mailText {
	waited := w.words()
	team := staffWords("mail.page.team")
	if e.Team != "" {
		team = staffWords("mail.page.team_named", e.Team)
	}
	var intro, subject string
	if e.Type == EventHandoffSLAMissed {
		intro = staffWords("mail.page.sla_intro")
		subject = staffWords("mail.page.sla_subject")
		var detail []string
		if why := reasonWords(e); why != "" {
			detail = append(detail, why)
		}
		if waited != "" {
			detail = append(detail, staffWords("mail.page.waiting", waited))
		}
		if len(detail) > 0 {
			subject += " (" + strings.Join(detail, ", ") + ")"
		}
	} else {
		title := plainTitle(e)
		intro = staffWords("mail.page.intro", title)
		subject = staffWords("mail.page.subject", title)
		if why := reasonWords(e); why != "" {
			subject += " (" + why + ")"
		}
	}
	var story string
	if e.Type == EventHandoffSLAMissed {
		story = staffWords("mail.page.story", team)
		if waited != "" {
			story = staffWords("mail.page.story_waited", waited, team)
		}
		if e.Level > 0 {
			story += " " + staffWords("mail.page.level", e.Level)
		}
	}

	var b strings.Builder
	b.WriteString(intro + "\n\n")
	if story != "" {
		b.WriteString(story + "\n\n")
	}
	if why := reasonWords(e); why != "" {
		fmt.Fprintf(&b, "%s: %s\n", staffWords("mail.staff.reason"), why)
	}
	if e.Team != "" {
		fmt.Fprintf(&b, "%s: %s\n", staffWords("mail.staff.team"), e.Team)
	}
	if waited != "" {
		fmt.Fprintf(&b, "%s: %s%s\n", staffWords("mail.staff.waiting"), waited, sinceWords(w))
	}
	if e.Site != "" {
		fmt.Fprintf(&b, "%s: %s\n", staffWords("mail.staff.site"), e.Site)
	}
	fmt.Fprintf(&b, "%s: %s\n", staffWords("mail.staff.conversation"), e.ConversationID)
	if p := preview(e.Preview); p != "" {
		fmt.Fprintf(&b, "\n%s\n> %s\n", staffWords("mail.staff.visitor_wrote"), p)
	}
	if e.ConsoleURL != "" {
		fmt.Fprintf(&b, "\n%s: %s\n", staffWords("mail.staff.take"), e.ConsoleURL)
	} else {
		b.WriteString("\n" + staffWords("mail.staff.take_andon") + "\n")
	}
	footer := staffWords("mail.page.footer", team)
	b.WriteString("\n-- \n" + footer + "\n")

	var h strings.Builder
	if err := pageHTML.Execute(&h, struct {
		Intro, Story, Reason, Waited, Preview, Footer string
		E                                             Event
	}{intro, story, reasonWords(e), waited + sinceWords(w), preview(e.Preview), footer, e}); err != nil {
		h.Reset() // the plain text alone still says everything
	}
	return mailText{subject: subject, text: b.String(), html: h.String()}
}

// staffLang is the language of the mails staff read (pages and channel
// mails): the catalogue's reference, whatever the visitor's language.
const staffLang = locale.Default

// staffWords is key's text in staffLang, filled with args.
func staffWords(key string, args ...any) string {
	return locale.Text(staffLang, key, args...)
}

// staffFuncs let the staff mails' templates name their words: {{w "key"}}.
var staffFuncs = template.FuncMap{"w": staffWords, "lang": func() string { return staffLang }}

// sinceWords is " (since 2026-11-26 21:48 UTC)" when the start of the wait
// is known.
func sinceWords(w wait) string {
	if w.since.IsZero() {
		return ""
	}
	return " " + staffWords("mail.page.since", w.since.UTC().Format("2006-01-02 15:04"))
}

// plainTitle is eventTitle without the Slack emoji.
func plainTitle(e Event) string {
	title := eventTitle(e)
	if rest, ok := strings.CutPrefix(title, ":"); ok {
		if _, after, ok := strings.Cut(rest, ": "); ok {
			title = after
		}
	}
	return title
}

var pageHTML = template.Must(template.New("page").Funcs(staffFuncs).Parse(`<!doctype html>
<html lang="{{lang}}"><body style="font-family:sans-serif;line-height:1.4">
<p><strong>{{.Intro}}</strong></p>
{{- if .Story}}<p>{{.Story}}</p>{{end}}
<table>
{{- if .Reason}}<tr><td>{{w "mail.staff.reason"}}</td><td><strong>{{.Reason}}</strong></td></tr>{{end}}
{{- if .E.Team}}<tr><td>{{w "mail.staff.team"}}</td><td>{{.E.Team}}</td></tr>{{end}}
{{- if .Waited}}<tr><td>{{w "mail.staff.waiting"}}</td><td>{{.Waited}}</td></tr>{{end}}
{{- if .E.Site}}<tr><td>{{w "mail.staff.site"}}</td><td>{{.E.Site}}</td></tr>{{end}}
<tr><td>{{w "mail.staff.conversation"}}</td><td>{{.E.ConversationID}}</td></tr>
</table>
{{- if .Preview}}<p>{{w "mail.staff.visitor_wrote"}}</p><blockquote>{{.Preview}}</blockquote>{{end}}
{{- if .E.ConsoleURL}}<p><a href="{{.E.ConsoleURL}}">{{w "mail.staff.take"}}</a></p>{{else}}<p>{{w "mail.staff.take_andon"}}</p>{{end}}
<p style="color:#777;font-size:small">{{.Footer}}</p>
</body></html>
`))
