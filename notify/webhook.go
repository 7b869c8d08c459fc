package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/andon-chat/andon/store"
)

// Webhook headers. Receivers verify the signature over the raw body and drop
// a delivery ID they have already seen.
const (
	HeaderDelivery  = "X-Andon-Delivery"
	HeaderEvent     = "X-Andon-Event"
	HeaderSignature = "X-Andon-Signature"
	HeaderTimestamp = "X-Andon-Timestamp"
)

// WebhookBody is the JSON a format = "json" webhook receives.
type WebhookBody struct {
	ID           string              `json:"id"` // the delivery ID, as in X-Andon-Delivery
	Type         string              `json:"type"`
	EventID      string              `json:"event_id"`
	CreatedAt    time.Time           `json:"created_at"`
	Conversation WebhookConversation `json:"conversation"`
	Reason       string              `json:"reason"`
	ReasonText   string              `json:"reason_text"`
	Team         string              `json:"team"`
	Level        int                 `json:"level"`
	Paged        []string            `json:"paged"`
	Preview      string              `json:"preview"`
	ConsoleURL   string              `json:"console_url"`
	Incident     *Incident           `json:"incident,omitempty"` // on incident.opened
}

// WebhookConversation names the conversation an event is about.
type WebhookConversation struct {
	ID   string `json:"id"`
	Site string `json:"site"`
}

// Sign returns the X-Andon-Signature value of body under secret:
// "sha256=" and the hex HMAC-SHA256. Receivers compute the same over the raw
// body and compare in constant time.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether signature (an X-Andon-Signature value) is the
// signature of body under secret, in constant time: what a receiver written
// in Go calls before trusting a delivery.
func Verify(secret string, body []byte, signature string) bool {
	return hmac.Equal([]byte(signature), []byte(Sign(secret, body)))
}

// webhookJSON is the body of a json webhook: the same bytes on every attempt.
func webhookJSON(deliveryID string, e Event) ([]byte, error) {
	paged := e.Paged
	if paged == nil {
		paged = []string{}
	}
	return json.Marshal(WebhookBody{
		ID: deliveryID, Type: e.Type, EventID: e.ID, CreatedAt: e.At,
		Conversation: WebhookConversation{ID: e.ConversationID, Site: e.Site},
		Reason:       e.Reason, ReasonText: e.ReasonText, Team: e.Team, Level: e.Level,
		Paged: paged, Preview: e.Preview, ConsoleURL: e.ConsoleURL, Incident: e.Incident,
	})
}

// slackJSON is the body of a Slack-compatible incoming webhook: one readable
// message (Slack's mrkdwn), which Mattermost, Rocket.Chat and Discord's
// /slack endpoint also take.
func slackJSON(e Event) ([]byte, error) {
	return json.Marshal(struct {
		Text string `json:"text"`
	}{Text: slackText(e)})
}

// slackText says what happened, why in words, for which team, what the
// visitor wrote last and where to answer.
func slackText(e Event) string {
	var b strings.Builder
	b.WriteString(eventTitle(e))
	if e.Incident != nil {
		for _, q := range e.Incident.Examples {
			b.WriteString("\n> " + slackEscape(preview(q)))
		}
	} else if why := reasonWords(e); why != "" {
		b.WriteString(": *" + slackEscape(why) + "*")
	}
	if e.Team != "" {
		b.WriteString(" (team " + slackEscape(e.Team) + ")")
	}
	if e.Type == EventHandoffSLAMissed && len(e.Paged) > 0 {
		b.WriteString("\nPaged: " + slackEscape(strings.Join(e.Paged, ", ")))
	}
	if p := preview(e.Preview); p != "" {
		b.WriteString("\n> " + slackEscape(p))
	}
	if e.ConsoleURL != "" {
		b.WriteString("\n<" + e.ConsoleURL + "|Open in the console>")
	}
	return b.String()
}

// slackEscape escapes the three characters Slack's mrkdwn gives a meaning to.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// eventTitle is an event's type in words, with a marker for the urgent ones.
func eventTitle(e Event) string {
	switch e.Type {
	case EventHandoffCreated:
		return ":rotating_light: " + staffWords("mail.title.created")
	case EventHandoffSLAMissed:
		if e.Level > 0 {
			return ":alarm_clock: " + staffWords("mail.title.sla_level", e.Level)
		}
		return ":alarm_clock: " + staffWords("mail.title.sla")
	case EventHandoffTransferred:
		return ":arrow_right: " + staffWords("mail.title.transferred")
	case EventHandoffResolved:
		return ":white_check_mark: " + staffWords("mail.title.resolved")
	case EventIncidentOpened:
		if in := e.Incident; in != nil {
			return ":fire: " + incidentWords(*in)
		}
	}
	return e.Type
}

// reasonWords is the reason in plain words, the code when the desk gave no
// words.
func reasonWords(e Event) string {
	if e.ReasonText != "" {
		return e.ReasonText
	}
	return e.Reason
}

// preview shortens the visitor's message to one line a notification can
// show.
func preview(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 280 {
		s = string(r[:279]) + "…"
	}
	return s
}

// sendWebhook POSTs e to the channel's URL once.
func (d *Dispatcher) sendWebhook(ctx context.Context, c channel, del store.Delivery, e Event) (int, error) {
	var body []byte
	var err error
	if c.webhook.Format == FormatSlack {
		body, err = slackJSON(e)
	} else {
		body, err = webhookJSON(del.ID, e)
	}
	if err != nil {
		return 0, &attemptError{err: fmt.Errorf("couldn't encode the webhook body: %w", err), permanent: true}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.webhook.URL, bytes.NewReader(body))
	if err != nil {
		return 0, &attemptError{err: fmt.Errorf("couldn't build the request: %w", err), permanent: true}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "andon-webhook/1")
	req.Header.Set(HeaderDelivery, del.ID)
	req.Header.Set(HeaderEvent, e.Type)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(d.now().Unix(), 10))
	if c.webhook.Secret != "" {
		req.Header.Set(HeaderSignature, Sign(c.webhook.Secret, body))
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, &attemptError{err: fmt.Errorf("couldn't post the webhook: %w", err)}
	}
	defer resp.Body.Close()
	// Read a little of the answer: it goes into the log when it explains a
	// refusal, and reading it lets the connection be reused.
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	code := resp.StatusCode
	if code >= 200 && code < 300 {
		return code, nil
	}
	err = fmt.Errorf("the receiver answered %s", resp.Status)
	if msg := strings.TrimSpace(string(answer)); msg != "" {
		err = fmt.Errorf("the receiver answered %s: %.200s", resp.Status, msg)
	}
	ae := &attemptError{err: err}
	switch {
	case code == http.StatusTooManyRequests, code >= 500:
		ae.retryAfter = retryAfter(resp.Header.Get("Retry-After"), d.now())
	default:
		// A 4xx (or an unfollowed 3xx) will not change by asking again:
		// the URL, the secret or the receiver needs fixing.
		ae.permanent = true
	}
	return code, ae
}

// retryAfter reads a Retry-After header: seconds or an HTTP date; 0 when
// absent or unreadable.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// incidentWords says an incident in one sentence: "14 visitors asked about
// "cannot log in" in the last 10 minutes; usually 1".
func incidentWords(in Incident) string {
	usual := staffWords("mail.incident.under_one")
	if n := int(math.Round(in.Usual)); n >= 1 {
		usual = fmt.Sprint(n)
	}
	return staffWords("mail.title.incident", in.Count, preview(in.Label),
		durationWords(time.Duration(in.WindowSeconds)*time.Second), usual)
}
