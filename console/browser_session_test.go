package console

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/andon-chat/andon/auth"
)

// When the server ends the session (here: logged out everywhere from
// another device), the open console does not keep "reconnecting" but shows
// the login page.
func TestBrowserSessionEndShowsLogin(t *testing.T) {
	e, email, _ := browserEnv(t)
	ctx := browser(t, 1280, 800)
	logIn(ctx, t, e, email)
	until(ctx, t, "the console", `document.querySelector('#top') && !document.querySelector('#top').hidden && document.querySelector('#main li[data-id]')`)
	u, err := e.auth.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.DeleteUserSessions(context.Background(), u.ID, ""); err != nil {
		t.Fatal(err)
	}
	// The socket notices at its next check: a ping or the next frame it
	// acts on. A watch frame is sent by opening a conversation.
	eval[bool](ctx, t, `(() => { document.querySelector('#main li[data-id] a').click(); return true; })()`)
	// The page reloads on its way to the login form, so this waits across
	// the navigation rather than with a single poll.
	deadline := time.Now().Add(15 * time.Second)
	for {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector('#login input[type=email]')`)); err == nil && ok {
			break
		}
		if time.Now().After(deadline) {
			shot(ctx, t, "failed-session-end")
			t.Fatal("the console did not show the login page after its session ended")
		}
		time.Sleep(100 * time.Millisecond)
	}
	shot(ctx, t, "session-ended-login")
	if eval[bool](ctx, t, `!document.querySelector('#banner').hidden`) {
		t.Error("the reconnecting banner is still shown on the login page")
	}
}

// An editor who logs into the console is told what the console is for
// instead of getting a desk whose every request is refused.
func TestBrowserEditorSeesNoDesk(t *testing.T) {
	e, _, _ := browserEnv(t)
	if _, _, err := e.auth.AddUser(context.Background(), auth.NewUser{Email: "sara@example.com", Name: "Sara", Role: auth.RoleEditor, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t, 1280, 800)
	logIn(ctx, t, e, "sara@example.com")
	until(ctx, t, "the editor page", `document.querySelector('#editor')`)
	if text := eval[string](ctx, t, `document.body.innerText`); strings.Contains(text, "went wrong") || !strings.Contains(text, "andon ingest") {
		t.Errorf("editor page:\n%s", text)
	}
	shot(ctx, t, "editor")
}
