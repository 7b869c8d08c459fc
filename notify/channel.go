package notify

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/andon-chat/andon/store"
)

// Channel kinds and webhook formats.
const (
	kindWebhook = "webhook"
	kindEmail   = "email"

	FormatJSON  = "json"
	FormatSlack = "slack"
)

// channel is one configured destination with its filters.
type channel struct {
	key     string // "webhook:NAME", "email:NAME" or "page": Delivery.Channel
	kind    string
	webhook Webhook
	email   EmailChannel
	reasons []string
	teams   []string
}

// channelsFrom reads the channels of cfg.Notify, and adds the page channel
// when a mail server is configured. Their settings are config's, which has
// validated them (format, secret, URL, a mail server for e-mail); only the
// channel keys are checked here, because deliveries are stored by key. An unnamed channel is named by its
// position ("webhook:1"), which stays stable while the file does.
func channelsFrom(cfg Settings) ([]channel, error) {
	var out []channel
	seen := map[string]bool{}
	for i, w := range cfg.Webhooks {
		name := w.Name
		if name == "" {
			name = fmt.Sprint(i + 1)
		}
		if w.Format == "" {
			w.Format = FormatJSON
		}
		c := channel{key: kindWebhook + ":" + name, kind: kindWebhook, webhook: w, reasons: w.Reasons, teams: w.Teams}
		if seen[c.key] {
			return nil, fmt.Errorf("webhook %q is configured twice", name)
		}
		seen[c.key] = true
		out = append(out, c)
	}
	for i, e := range cfg.Emails {
		name := e.Name
		if name == "" {
			name = fmt.Sprint(i + 1)
		}
		c := channel{key: kindEmail + ":" + name, kind: kindEmail, email: e, reasons: e.Reasons, teams: e.Teams}
		if seen[c.key] {
			return nil, fmt.Errorf("e-mail channel %q is configured twice", name)
		}
		seen[c.key] = true
		out = append(out, c)
	}
	if c, ok := pageChannel(cfg); ok {
		out = append(out, c)
	}
	return out, nil
}

// wants reports whether the channel's filters let e through. The page
// channel has no filters: it wants every event that pages someone.
func (c channel) wants(e Event) bool {
	if c.kind == kindPage {
		return len(recipients(e.Paged)) > 0
	}
	return matchAny(c.reasons, e.Reason) && matchAny(c.teams, e.Team)
}

// matchAny reports whether v matches one of patterns, each exact or a
// prefix ending in "*"; no patterns match everything.
func matchAny(patterns []string, v string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if prefix, ok := strings.CutSuffix(p, "*"); ok {
			if strings.HasPrefix(v, prefix) {
				return true
			}
		} else if p == v {
			return true
		}
	}
	return false
}

// deliveryID is the stable ID of e through channel key: a hash, so that it
// is short and header-safe whatever the names contain, and the same on every
// retry, after a restart and when the event is notified again.
func deliveryID(eventID, key string) string {
	sum := sha256.Sum256([]byte(eventID + "\x00" + key))
	return "dlv_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:15]))
}

// deliveriesFor fills e's defaults and returns one pending delivery per
// channel that wants it.
func (d *Dispatcher) deliveriesFor(e Event) ([]store.Delivery, error) {
	if e.ID == "" {
		e.ID = store.NewID()
	}
	if e.At.IsZero() {
		e.At = d.now()
	}
	e.At = e.At.UTC()
	if e.ConsoleURL == "" {
		e.ConsoleURL = consoleURL(d.cfg.PublicURL, e.ConversationID)
	}
	var out []store.Delivery
	var payload json.RawMessage
	for _, c := range d.channels {
		if !c.wants(e) {
			continue
		}
		if payload == nil {
			b, err := json.Marshal(e)
			if err != nil {
				return nil, fmt.Errorf("couldn't encode the event: %w", err)
			}
			payload = b
		}
		out = append(out, store.Delivery{
			ID:             deliveryID(e.ID, c.key),
			EventID:        e.ID,
			EventType:      e.Type,
			Channel:        c.key,
			ConversationID: e.ConversationID,
			Payload:        payload,
			Status:         store.DeliveryPending,
			CreatedAt:      e.At,
			NextAttemptAt:  e.At,
		})
	}
	return out, nil
}

// consoleURL links to the conversation in the console, or "" when the public
// address is not configured (a link relative to nothing helps nobody).
func consoleURL(publicURL, conversationID string) string {
	if publicURL == "" || conversationID == "" {
		return ""
	}
	return strings.TrimSuffix(publicURL, "/") + "/console/#conversation=" + conversationID
}

// channel returns the configured channel with key, if it still exists.
func (d *Dispatcher) channel(key string) (channel, bool) {
	for _, c := range d.channels {
		if c.key == key {
			return c, true
		}
	}
	return channel{}, false
}
