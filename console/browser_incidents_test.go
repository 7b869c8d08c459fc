package console

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
	"github.com/chromedp/chromedp"
)

// TestBrowserIncidents: an agent opens the Incidents page from the top
// bar, sees the open incident with its examples, posts a status and closes
// it; the timeline shows each step and the store has them.
func TestBrowserIncidents(t *testing.T) {
	e, email, _ := browserEnv(t)
	if _, err := e.st.OpenIncident(context.Background(), store.Incident{ID: "inc_1", Label: "cannot log in",
		Examples: []string{"I cannot log in", "login broken"}, Count: 14, Usual: 1.2, WindowSeconds: 600,
		OpenedAt: time.Now().Add(-5 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t, 1280, 800)
	logIn(ctx, t, e, email)
	until(ctx, t, "the Incidents link", `document.querySelector('#nav-incidents')`)
	run(ctx, t, chromedp.Click(q("#nav-incidents")))
	until(ctx, t, "the open incident", `document.querySelector('#incident-inc_1[data-state=open]')`)
	if got := eval[string](ctx, t, `document.querySelector('#incident-inc_1 h2').textContent`); !strings.Contains(got, "14 visitors asked about “cannot log in” in 10 minutes; usually 1") {
		t.Errorf("incident heading = %q", got)
	}
	const status = "Logging in is down; we expect it back by 11:00."
	run(ctx, t, chromedp.SendKeys(q("#incident-inc_1 .status-text"), status), chromedp.Click(q("#incident-inc_1 .post-status")))
	until(ctx, t, "the posted status", `document.querySelector('#incident-inc_1 .timeline li[data-kind=status] blockquote')?.textContent === `+jsString(status))
	shot(ctx, t, "incidents-status")
	run(ctx, t, chromedp.Click(q("#incident-inc_1 .close-incident")))
	until(ctx, t, "the closed incident", `document.querySelector('#incident-inc_1[data-state=closed] .timeline li[data-kind=closed]')`)
	shot(ctx, t, "incidents-closed")
	tl, err := e.st.IncidentTimeline(context.Background(), "inc_1")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, en := range tl {
		kinds = append(kinds, en.Kind+":"+en.Author)
	}
	if got := strings.Join(kinds, ","); got != "opened:,status:Anna Berg,closed:Anna Berg" {
		t.Errorf("stored timeline = %s", got)
	}
}
