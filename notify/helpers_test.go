package notify

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/sqlite"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// openStore opens a SQLite store at path (a new one in t.TempDir() when
// path is empty) and closes it with t.
func openStore(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "andon.db")
	}
	s, err := sqlite.Open(t.Context(), path, sqlite.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fastBackoff keeps retries immediate so tests wait for outcomes, not
// timers.
func fastBackoff(int) time.Duration { return time.Millisecond }

// testConfig is the defaults with a public URL and the given channels.
func testConfig(webhooks []Webhook, emails []EmailChannel) Settings {
	return Settings{PublicURL: "https://support.example.com/", Webhooks: webhooks, Emails: emails}
}

// newDispatcher builds a Dispatcher over st with fast retries and closes it
// with t; it is not started.
func newDispatcher(t *testing.T, cfg Settings, st store.Deliveries, edit ...func(*Options)) *Dispatcher {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{}}
	opts := Options{Settings: cfg, Store: st, Client: client, Backoff: fastBackoff}
	for _, e := range edit {
		e(&opts)
	}
	d, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		d.Close()
		client.CloseIdleConnections()
	})
	return d
}

// waitDelivery waits until delivery id satisfies ok and returns it.
func waitDelivery(t *testing.T, st store.Deliveries, id string, ok func(store.Delivery) bool) store.Delivery {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		d, err := st.Delivery(t.Context(), id)
		if err == nil && ok(d) {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery %s never reached the expected state: last %+v, %v", id, d, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func isStatus(status string) func(store.Delivery) bool {
	return func(d store.Delivery) bool { return d.Status == status }
}

// onlyDelivery returns the one delivery in the store.
func onlyDelivery(t *testing.T, st store.Deliveries) store.Delivery {
	t.Helper()
	ds, err := st.ListDeliveries(t.Context(), 0)
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries = %+v, %v; want exactly one", ds, err)
	}
	return ds[0]
}

// received is one request a receiver got.
type received struct {
	Path      string
	Delivery  string
	Event     string
	Timestamp string
	Signature string
	Signed    bool // the signature matched the body under the receiver's secret
	Body      []byte
}

// receiver is a webhook endpoint that verifies signatures the way a real
// receiver would and answers what answer says for the nth request (from 0).
type receiver struct {
	srv    *httptest.Server
	secret string
	answer func(n int, w http.ResponseWriter) int

	mu   sync.Mutex
	reqs []received
}

func newReceiver(t *testing.T, secret string, answer func(n int, w http.ResponseWriter) int) *receiver {
	t.Helper()
	r := &receiver{secret: secret, answer: answer}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	got := received{
		Path: req.URL.Path, Delivery: req.Header.Get(HeaderDelivery), Event: req.Header.Get(HeaderEvent),
		Timestamp: req.Header.Get(HeaderTimestamp), Signature: req.Header.Get(HeaderSignature), Body: body,
	}
	got.Signed = req.Method == http.MethodPost && got.Signature != "" &&
		Verify(r.secret, body, got.Signature)
	r.mu.Lock()
	n := len(r.reqs)
	r.reqs = append(r.reqs, got)
	r.mu.Unlock()
	status := http.StatusOK
	if r.answer != nil {
		status = r.answer(n, w)
	}
	w.WriteHeader(status)
	fmt.Fprintf(w, "status %d", status)
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.reqs...)
}

// answers answers the listed statuses in turn, then 200.
func answers(statuses ...int) func(int, http.ResponseWriter) int {
	return func(n int, _ http.ResponseWriter) int {
		if n < len(statuses) {
			return statuses[n]
		}
		return http.StatusOK
	}
}

// sampleEvent is an escalation as the desk would notify it.
func sampleEvent(id string) Event {
	return Event{
		ID: id, Type: EventHandoffCreated, ConversationID: "conv-" + id, Site: "shop",
		Reason: "sensitive:billing", ReasonText: "Sensitive topic: billing", Team: "billing",
		Preview: "I was charged twice <b>this</b> month", At: time.Date(2026, 11, 26, 22, 0, 0, 0, time.UTC),
	}
}

func decodeBody(t *testing.T, b []byte) WebhookBody {
	t.Helper()
	var wb WebhookBody
	if err := json.Unmarshal(b, &wb); err != nil {
		t.Fatalf("webhook body %s: %v", b, err)
	}
	return wb
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return v
}
