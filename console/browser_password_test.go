package console

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/andon-chat/andon/auth"
)

// A person choosing a password from an invitation link who picks a common
// one (password12) or one built on their name is told why, in the
// console's language, and a good one then gets them in.
func TestBrowserWeakPasswordIsExplainedInSwedish(t *testing.T) {
	e, _, _ := browserEnv(t)
	_, link, err := e.auth.AddUser(context.Background(), auth.NewUser{Email: "karin.lindqvist@example.com", Name: "Karin Lindqvist", Role: auth.RoleAgent, Teams: []string{"billing"}})
	if err != nil {
		t.Fatal(err)
	}
	_, token, ok := strings.Cut(link, "#setup=")
	if !ok {
		t.Fatalf("invitation link %q", link)
	}
	ctx := browser(t, 1280, 800)
	run(ctx, t, chromedp.Navigate(e.srv.URL+"/console/"))
	eval[bool](ctx, t, `(localStorage.setItem('andon.lang', 'sv'), true)`)
	run(ctx, t, chromedp.Navigate(e.srv.URL+"/console/#setup="+token), chromedp.Reload())
	until(ctx, t, "the setup form", `document.querySelector('#setup input[type=password]')`)

	try := func(password string) {
		t.Helper()
		eval[bool](ctx, t, `(() => { const p = document.querySelector('#setup input[type=password]'); p.value = ''; document.querySelector('#setup .error').textContent = ''; return true; })()`)
		run(ctx, t,
			chromedp.SendKeys(q("#setup input[type=password]"), password),
			chromedp.Click(q("#setup button[type=submit]")))
	}
	try("password12")
	until(ctx, t, "the Swedish reason for a common password", `document.querySelector('#setup .error').textContent.includes('ett av de vanligaste')`)
	shot(ctx, t, "weak-password-sv")
	try("lindqvist2024")
	until(ctx, t, "the Swedish reason for a password on the name", `document.querySelector('#setup .error').textContent.includes('ditt eget namn')`)
	try("correct horse battery staple")
	until(ctx, t, "the console after a good password", `document.querySelector('#top') && !document.querySelector('#top').hidden`)
}
