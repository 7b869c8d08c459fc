package handoff_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/andon-chat/andon/app/settings"
	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/notify"
	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/sqlite"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// clock is a hand-moved clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// escalator is a Responder that escalates "escalate REASON" with that
// reason and answers everything else.
type escalator struct{}

func (escalator) Decide(_ context.Context, t bot.Turn) bot.Decision {
	if reason, ok := strings.CutPrefix(t.Text, "escalate "); ok {
		return bot.Decision{Action: bot.Escalate, Reason: reason, Rule: reason + ": test", Confidence: 0.2,
			Candidates: []bot.Candidate{{ArticleID: "refunds", Title: "Refunds", Score: 0.41}}}
	}
	return bot.Decision{Action: bot.Answer, Reply: "bot answer to " + t.Text, Confidence: 0.9}
}

// recorder keeps what the desk sent to notifications, mail and the
// knowledge base.
type recorder struct {
	mu        sync.Mutex
	events    []notify.Event
	mails     []notify.VisitorMail
	questions [][2]string
	drafts    [][3]string
	mailed    chan struct{}
	// mailErr, when set, is what MailReply fails with (an SMTP refusal).
	mailErr error
	// noSMTP makes MailsVisitors report false: no mail server configured.
	noSMTP bool
	// onNotify, when set, runs inside Notify (outside the lock): a test
	// acts at that point of the desk's work.
	onNotify func(notify.Event)
}

func (r *recorder) Notify(_ context.Context, e notify.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	hook := r.onNotify
	r.mu.Unlock()
	if hook != nil {
		hook(e)
	}
}

func (r *recorder) MailsVisitors() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.noSMTP
}

func (r *recorder) MailReply(_ context.Context, m notify.VisitorMail) error {
	r.mu.Lock()
	r.mails = append(r.mails, m)
	err := r.mailErr
	r.mu.Unlock()
	r.mailed <- struct{}{}
	return err
}

func (r *recorder) AddQuestion(_ context.Context, articleID, question string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.questions = append(r.questions, [2]string{articleID, question})
	return nil
}

func (r *recorder) SaveDraft(_ context.Context, title, text, lang string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.drafts = append(r.drafts, [3]string{title, text, lang})
	return "draft-1", nil
}

