package notify

import (
	"bytes"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
	"github.com/emersion/go-smtp"
)

// slaMissed is the page the desk sends when nobody acknowledged in time.
func slaMissed(id string, paged ...string) Event {
	e := sampleEvent(id)
	e.Type, e.Level, e.Paged = EventHandoffSLAMissed, 1, paged
	e.EscalatedAt = e.At.Add(-12 * time.Minute)
	return e
}

// A page goes by mail to exactly the people paged, once per event, on its
// own "page" channel that ignores the configured channels' filters.
func TestPageMailsExactlyThePaged(t *testing.T) {
	t.Parallel()
	srv := startMailServer(t, nil, false)
	cfg := mailConfig(testConfig(nil, []EmailChannel{
		{Name: "security", To: []string{"security@example.com"}, Reasons: []string{"sensitive:security"}},
	}), srv, "none")
	st := openStore(t, "")
	d := newDispatcher(t, cfg, st)
	d.Start(t.Context())

	e := slaMissed("ev", "lead@example.com", " LEAD@example.com", "cto@example.com", "")
	d.Notify(t.Context(), e)
	d.Notify(t.Context(), e) // the desk retried its call
	row := waitDelivery(t, st, deliveryID(e.ID, pageKey), isStatus(store.DeliveryDelivered))
	if row.Channel != pageKey || row.EventType != EventHandoffSLAMissed || row.Attempts != 1 || row.LastStatus != 250 {
		t.Fatalf("row = %+v", row)
	}
	if all, err := st.ListDeliveries(t.Context(), 0); err != nil || len(all) != 1 {
		t.Fatalf("deliveries = %+v, %v; want only the page (the e-mail channel's filter does not match)", all, err)
	}
	mails := srv.received()
	if len(mails) != 1 {
		t.Fatalf("server got %d mails, want 1", len(mails))
	}
	if want := []string{"lead@example.com", "cto@example.com"}; !slices.Equal(mails[0].To, want) {
		t.Fatalf("page recipients = %v, want exactly %v", mails[0].To, want)
	}
	p := parseMail(t, mails[0].Data)
	if got := p.Header.Get(HeaderDelivery); got != row.ID {
		t.Fatalf("%s = %q, want %q", HeaderDelivery, got, row.ID)
	}
	if want := "[andon] You are being paged: nobody acknowledged an escalation in time (Sensitive topic: billing, waiting 12 minutes)"; p.Subject != want {
		t.Fatalf("subject = %q, want %q", p.Subject, want)
	}
	text := p.Parts["text/plain"]
	for _, want := range []string{
		"You are being paged because nobody acknowledged this escalation in time.",
		"A visitor has been waiting 12 minutes for a person, but nobody in team billing has taken the conversation.",
		"Reason: Sensitive topic: billing", "Team: billing", "Waiting: 12 minutes (since 2026-11-26 21:48 UTC)",
		"> I was charged twice <b>this</b> month",
		"Take it in the console: https://support.example.com/console/#conversation=conv-ev",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	html := p.Parts["text/html"]
	for _, want := range []string{
		"<strong>You are being paged because nobody acknowledged this escalation in time.</strong>",
		"I was charged twice &lt;b&gt;this&lt;/b&gt; month",
		`<a href="https://support.example.com/console/#conversation=conv-ev">`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q:\n%s", want, html)
		}
	}
}

// A page is retried like any delivery: a refusal that may pass later is
// tried again under the same delivery ID, a final one fails at once.
func TestPageMailIsRetried(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		refuse   int64 // how many attempts the server refuses
		code     int
		status   string
		attempts int
	}{
		{"try later, then through", 2, 451, store.DeliveryDelivered, 3},
		{"mailbox unknown", 100, 550, store.DeliveryFailed, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startMailServer(t, nil, false)
			var n atomic.Int64
			srv.rcpt = func(string) error {
				if n.Add(1) <= tc.refuse {
					return &smtp.SMTPError{Code: tc.code, EnhancedCode: smtp.EnhancedCode{tc.code / 100, 1, 1}, Message: "no"}
				}
				return nil
			}
			st := openStore(t, "")
			d := newDispatcher(t, mailConfig(testConfig(nil, nil), srv, "none"), st, func(o *Options) { o.MaxAttempts = 5 })
			d.Start(t.Context())
			e := slaMissed("ev", "lead@example.com")
			d.Notify(t.Context(), e)
			row := waitDelivery(t, st, deliveryID(e.ID, pageKey), isStatus(tc.status))
			if row.Attempts != tc.attempts {
				t.Fatalf("row = %+v, want %s after %d attempts", row, tc.status, tc.attempts)
			}
			mails := srv.received()
			if tc.status == store.DeliveryFailed {
				if len(mails) != 0 || row.LastStatus != tc.code || row.LastError == "" {
					t.Fatalf("row = %+v, %d mails; want the %d kept and nothing sent", row, len(mails), tc.code)
				}
				return
			}
			if len(mails) != 1 || parseMail(t, mails[0].Data).Header.Get(HeaderDelivery) != row.ID {
				t.Fatalf("server got %d mails, want one carrying delivery %s", len(mails), row.ID)
			}
		})
	}
}

