package e2e

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// root is the widget's shadow root as a JavaScript expression.
const root = `document.querySelector('andon-widget').shadowRoot`

// inWidget selects the first element matching css inside the widget's
// shadow root, for chromedp's Click and SendKeys (which press real mouse
// buttons and keys at the element's position).
func inWidget(css string) chromedp.JSPath {
	return chromedp.JSPath(root + `.querySelector(` + jsString(css) + `)`)
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// js evaluates expr in the page and decodes its value.
func js[T any](ctx context.Context, t *testing.T, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("couldn't evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor polls the JavaScript expression until it is truthy. An exception
// counts as false, because the widget may not exist yet. On timeout it saves
// a screenshot and the widget's text, then fails with what it waited for.
func waitFor(ctx context.Context, t *testing.T, what, expr string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	pred := `(() => { try { return !!(` + expr + `); } catch (e) { return false; } })()`
	if _, err := chromedp.Run(wctx, chromedp.Poll[bool](pred, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(0))); err != nil {
		failureScreenshot(ctx, t)
		text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { try { return `+root+`.querySelector('.panel').innerText } catch (e) { return String(e) } })()`))
		t.Fatalf("timed out waiting for %s (%v); widget text:\n%s", what, err, text)
	}
}

func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			b[i] = '-'
		}
	}
	return string(b)
}

func do(ctx context.Context, t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		failureScreenshot(ctx, t)
		t.Fatal(err)
	}
}

// box is an element's rectangle and whether it can be seen.
type box struct {
	X, Y, W, H float64
	Visible    bool
	FontSize   string
	Display    string
}

// boxOf measures an element inside the shadow root: its client rectangle,
// computed display and font size, and whether the topmost element at its
// centre is the element itself or inside it (so it is not hidden or covered).
func boxOf(ctx context.Context, t *testing.T, css string) box {
	t.Helper()
	return js[box](ctx, t, `(() => {
		const r = `+root+`, e = r.querySelector(`+jsString(css)+`);
		if (!e) return {Visible: false};
		const b = e.getBoundingClientRect(), s = getComputedStyle(e);
		const hit = r.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2);
		return {X: b.x, Y: b.y, W: b.width, H: b.height, FontSize: s.fontSize, Display: s.display,
			Visible: s.visibility === 'visible' && s.display !== 'none' && +s.opacity > 0.9 &&
				b.width > 0 && b.height > 0 && !!hit && (hit === e || e.contains(hit))};
	})()`)
}

// openWidget clicks the launcher and waits until the panel is shown and the
// composer has the focus.
func openWidget(ctx context.Context, t *testing.T) {
	t.Helper()
	waitFor(ctx, t, "the launcher", root+`.querySelector('.launcher')`)
	do(ctx, t, chromedp.Click(inWidget(".launcher")))
	waitFor(ctx, t, "the open panel with the focus in the composer",
		`!`+root+`.querySelector('.panel').hidden && `+root+`.activeElement === `+root+`.querySelector('textarea')`)
}

// ask types a question into the composer and sends it with Enter.
func ask(ctx context.Context, t *testing.T, text string) {
	t.Helper()
	do(ctx, t, chromedp.SendKeys(inWidget("textarea"), text), enterKey())
}

// messages lists the rendered messages in order.
type message struct {
	From, Text string
	Seq        int
	Pending    bool
	ClientID   string
	Sources    []source
}

type source struct{ Title, Href string }

func messages(ctx context.Context, t *testing.T) []message {
	t.Helper()
	return js[[]message](ctx, t, `Array.from(`+root+`.querySelectorAll('.msgs > li')).filter(li => li.dataset.key !== 'greeting').map(li => ({
		From: ['visitor', 'bot', 'agent', 'system'].find(c => li.classList.contains(c)) || '',
		Text: li.querySelector('.b').textContent,
		Seq: +(li.dataset.seq || 0),
		Pending: li.classList.contains('pending'),
		ClientID: li.dataset.cid || '',
		Sources: Array.from(li.querySelectorAll('.src a')).map(a => ({Title: a.textContent, Href: a.href})),
	}))`)
}