func (r *recorder) notified(typ string) []notify.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []notify.Event
	for _, e := range r.events {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// env is a desk over a real SQLite store and hub, with a hand-moved clock
// and timers that run only when the test calls Tick.
type env struct {
	t     *testing.T
	path  string
	cfg   config.Config
	st    *sqlite.Store
	hub   *conversation.Hub
	desk  *handoff.Desk
	clock *clock
	rec   *recorder
	ctx   context.Context

	events chan handoff.Event
}

// agents of the tests: Anna and Bert in billing, Cleo in technical, Dag an
// admin in no team.
var (
	anna = handoff.Agent{ID: "u-anna", Name: "Anna Berg", Email: "anna@example.com", Role: "agent", Teams: []string{"billing"}}
	bert = handoff.Agent{ID: "u-bert", Name: "Bert Ek", Email: "bert@example.com", Role: "agent", Teams: []string{"billing"}}
	cleo = handoff.Agent{ID: "u-cleo", Name: "Cleo Falk", Email: "cleo@example.com", Role: "agent", Teams: []string{"technical"}}
	dag  = handoff.Agent{ID: "u-dag", Name: "Dag Gran", Email: "dag@example.com", Role: "admin"}
)

func testConfig() config.Config {
	cfg := config.Defaults()
	cfg.Bot.Sensitive = []config.SensitiveTopic{
		{Name: "billing", Patterns: []string{"refund"}, Team: "billing"},
		{Name: "security", Patterns: []string{"hacked"}},
	}
	cfg.Teams = []config.Team{
		{Name: "billing", Title: "the billing team", Chain: []string{"lead@example.com", "cfo@example.com"}},
		{Name: "technical", Title: "the technical team", Reasons: []string{"low_confidence", "retrieval_error"}},
		{Name: "care", Title: "customer care", Reasons: []string{"frustration:*"}},
		{Name: "security", Title: "the security team", Reasons: []string{"sensitive:security"}, Chain: []string{"cto@example.com"}},
	}
	cfg.Handoff.DefaultTeam = ""
	cfg.Handoff.GracePeriod = config.Duration(2 * time.Minute)
	cfg.Handoff.DefaultWait = config.Duration(3 * time.Minute)
	cfg.Handoff.SLA = map[string]config.Duration{
		"default":            config.Duration(5 * time.Minute),
		"sensitive:*":        config.Duration(2 * time.Minute),
		"sensitive:security": config.Duration(1 * time.Minute),
	}
	return cfg
}

func newEnv(t *testing.T) *env { return newEnvWith(t, nil) }

// newEnvWith is newEnv with the test configuration changed by edit.
func newEnvWith(t *testing.T, edit func(*config.Config)) *env {
	t.Helper()
	cfg := testConfig()
	if edit != nil {
		edit(&cfg)
	}
	e := &env{t: t, path: filepath.Join(t.TempDir(), "andon.db"), cfg: cfg,
		clock: &clock{t: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}, rec: &recorder{mailed: make(chan struct{}, 16)}, ctx: context.Background()}
	e.open()
	for _, a := range []handoff.Agent{anna, bert, cleo, dag} {
		if err := e.st.CreateUser(e.ctx, store.User{ID: a.ID, Email: a.Email, Name: a.Name, Role: a.Role, Teams: a.Teams}); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(e.close)
	return e
}

// open opens the store, the hub and the desk (again, after close).
func (e *env) open() {
	t := e.t
	st, err := sqlite.Open(e.ctx, e.path, sqlite.Options{Synchronous: "normal"})
	if err != nil {
		t.Fatal(err)
	}
	e.st = st
	e.hub = conversation.NewHub(conversation.Options{Store: st, Responder: escalator{}})
	e.desk, err = handoff.New(handoff.Options{
		Hub: e.hub, Store: st, Settings: settings.MustHandoff(e.cfg), Notifier: e.rec, Mailer: e.rec, Learner: e.rec,
		Now: e.clock.Now, TickInterval: -1,
		ChatURL: func(c store.Conversation) string { return "https://help.example/chat#" + c.ID },
	})
	if err != nil {
		t.Fatal(err)
	}
	e.events = make(chan handoff.Event, 4096)
	e.desk.Subscribe(func(ev handoff.Event) {
		select {
		case e.events <- ev:
		default:
			t.Errorf("desk event dropped: %+v", ev)
		}
	})
	if err := e.desk.Start(e.ctx); err != nil {
		t.Fatal(err)
	}
}

func (e *env) close() {
	if e.desk == nil {
		return
	}
	e.desk.Close()
	e.hub.Close()
	e.st.Close()
	e.desk = nil
}

// restart closes everything and opens it again on the same file.
func (e *env) restart() {
	e.close()
	e.open()
}

// visitor starts a conversation and subscribes as its visitor.
func (e *env) visitor(locale string) (store.Conversation, *conversation.Queue, func()) {
	e.t.Helper()
	c, err := e.hub.Start(e.ctx, conversation.Visit{Site: "default", Locale: locale, Page: "https://shop.example/cart",
		Attributes: map[string]string{"name": "Vera Visitor", "plan": "pro"}})
	if err != nil {
		e.t.Fatal(err)
	}
	q := conversation.NewQueue(256)
	return c, q, e.hub.Subscribe(c.ID, q)
}

// escalate makes the bot escalate conversation c with reason (through a
// visitor message), or, for asked_for_human, the visitor ask for a person.
func (e *env) escalate(c store.Conversation, reason string) {
	e.t.Helper()
	if reason == conversation.ReasonAskedForHuman {
		if err := e.hub.AskForHuman(e.ctx, c.ID); err != nil {
			e.t.Fatal(err)
		}
		return
	}
	if _, _, err := e.hub.PostVisitorMessage(e.ctx, c.ID, "", "escalate "+reason); err != nil {
		e.t.Fatal(err)
	}
}

// queued waits until conversation id is an open item of the desk.
func (e *env) queued(id string) handoff.Item {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, it := range e.desk.All() {
			if it.ConversationID == id {
				return it
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	e.t.Fatalf("conversation %s never reached the queue", id)
	return handoff.Item{}
}

// waitEvent returns the next desk event of type typ about conversation id.
func (e *env) waitEvent(typ, id string) handoff.Event {
	e.t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev := <-e.events:
			if ev.Type != typ {
				continue
			}
			if ev.ConversationID == id || (ev.Item != nil && ev.Item.ConversationID == id) || id == "" {
				return ev
			}
		case <-timeout:
			e.t.Fatalf("no %s event for %s within 5s", typ, id)
			return handoff.Event{}
		}
	}
}

// drain returns every update waiting in q without blocking.
func drain(q *conversation.Queue) []*conversation.Update {
	var out []*conversation.Update
	for {
		select {
		case u := <-q.Updates():
			out = append(out, u)
		case <-time.After(50 * time.Millisecond):
			return out
		}
	}
}

// messages returns the texts of the messages among us, from whom.
func messages(us []*conversation.Update, from string) []string {
	var out []string
	for _, u := range us {
		if u.Kind == conversation.KindMessage && u.Message.From == from {
			out = append(out, u.Message.Text)
		}
	}
	return out
}

func states(us []*conversation.Update) []string {
	var out []string
	for _, u := range us {
		if u.Kind == conversation.KindState {
			out = append(out, u.State)
		}
	}
	return out
}

func (e *env) conv(id string) store.Conversation {
	e.t.Helper()
	c, err := e.st.Conversation(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// waitItem returns the first item event about id for which ok is true.
func (e *env) waitItem(id string, ok func(it *handoff.Item) bool) *handoff.Item {
	e.t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev := <-e.events:
			if (ev.Type == handoff.EventItem || ev.Type == handoff.EventPage) && ev.Item != nil && ev.Item.ConversationID == id && ok(ev.Item) {
				return ev.Item
			}
		case <-timeout:
			e.t.Fatalf("no matching item event for %s within 5s", id)
			return nil
		}
	}
}

// waitNotified waits until n notifications of typ were sent and returns them.
func (e *env) waitNotified(typ string, n int) []notify.Event {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := e.rec.notified(typ)
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(2 * time.Millisecond)
	}
}
