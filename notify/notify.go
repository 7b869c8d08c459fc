// Package notify tells decision makers that the cord was pulled, outside the
// console: signed JSON webhooks, Slack-compatible incoming webhooks and
// e-mail, each channel limited to the reasons and teams it cares about. It
// also mails a visitor who left the chat the agent's reply.
//
// Paging is its own channel. When nobody acknowledges an escalation within
// its SLA the desk pages the next address of the team's chain (an Event with
// Paged); with an [smtp] host configured, the built-in "page" channel mails
// exactly those people a mail that says plainly why they are paged (nobody
// acknowledged in time), the reason, the team, how long the visitor has
// waited, what they wrote and the console link. [[notify.email]] channels
// mail only their own addresses, never the paged people. Without a mail
// server a page reaches only the consoles and the webhooks, which Start logs
// once as a warning when a team has a chain.
//
// Notifications are durable and delivered at least once: Notify records one
// delivery per matching channel in the store before it returns, and workers
// send them in the background, retrying with exponential backoff; a restart
// resumes whatever was still pending. A delivery keeps its ID on every
// attempt (X-Andon-Delivery), so a receiver can drop the repeats that
// at-least-once implies.
//
// A format = "json" webhook receives a POST whose body is a WebhookBody and
// these headers:
//
//	X-Andon-Delivery:  the delivery ID (also the body's "id"), the same on every retry
//	X-Andon-Event:     the event type, e.g. handoff.created
//	X-Andon-Timestamp: Unix seconds when this attempt was sent
//	X-Andon-Signature: sha256=HEX, HMAC-SHA256 of the raw body under the webhook's secret
//
// A receiver checks the signature over the raw bytes (Verify does that in
// Go), answers 2xx quickly, and ignores a delivery ID it has seen. Any 5xx,
// a 429 (its Retry-After is honoured) or a network error is retried with
// exponential backoff; any other status fails the delivery at once, since
// asking again would get the same answer. Redirects are not followed.
package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/andon-chat/andon/store"
)

// Event types: what happened to a handoff.
const (
	EventHandoffCreated     = "handoff.created"
	EventHandoffSLAMissed   = "handoff.sla_missed"
	EventHandoffTransferred = "handoff.transferred"
	EventHandoffResolved    = "handoff.resolved"
	// EventIncidentOpened: many more visitors than usual ask about one
	// thing (Incident is set; no conversation). Its Reason is
	// ReasonIncident, so a channel limited to other reasons does not get it.
	EventIncidentOpened = "incident.opened"
)

// ReasonIncident is the Reason of an incident event.
const ReasonIncident = "incident"

// Incident is what an incident event says: how many visitors asked about
// what in how long, against how many usually.
type Incident struct {
	Label string `json:"label"`
	Count int    `json:"count"`
	// Usual is the mean count of such a window at this time of the week.
	Usual         float64  `json:"usual"`
	WindowSeconds int      `json:"window_seconds"`
	Examples      []string `json:"examples"`
}

// Event is something decision makers may need to hear about. The desk
// builds it; channels pick the events they want by Reason and Team.
type Event struct {
	// ID is unique per event and the base of every delivery's ID, so that
	// notifying the same event twice (a retry of the caller) is one delivery
	// per channel. Empty means Notify picks a new one.
	ID   string `json:"id"`
	Type string `json:"type"` // one of the Event* constants
	// ConversationID and Site say which conversation it is about.
	ConversationID string `json:"conversation_id"`
	Site           string `json:"site,omitempty"`
	// Reason is the escalation reason code ("sensitive:billing") and
	// ReasonText the same in plain words ("Sensitive topic: billing").
	Reason     string `json:"reason,omitempty"`
	ReasonText string `json:"reason_text,omitempty"`
	Team       string `json:"team,omitempty"`
	// Level is how far up the escalation chain the handoff has been paged
	// (0 before any page).
	Level int `json:"level,omitempty"`
	// Paged lists the e-mail addresses of the people paged for this event.
	// The page channel mails exactly them (when SMTP is configured); the
	// other channels only show them.
	Paged []string `json:"paged,omitempty"`
	// EscalatedAt is when the visitor began waiting for a person; a page
	// mail says how long that is. Zero means unknown: the page mail then
	// says "at least" Level SLA periods.
	EscalatedAt time.Time `json:"escalated_at,omitzero"`
	// Preview is the visitor's latest message.
	Preview string `json:"preview,omitempty"`
	// ConsoleURL opens the conversation in the console; empty means
	// Notify derives it from server.public_url.
	ConsoleURL string    `json:"console_url,omitempty"`
	At         time.Time `json:"at"`
	// Incident is set on an incident event.
	Incident *Incident `json:"incident,omitempty"`
}

