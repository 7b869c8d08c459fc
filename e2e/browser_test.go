package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/andon-chat/andon/internal/browsertest"
)

// newBrowser starts a fresh headless chromium (internal/browsertest: skips
// without one, fails when CI=true) and returns a context for one tab.
// Every action run on it is bounded by the test's deadline.
func newBrowser(t *testing.T, width, height int) context.Context {
	t.Helper()
	return browsertest.New(t, browsertest.Options{Width: width, Height: height})
}

// screenshot saves a PNG of the viewport as NAME.png in $ANDON_ARTIFACTS
// (locally /tmp/andon-artifacts); a screenshot the story asks for that
// cannot be taken fails the test.
func screenshot(ctx context.Context, t *testing.T, name string) {
	t.Helper()
	if err := browsertest.Screenshot(ctx, t, name); err != nil {
		t.Fatal(err)
	}
}

// failureScreenshot keeps what the page showed when a step failed; a
// screenshot that cannot be taken then (the tab is gone) is only logged, so
// the step's own error is the one reported.
func failureScreenshot(ctx context.Context, t *testing.T) {
	t.Helper()
	if err := browsertest.Screenshot(ctx, t, "failed-"+sanitize(t.Name())); err != nil {
		t.Log(err)
	}
}

// pressKey sends one non-printing key: keydown and keyup, no char event.
func pressKey(key, code string, vk int64, mods int64) chromedp.Action[chromedp.Void] {
	return browsertest.Key(key, code, vk, mods)
}

func enterKey() chromedp.Action[chromedp.Void]  { return pressKey("Enter", "Enter", 13, 0) }
func escapeKey() chromedp.Action[chromedp.Void] { return pressKey("Escape", "Escape", 27, 0) }