// logBuffer collects log lines from several goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Without a mail server there is no page channel: a page reaches the
// webhooks only, and Start says so once when a team has a chain.
func TestNoPageChannelWithoutSMTP(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, "k", nil)
	cfg := testConfig([]Webhook{{Name: "ops", URL: rcv.srv.URL, Secret: "k"}}, nil)
	cfg.ChainTeams = []string{"billing"}
	var logs logBuffer
	st := openStore(t, "")
	d := newDispatcher(t, cfg, st, func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	d.Start(t.Context())
	d.Start(t.Context())
	if _, ok := d.channel(pageKey); ok {
		t.Fatal("a page channel exists without SMTP")
	}
	e := slaMissed("ev", "lead@example.com")
	d.Notify(t.Context(), e)
	row := waitDelivery(t, st, onlyDelivery(t, st).ID, isStatus(store.DeliveryDelivered))
	if row.Channel != "webhook:ops" {
		t.Fatalf("row = %+v, want the webhook's only", row)
	}
	if reqs := rcv.requests(); len(reqs) != 1 || !slices.Equal(decodeBody(t, reqs[0].Body).Paged, e.Paged) {
		t.Fatalf("webhook got %+v, want one request naming the paged person", reqs)
	}
	out := logs.String()
	if strings.Count(out, "level=WARN") != 1 || !strings.Contains(out, "can only reach the console and webhooks") ||
		!strings.Contains(out, "teams_with_chain=[billing]") {
		t.Fatalf("log = %q, want one warning naming the team with a chain", out)
	}

	// No warning when pages can be mailed, or when no team has a chain.
	quiet := []Settings{testConfig(nil, nil), cfg}
	quiet[1].SMTP = SMTP{Host: "mail.example.com", From: "andon@example.com"}
	for i, c := range quiet {
		var logs logBuffer
		d := newDispatcher(t, c, openStore(t, ""), func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
		d.Start(t.Context())
		d.Close()
		if logs.String() != "" {
			t.Errorf("config %d: log = %q, want nothing", i, logs.String())
		}
	}
}

// With SMTP, the page channel takes exactly the events that page someone,
// beside whatever configured channels want them.
func TestPageChannelPicksPagedEvents(t *testing.T) {
	t.Parallel()
	cfg := testConfig([]Webhook{{Name: "ops", URL: "https://hooks.example.com/ops", Secret: "k", Reasons: []string{"asked_for_human"}}}, nil)
	cfg.SMTP = SMTP{Host: "mail.example.com", From: "andon@example.com"} // never reached: not started
	st := openStore(t, "")
	d := newDispatcher(t, cfg, st)
	tests := []struct {
		paged []string
		want  []string
	}{
		{nil, nil},
		{[]string{" "}, nil},
		{[]string{"lead@example.com"}, []string{pageKey}},
	}
	for i, tc := range tests {
		e := slaMissed(string(rune('a'+i)), tc.paged...)
		d.Notify(t.Context(), e)
		rows, err := st.ListDeliveries(t.Context(), 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			if r.EventID == e.ID {
				got = append(got, r.Channel)
				if r.ID != deliveryID(e.ID, pageKey) {
					t.Errorf("page delivery id = %s, want the derived one", r.ID)
				}
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("paged %q went to %v, want %v", tc.paged, got, tc.want)
		}
	}
}

func TestPageMailText(t *testing.T) {
	t.Parallel()
	security := slaMissed("ev", "cto@example.com")
	security.Reason, security.ReasonText, security.Team, security.Level = "sensitive:security", "Sensitive topic: security", "", 2
	security.EscalatedAt, security.ConsoleURL, security.Preview = time.Time{}, "", ""
	long := slaMissed("ev2", "lead@example.com")
	long.EscalatedAt = long.At.Add(-(65*time.Minute + 30*time.Second))
	transferred := sampleEvent("ev3")
	transferred.Type, transferred.Paged = EventHandoffTransferred, []string{"lead@example.com"}
	tests := []struct {
		name    string
		e       Event
		subject string
		text    []string
		absent  []string
	}{
		{"unknown wait, no team, no link", security,
			"[andon] You are being paged: nobody acknowledged an escalation in time (Sensitive topic: security)",
			[]string{"nobody in the team has taken", "You are number 2 in the team's escalation chain.", "Take it in the andon console."},
			[]string{"Team:", "Waiting:", "since", "The visitor wrote"}},
		{"hours and minutes", long,
			"[andon] You are being paged: nobody acknowledged an escalation in time (Sensitive topic: billing, waiting 1 hour 5 minutes)",
			[]string{"Waiting: 1 hour 5 minutes (since 2026-11-26 20:54 UTC)", "escalation chain of team billing"}, nil},
		{"another event that pages", transferred,
			"[andon] You are being paged: Conversation transferred (Sensitive topic: billing)",
			[]string{"You are being paged: Conversation transferred.", "Reason: Sensitive topic: billing"},
			[]string{"Waiting:", "nobody acknowledged"}},
	}
	for _, tc := range tests {
		m := pageMail(tc.e, waited(tc.e))
		if m.subject != tc.subject {
			t.Errorf("%s: subject = %q, want %q", tc.name, m.subject, tc.subject)
		}
		for _, w := range tc.text {
			if !strings.Contains(m.text, w) {
				t.Errorf("%s: text lacks %q:\n%s", tc.name, w, m.text)
			}
		}
		for _, w := range tc.absent {
			if strings.Contains(m.text, w) {
				t.Errorf("%s: text has %q:\n%s", tc.name, w, m.text)
			}
		}
		if m.html == "" {
			t.Errorf("%s: no HTML part", tc.name)
		}
	}
}

func TestDurationWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "less than a minute"},
		{59 * time.Second, "less than a minute"},
		{time.Minute, "1 minute"},
		{12*time.Minute + 59*time.Second, "12 minutes"},
		{time.Hour, "1 hour"},
		{61 * time.Minute, "1 hour 1 minute"},
		{26*time.Hour + 3*time.Minute, "26 hours 3 minutes"},
	}
	for _, tc := range tests {
		if got := durationWords(tc.d); got != tc.want {
			t.Errorf("durationWords(%s) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
