package notify

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
)

func TestWebhookSignedDelivery(t *testing.T) {
	t.Parallel()
	const secret = "s3cret"
	rcv := newReceiver(t, secret, nil)
	st := openStore(t, "")
	d := newDispatcher(t, testConfig([]Webhook{{Name: "ops", URL: rcv.srv.URL + "/hook", Secret: secret}}, nil), st)
	d.Start(t.Context())

	e := sampleEvent("ev1")
	e.Level, e.Paged = 1, []string{"cto@example.com"}
	before := time.Now().Unix()
	d.Notify(t.Context(), e)
	row := onlyDelivery(t, st)
	row = waitDelivery(t, st, row.ID, isStatus(store.DeliveryDelivered))
	if row.Attempts != 1 || row.LastStatus != 200 || row.Channel != "webhook:ops" || row.EventType != EventHandoffCreated ||
		row.ConversationID != "conv-ev1" || row.DeliveredAt.IsZero() || !row.NextAttemptAt.IsZero() || row.LastError != "" {
		t.Fatalf("delivered row = %+v", row)
	}

	reqs := rcv.requests()
	if len(reqs) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if !r.Signed {
		t.Fatalf("signature %q does not verify over the body %s", r.Signature, r.Body)
	}
	if r.Path != "/hook" || r.Delivery != row.ID || r.Event != EventHandoffCreated {
		t.Fatalf("request = %+v, want path /hook, delivery %s, event %s", r, row.ID, EventHandoffCreated)
	}
	if ts := atoi(t, r.Timestamp); ts < before-1 || ts > time.Now().Unix()+1 {
		t.Fatalf("X-Andon-Timestamp = %d, want about now", ts)
	}
	got := decodeBody(t, r.Body)
	want := WebhookBody{
		ID: row.ID, Type: EventHandoffCreated, EventID: "ev1", CreatedAt: e.At,
		Conversation: WebhookConversation{ID: "conv-ev1", Site: "shop"},
		Reason:       "sensitive:billing", ReasonText: "Sensitive topic: billing", Team: "billing", Level: 1,
		Paged: []string{"cto@example.com"}, Preview: e.Preview,
		ConsoleURL: "https://support.example.com/console/#conversation=conv-ev1",
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if !bytes.Equal(gj, wj) {
		t.Fatalf("body = %s\nwant   %s", gj, wj)
	}
	// The body names its fields as documented.
	var raw map[string]any
	json.Unmarshal(r.Body, &raw)
	for _, k := range []string{"id", "type", "created_at", "conversation", "reason", "reason_text", "team", "level", "paged", "preview", "console_url"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("body has no %q: %s", k, r.Body)
		}
	}
	// A receiver with the wrong secret refuses it.
	if Sign("other", r.Body) == r.Signature {
		t.Fatal("the signature does not depend on the secret")
	}
}

func TestWebhookRetriesOn5xxThenSucceeds(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, "k", answers(500, 502, 503))
	st := openStore(t, "")
	d := newDispatcher(t, testConfig([]Webhook{{Name: "ops", URL: rcv.srv.URL, Secret: "k"}}, nil), st)
	d.Start(t.Context())
	d.Notify(t.Context(), sampleEvent("ev"))
	row := waitDelivery(t, st, onlyDelivery(t, st).ID, isStatus(store.DeliveryDelivered))
	if row.Attempts != 4 || row.LastStatus != 200 || row.LastError != "" {
		t.Fatalf("row = %+v, want delivered on the 4th attempt", row)
	}
	reqs := rcv.requests()
	if len(reqs) != 4 {
		t.Fatalf("receiver got %d requests, want 4", len(reqs))
	}
	for i, r := range reqs {
		if r.Delivery != row.ID || !r.Signed || !bytes.Equal(r.Body, reqs[0].Body) {
			t.Fatalf("attempt %d: delivery %q signed %v, body %s; want the same delivery %s, signed, the same body", i, r.Delivery, r.Signed, r.Body, row.ID)
		}
	}
}