// VisitorMail is an agent's reply mailed to a visitor who is no longer in
// the chat, with a link back to it.
type VisitorMail struct {
	To             string // the visitor's address
	Locale         string // "sv..." mails in Swedish, anything else in English
	AgentName      string
	Text           string
	ChatURL        string // reopens the conversation in the widget
	ConversationID string
}

// Options are what a Dispatcher needs. Config and Store are required.
type Options struct {
	// Settings supply the channels, the mail server and the public URL
	// for console links.
	Settings Settings
	// Store keeps the deliveries.
	Store store.Deliveries
	// Client sends webhooks; nil means a client with a 10 s timeout that
	// does not follow redirects.
	Client *http.Client
	// Logger receives deliveries that failed; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Backoff is the wait before attempt n+1 after attempt n (n from 1)
	// failed; nil means DefaultBackoff. Tests pass a short one.
	Backoff func(attempt int) time.Duration
	// MaxAttempts bounds the attempts of one delivery; 0 means
	// DefaultMaxAttempts.
	MaxAttempts int
	// MaxRetryAfter caps how long a 429 or 503 Retry-After header may
	// postpone the next attempt; 0 means one hour.
	MaxRetryAfter time.Duration
	// Workers is how many deliveries are sent at once; 0 means 4.
	Workers int
	// TLSConfig, when set, is used to reach the SMTP server (tests trust
	// their own certificate with it); nil verifies against the system roots.
	TLSConfig *tls.Config
	// ReplyTo, when set, gives the Reply-To address of a reply mailed to a
	// visitor, by conversation ID: with [mail_in] on, the signed address
	// at which the visitor's answer reaches the conversation. Nil (or "")
	// leaves answers to go to smtp.from.
	ReplyTo func(conversationID string) string
}

// DefaultMaxAttempts is how many times a delivery is tried before it is
// marked failed: with DefaultBackoff the last attempt comes about 20
// minutes after the first, enough to ride out a receiver's restart.
const DefaultMaxAttempts = 10

// DefaultBackoff doubles the wait from one second, capped at five minutes.
func DefaultBackoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if attempt > 9 {
		return 5 * time.Minute
	}
	return min(time.Second<<(attempt-1), 5*time.Minute)
}

// ErrNoSMTP is returned by MailReply when no mail server is configured.
var ErrNoSMTP = errors.New("no SMTP server configured")

// Dispatcher records and sends notifications. Create it with New, call Start
// to begin sending (and resume what a previous process left pending), and
// Close when done. It is safe for concurrent use.
type Dispatcher struct {
	cfg         Settings
	store       store.Deliveries
	client      *http.Client
	log         *slog.Logger
	now         func() time.Time
	backoff     func(int) time.Duration
	maxAttempts int
	maxRetry    time.Duration
	workers     int
	tlsConfig   *tls.Config
	replyTo     func(string) string
	channels    []channel

	wake     chan struct{} // buffered 1: something became due
	mu       sync.Mutex
	inFlight map[string]bool  // delivery IDs a worker holds
	finished map[string]int   // delivery ID → finishes when its last attempt ended
	finishes int              // attempts ended so far
	unstored []store.Delivery // recorded nowhere (the store failed): sent from memory
	cancel   context.CancelFunc
	started  bool
	closed   bool
	done     sync.WaitGroup
}

