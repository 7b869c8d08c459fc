package notify

import (
	"fmt"
	"html/template"
	"strings"
)

// notifyMail is the mail an e-mail channel sends its own addresses (the
// people an event pages get pageMail instead).
func notifyMail(e Event) mailText {
	title := plainTitle(e)
	subject := "[andon] " + title
	if why := reasonWords(e); why != "" {
		subject += ": " + why
	}
	var b strings.Builder
	b.WriteString(title + ".\n\n")
	if why := reasonWords(e); why != "" {
		fmt.Fprintf(&b, "Reason: %s\n", why)
	}
	if e.Team != "" {
		fmt.Fprintf(&b, "Team: %s\n", e.Team)
	}
	if e.Site != "" {
		fmt.Fprintf(&b, "Site: %s\n", e.Site)
	}
	if e.Level > 0 {
		fmt.Fprintf(&b, "Escalation level: %d\n", e.Level)
	}
	if len(e.Paged) > 0 {
		fmt.Fprintf(&b, "Paged: %s\n", strings.Join(e.Paged, ", "))
	}
	fmt.Fprintf(&b, "Conversation: %s\n", e.ConversationID)
	if p := preview(e.Preview); p != "" {
		fmt.Fprintf(&b, "\nThe visitor wrote:\n> %s\n", p)
	}
	if e.ConsoleURL != "" {
		fmt.Fprintf(&b, "\nOpen it in the console: %s\n", e.ConsoleURL)
	}
	var h strings.Builder
	if err := notifyHTML.Execute(&h, struct {
		Title, Reason, Preview string
		E                      Event
	}{title, reasonWords(e), preview(e.Preview), e}); err != nil {
		h.Reset() // the plain text alone still says everything
	}
	return mailText{subject: subject, text: b.String(), html: h.String()}
}

var notifyHTML = template.Must(template.New("notify").Parse(`<!doctype html>
<html><body style="font-family:sans-serif;line-height:1.4">
<p><strong>{{.Title}}.</strong></p>
<table>
{{- if .Reason}}<tr><td>Reason</td><td><strong>{{.Reason}}</strong></td></tr>{{end}}
{{- if .E.Team}}<tr><td>Team</td><td>{{.E.Team}}</td></tr>{{end}}
{{- if .E.Site}}<tr><td>Site</td><td>{{.E.Site}}</td></tr>{{end}}
{{- if .E.Level}}<tr><td>Escalation level</td><td>{{.E.Level}}</td></tr>{{end}}
{{- range .E.Paged}}<tr><td>Paged</td><td>{{.}}</td></tr>{{end}}
<tr><td>Conversation</td><td>{{.E.ConversationID}}</td></tr>
</table>
{{- if .Preview}}<p>The visitor wrote:</p><blockquote>{{.Preview}}</blockquote>{{end}}
{{- if .E.ConsoleURL}}<p><a href="{{.E.ConsoleURL}}">Open it in the console</a></p>{{end}}
</body></html>
`))

// replyWords are the fixed words of the visitor's mail, by language.
type replyWords struct {
	Subject  string // %s: the agent's name
	Intro    string // %s: the agent's name
	Continue string
	Footer   string
}

var replyLangs = map[string]replyWords{
	"en": {
		Subject:  "%s replied to your question",
		Intro:    "%s replied to your question:",
		Continue: "Continue the conversation",
		Footer:   "You receive this because you left your e-mail address in our chat. You can also simply reply to this mail.",
	},
	"sv": {
		Subject:  "%s har svarat på din fråga",
		Intro:    "%s har svarat på din fråga:",
		Continue: "Fortsätt konversationen",
		Footer:   "Du får det här mejlet eftersom du lämnade din e-postadress i vår chatt. Du kan också svara direkt på mejlet.",
	},
}

// replyLang picks the visitor's language from a locale ("sv-SE" → "sv"),
// English when it is not one we write.
func replyLang(locale string) string {
	l := strings.ToLower(locale)
	if i := strings.IndexAny(l, "-_"); i >= 0 {
		l = l[:i]
	}
	if _, ok := replyLangs[l]; ok {
		return l
	}
	return "en"
}

// replyMail is the agent's reply as a mail to the visitor.
func replyMail(m VisitorMail) (mailText, error) {
	w := replyLangs[replyLang(m.Locale)]
	agent := strings.TrimSpace(m.AgentName)
	if agent == "" {
		agent = map[string]string{"en": "Our support team", "sv": "Vår support"}[replyLang(m.Locale)]
	}
	var b strings.Builder
	fmt.Fprintf(&b, w.Intro+"\n\n", agent)
	b.WriteString(strings.TrimSpace(m.Text) + "\n")
	if m.ChatURL != "" {
		fmt.Fprintf(&b, "\n%s: %s\n", w.Continue, m.ChatURL)
	}
	b.WriteString("\n-- \n" + w.Footer + "\n")
	var h strings.Builder
	err := replyHTML.Execute(&h, struct {
		Lang, Intro, Continue, Footer, ChatURL string
		Paragraphs                             []string
	}{replyLang(m.Locale), fmt.Sprintf(w.Intro, agent), w.Continue, w.Footer, m.ChatURL, paragraphs(m.Text)})
	if err != nil {
		return mailText{}, fmt.Errorf("couldn't write the mail: %w", err)
	}
	return mailText{subject: fmt.Sprintf(w.Subject, agent), text: b.String(), html: h.String()}, nil
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