func TestWebhookClientErrorIsNotRetried(t *testing.T) {
	t.Parallel()
	for _, code := range []int{400, 401, 404, 410, 422} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			t.Parallel()
			rcv := newReceiver(t, "k", answers(code))
			st := openStore(t, "")
			d := newDispatcher(t, testConfig([]Webhook{{Name: "ops", URL: rcv.srv.URL, Secret: "k"}}, nil), st)
			d.Start(t.Context())
			d.Notify(t.Context(), sampleEvent("ev"))
			row := waitDelivery(t, st, onlyDelivery(t, st).ID, isStatus(store.DeliveryFailed))
			if row.Attempts != 1 || row.LastStatus != code || !strings.Contains(row.LastError, strconv.Itoa(code)) {
				t.Fatalf("row = %+v, want failed after 1 attempt with status %d", row, code)
			}
			// Nothing is pending, so nothing more is sent: Close waits for
			// the workers, then the count is final.
			d.Close()
			if n := len(rcv.requests()); n != 1 {
				t.Fatalf("receiver got %d requests, want 1", n)
			}
		})
	}
}

func TestWebhookGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, "k", func(int, http.ResponseWriter) int { return 500 })
	st := openStore(t, "")
	d := newDispatcher(t, testConfig([]Webhook{{Name: "ops", URL: rcv.srv.URL, Secret: "k"}}, nil), st,
		func(o *Options) { o.MaxAttempts = 3 })
	d.Start(t.Context())
	d.Notify(t.Context(), sampleEvent("ev"))
	row := waitDelivery(t, st, onlyDelivery(t, st).ID, isStatus(store.DeliveryFailed))
	d.Close()
	if row.Attempts != 3 || row.LastStatus != 500 || !strings.Contains(row.LastError, "500") {
		t.Fatalf("row = %+v, want failed after 3 attempts", row)
	}
	if n := len(rcv.requests()); n != 3 {
		t.Fatalf("receiver got %d requests, want 3", n)
	}
}

func TestWebhook429HonoursRetryAfter(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, "k", func(n int, w http.ResponseWriter) int {
		w.Header().Set("Retry-After", "7200")
		return http.StatusTooManyRequests
	})
	st := openStore(t, "")
	d := newDispatcher(t, testConfig([]Webhook{{Name: "ops", URL: rcv.srv.URL, Secret: "k"}}, nil), st,
		func(o *Options) { o.MaxRetryAfter = 30 * time.Minute })
	d.Start(t.Context())
	start := time.Now()
	d.Notify(t.Context(), sampleEvent("ev"))
	row := waitDelivery(t, st, onlyDelivery(t, st).ID, func(d store.Delivery) bool { return d.Attempts == 1 })
	d.Close()
	if row.Status != store.DeliveryPending || row.LastStatus != 429 {
		t.Fatalf("row = %+v, want pending after a 429", row)
	}
	// The backoff says a millisecond; the receiver asked for two hours,
	// capped at MaxRetryAfter.
	wait := row.NextAttemptAt.Sub(start)
	if wait < 30*time.Minute-time.Second || wait > 30*time.Minute+10*time.Second {
		t.Fatalf("next attempt in %v, want the capped Retry-After of 30m", wait)
	}
	if n := len(rcv.requests()); n != 1 {
		t.Fatalf("receiver got %d requests before the Retry-After passed, want 1", n)
	}
}

func TestWebhook429ThenSuccess(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, "k", answers(429, 429))
	st := openStore(t, "")
	d := newDispatcher(t, testConfig([]Webhook{{Name: "ops", URL: rcv.srv.URL, Secret: "k"}}, nil), st)
	d.Start(t.Context())
	d.Notify(t.Context(), sampleEvent("ev"))
	row := waitDelivery(t, st, onlyDelivery(t, st).ID, isStatus(store.DeliveryDelivered))
	if row.Attempts != 3 {
		t.Fatalf("row = %+v, want delivered on the 3rd attempt", row)
	}
}