// New returns a Dispatcher that does nothing until Start. opts.Settings are
// taken as config validated them (config/validate_handoff_test.go covers
// the SMTP and channel cases); New refuses only what config cannot produce:
// no store, or two channels with one key.
func New(opts Options) (*Dispatcher, error) {
	if opts.Store == nil {
		return nil, errors.New("couldn't create the notifier: no store")
	}
	chans, err := channelsFrom(opts.Settings)
	if err != nil {
		return nil, fmt.Errorf("couldn't create the notifier: %w", err)
	}
	d := &Dispatcher{
		cfg:         opts.Settings,
		store:       opts.Store,
		client:      opts.Client,
		log:         opts.Logger,
		now:         opts.Now,
		backoff:     opts.Backoff,
		maxAttempts: opts.MaxAttempts,
		maxRetry:    opts.MaxRetryAfter,
		workers:     opts.Workers,
		tlsConfig:   opts.TLSConfig,
		replyTo:     opts.ReplyTo,
		channels:    chans,
		wake:        make(chan struct{}, 1),
		inFlight:    map[string]bool{},
		finished:    map[string]int{},
	}
	if d.client == nil {
		d.client = &http.Client{
			Timeout: 10 * time.Second,
			// A redirected POST turns into a GET on 301/302; the log should
			// say the URL moved rather than record a GET as delivered.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.backoff == nil {
		d.backoff = DefaultBackoff
	}
	if d.maxAttempts <= 0 {
		d.maxAttempts = DefaultMaxAttempts
	}
	if d.maxRetry <= 0 {
		d.maxRetry = time.Hour
	}
	if d.workers <= 0 {
		d.workers = 4
	}
	return d, nil
}

// Start begins sending in the background: first whatever is pending in the
// store (left by a previous process), then what Notify records. It returns
// at once; the work stops with ctx or Close. Without a mail server while a
// team has an escalation chain it warns, once, that pages will mail nobody.
func (d *Dispatcher) Start(ctx context.Context) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.started || d.closed {
		return
	}
	d.started = true
	if d.cfg.SMTP.Host == "" {
		if teams := d.cfg.ChainTeams; len(teams) > 0 {
			d.log.Warn("no [smtp] host: chain pages (nobody acknowledged in time) can only reach the console and webhooks; nobody is mailed", "teams_with_chain", teams)
		}
	}
	ctx, d.cancel = context.WithCancel(ctx)
	d.done.Add(1)
	go func() {
		defer d.done.Done()
		d.run(ctx)
	}()
}

// Close stops the workers and waits for the attempts in progress to end
// (they are cut short). What is still pending stays in the store for the
// next Start.
func (d *Dispatcher) Close() {
	d.mu.Lock()
	d.closed = true
	cancel := d.cancel
	d.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	d.done.Wait()
}

// Notify records one delivery of e per channel that wants it, then lets the
// workers send them. It never blocks for long and never fails: when the
// store cannot record the deliveries they are logged and sent from memory
// (not durable across a restart, but not dropped either).
func (d *Dispatcher) Notify(ctx context.Context, e Event) {
	ds, err := d.deliveriesFor(e)
	if err != nil {
		d.log.Error("couldn't notify", "event", e.Type, "conversation", e.ConversationID, "err", err)
		return
	}
	if len(ds) == 0 {
		return
	}
	// The caller's cancellation must not lose the event; the timeout keeps
	// a stuck store from holding the desk.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := d.store.AddDeliveries(wctx, ds); err != nil {
		d.log.Error("couldn't record deliveries; sending them from memory", "event", e.Type, "conversation", e.ConversationID, "err", err)
		d.mu.Lock()
		d.unstored = append(d.unstored, ds...)
		d.mu.Unlock()
	}
	d.poke()
}

// Deliveries returns the delivery log, the newest first (the console's
// admin page).
func (d *Dispatcher) Deliveries(ctx context.Context, limit int) ([]store.Delivery, error) {
	ds, err := d.store.ListDeliveries(ctx, limit)
	if err != nil {
		return nil, fmt.Errorf("couldn't list deliveries: %w", err)
	}
	return ds, nil
}

// poke wakes the scheduler without blocking.
func (d *Dispatcher) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Redeliver queues delivery id again with a fresh round of attempts, under
// the same ID: the admin's "send again" once a receiver is fixed (a pending
// one starts its round again, now). It returns store.ErrNotFound for an
// unknown ID.
func (d *Dispatcher) Redeliver(ctx context.Context, id string) error {
	del, err := d.store.Delivery(ctx, id)
	if err != nil {
		return fmt.Errorf("couldn't redeliver %s: %w", id, err)
	}
	if _, ok := d.channel(del.Channel); !ok {
		return fmt.Errorf("couldn't redeliver %s: channel %q is no longer configured", id, del.Channel)
	}
	del.Status, del.Attempts, del.LastError, del.LastStatus = store.DeliveryPending, 0, "", 0
	del.NextAttemptAt, del.DeliveredAt = d.now(), time.Time{}
	if err := d.store.UpdateDelivery(ctx, del); err != nil {
		return fmt.Errorf("couldn't redeliver %s: %w", id, err)
	}
	d.poke()
	return nil
}
