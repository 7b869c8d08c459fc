package notify

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/andon-chat/andon/internal/locale"
)

// notifyMail is the mail an e-mail channel sends its own addresses (the
// people an event pages get pageMail instead).
func notifyMail(e Event) mailText {
	title := plainTitle(e)
	subject := "[andon] " + title
	if why := reasonWords(e); why != "" && e.Incident == nil {
		subject += ": " + why
	}
	var b strings.Builder
	b.WriteString(title + ".\n\n")
	if why := reasonWords(e); why != "" && e.Incident == nil {
		fmt.Fprintf(&b, "%s: %s\n", staffWords("mail.staff.reason"), why)
	}
	if e.Team != "" {
		fmt.Fprintf(&b, "%s: %s\n", staffWords("mail.staff.team"), e.Team)
	}
	if e.Site != "" {
		fmt.Fprintf(&b, "%s: %s\n", staffWords("mail.staff.site"), e.Site)
	}
	if e.Level > 0 {
		fmt.Fprintf(&b, "%s: %d\n", staffWords("mail.staff.level"), e.Level)
	}
	if len(e.Paged) > 0 {
		fmt.Fprintf(&b, "%s: %s\n", staffWords("mail.staff.paged"), strings.Join(e.Paged, ", "))
	}
	if e.ConversationID != "" {
		fmt.Fprintf(&b, "%s: %s\n", staffWords("mail.staff.conversation"), e.ConversationID)
	}
	var examples []string
	if e.Incident != nil {
		b.WriteString("\n" + staffWords("mail.staff.examples") + "\n")
		for _, q := range e.Incident.Examples {
			examples = append(examples, preview(q))
			fmt.Fprintf(&b, "> %s\n", preview(q))
		}
	}
	if p := preview(e.Preview); p != "" {
		fmt.Fprintf(&b, "\n%s\n> %s\n", staffWords("mail.staff.visitor_wrote"), p)
	}
	if e.ConsoleURL != "" {
		fmt.Fprintf(&b, "\n%s: %s\n", staffWords("mail.staff.open"), e.ConsoleURL)
	}
	var h strings.Builder
	if err := notifyHTML.Execute(&h, struct {
		Title, Reason, Preview string
		Examples               []string
		E                      Event
	}{title, reasonWords(e), preview(e.Preview), examples, e}); err != nil {
		h.Reset() // the plain text alone still says everything
	}
	return mailText{subject: subject, text: b.String(), html: h.String()}
}

var notifyHTML = template.Must(template.New("notify").Funcs(staffFuncs).Parse(`<!doctype html>
<html lang="{{lang}}"><body style="font-family:sans-serif;line-height:1.4">
<p><strong>{{.Title}}.</strong></p>
<table>
{{- if and .Reason (not .E.Incident)}}<tr><td>{{w "mail.staff.reason"}}</td><td><strong>{{.Reason}}</strong></td></tr>{{end}}
{{- if .E.Team}}<tr><td>{{w "mail.staff.team"}}</td><td>{{.E.Team}}</td></tr>{{end}}
{{- if .E.Site}}<tr><td>{{w "mail.staff.site"}}</td><td>{{.E.Site}}</td></tr>{{end}}
{{- if .E.Level}}<tr><td>{{w "mail.staff.level"}}</td><td>{{.E.Level}}</td></tr>{{end}}
{{- range .E.Paged}}<tr><td>{{w "mail.staff.paged"}}</td><td>{{.}}</td></tr>{{end}}
{{- if .E.ConversationID}}<tr><td>{{w "mail.staff.conversation"}}</td><td>{{.E.ConversationID}}</td></tr>{{end}}
</table>
{{- if .Examples}}<p>{{w "mail.staff.examples"}}</p>{{range .Examples}}<blockquote>{{.}}</blockquote>{{end}}{{end}}
{{- if .Preview}}<p>{{w "mail.staff.visitor_wrote"}}</p><blockquote>{{.Preview}}</blockquote>{{end}}
{{- if .E.ConsoleURL}}<p><a href="{{.E.ConsoleURL}}">{{w "mail.staff.open"}}</a></p>{{end}}
</body></html>
`))

// replyMail is the agent's reply as a mail to the visitor, in the
// catalogue's language of the visitor's locale (English when it has none).
func replyMail(m VisitorMail) (mailText, error) {
	lang := locale.Lang(m.Locale)
	if lang == "" {
		lang = locale.Default
	}
	agent := strings.TrimSpace(m.AgentName)
	if agent == "" {
		agent = locale.Text(lang, "mail.reply.team")
	}
	intro := locale.Text(lang, "mail.reply.intro", agent)
	cont := locale.Text(lang, "mail.reply.continue")
	footer := locale.Text(lang, "mail.reply.footer")
	var b strings.Builder
	b.WriteString(intro + "\n\n")
	b.WriteString(strings.TrimSpace(m.Text) + "\n")
	if m.ChatURL != "" {
		fmt.Fprintf(&b, "\n%s: %s\n", cont, m.ChatURL)
	}
	b.WriteString("\n-- \n" + footer + "\n")
	var h strings.Builder
	err := replyHTML.Execute(&h, struct {
		Lang, Intro, Continue, Footer, ChatURL string
		Paragraphs                             []string
	}{lang, intro, cont, footer, m.ChatURL, paragraphs(m.Text)})
	if err != nil {
		return mailText{}, fmt.Errorf("couldn't write the mail: %w", err)
	}
	return mailText{subject: locale.Text(lang, "mail.reply.subject", agent), text: b.String(), html: h.String()}, nil
}

// paragraphs splits a reply at blank lines; html/template escapes each.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(strings.TrimSpace(text), "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var replyHTML = template.Must(template.New("reply").Parse(`<!doctype html>
<html lang="{{.Lang}}"><body style="font-family:sans-serif;line-height:1.4">
<p>{{.Intro}}</p>
<div style="border-left:3px solid #ccc;padding-left:12px">
{{- range .Paragraphs}}<p style="white-space:pre-line">{{.}}</p>{{end}}
</div>
{{- if .ChatURL}}<p><a href="{{.ChatURL}}">{{.Continue}}</a></p>{{end}}
<p style="color:#777;font-size:small">{{.Footer}}</p>
</body></html>
`))