func TestWebhookNetworkErrorIsRetried(t *testing.T) {
	t.Parallel()
	// A port nobody listens on yet: connections are refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	st := openStore(t, "")
	d := newDispatcher(t, testConfig([]Webhook{{Name: "ops", URL: "http://" + addr + "/hook", Secret: "k"}}, nil), st)
	d.Start(t.Context())
	d.Notify(t.Context(), sampleEvent("ev"))
	id := onlyDelivery(t, st).ID
	row := waitDelivery(t, st, id, func(d store.Delivery) bool { return d.Attempts >= 2 })
	if row.Status != store.DeliveryPending || row.LastStatus != 0 || row.LastError == "" {
		t.Fatalf("row after refused connections = %+v, want pending with the error", row)
	}

	// The receiver comes up on that address; the next retry gets through.
	l, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("couldn't listen on %s again (taken meanwhile): %v", addr, err)
	}
	rcv := &receiver{secret: "k"}
	rcv.srv = httptest.NewUnstartedServer(http.HandlerFunc(rcv.serve))
	rcv.srv.Listener.Close()
	rcv.srv.Listener = l
	rcv.srv.Start()
	t.Cleanup(rcv.srv.Close)
	row = waitDelivery(t, st, id, isStatus(store.DeliveryDelivered))
	if reqs := rcv.requests(); len(reqs) != 1 || reqs[0].Delivery != id || !reqs[0].Signed {
		t.Fatalf("receiver got %+v, want one signed request of %s", reqs, id)
	}
}

func TestSlackFormat(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, "", nil)
	st := openStore(t, "")
	d := newDispatcher(t, testConfig([]Webhook{{Name: "slack", URL: rcv.srv.URL, Format: FormatSlack}}, nil), st)
	d.Start(t.Context())
	d.Notify(t.Context(), sampleEvent("ev"))
	waitDelivery(t, st, onlyDelivery(t, st).ID, isStatus(store.DeliveryDelivered))
	reqs := rcv.requests()
	if len(reqs) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(reqs))
	}
	var msg map[string]any
	if err := json.Unmarshal(reqs[0].Body, &msg); err != nil {
		t.Fatalf("slack body %s: %v", reqs[0].Body, err)
	}
	text, ok := msg["text"].(string)
	if !ok || len(msg) != 1 {
		t.Fatalf("slack body = %s, want exactly {\"text\": string}", reqs[0].Body)
	}
	for _, want := range []string{
		"A visitor needs a person",
		"*Sensitive topic: billing*", // the reason in words, not the code
		"(team billing)",
		"\n> I was charged twice &lt;b&gt;this&lt;/b&gt; month", // mrkdwn-escaped preview
		"<https://support.example.com/console/#conversation=conv-ev|Open in the console>",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("slack text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "sensitive:billing") {
		t.Errorf("slack text shows the reason code instead of words:\n%s", text)
	}
	if reqs[0].Signature != "" {
		t.Errorf("an unsigned slack webhook sent a signature %q", reqs[0].Signature)
	}
}

func TestSlackTextPerEventType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e    Event
		want []string
	}{
		{Event{Type: EventHandoffSLAMissed, Reason: "sensitive:security", Level: 2, Paged: []string{"cto@example.com"}},
			[]string{"Nobody answered in time (escalation level 2)", "*sensitive:security*", "Paged: cto@example.com"}},
		{Event{Type: EventHandoffTransferred, ReasonText: "Asked for a person", Team: "technical"},
			[]string{"Conversation transferred", "*Asked for a person*", "(team technical)"}},
		{Event{Type: EventHandoffResolved}, []string{"Conversation resolved"}},
	}
	for _, tc := range tests {
		got := slackText(tc.e)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("slackText(%s) = %q, lacks %q", tc.e.Type, got, w)
			}
		}
		if strings.Contains(got, "console") {
			t.Errorf("slackText(%s) = %q links a console URL it was not given", tc.e.Type, got)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 22, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"120", 2 * time.Minute},
		{" 5 ", 5 * time.Second},
		{"-3", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
	}
	for _, tc := range tests {
		if got := retryAfter(tc.in, now); got != tc.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestDefaultBackoff(t *testing.T) {
	t.Parallel()
	var got []time.Duration
	for n := 1; n <= 12; n++ {
		got = append(got, DefaultBackoff(n))
	}
	want := []time.Duration{1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300}
	for i := range want {
		want[i] *= time.Second
	}
	if !slices.Equal(got, want) {
		t.Fatalf("DefaultBackoff(1..12) = %v, want %v", got, want)
	}
}
