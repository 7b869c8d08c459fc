package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPagesHaveAnIcon: the demo page and the console each link icons the
// browser can load, so the tab shows andon's icon rather than a 404.
func TestPagesHaveAnIcon(t *testing.T) {
	ctx := newBrowser(t, 1024, 768)
	srv := startServer(t)
	for _, page := range []string{"/", "/console/"} {
		do(ctx, t, chromedp.Navigate(srv.URL+page))
		js[bool](ctx, t, `(() => {
			window.__icons = [];
			for (const l of document.querySelectorAll('link[rel=icon]')) {
				const img = new Image();
				img.onload = () => window.__icons.push(img.naturalWidth);
				img.onerror = () => window.__icons.push(-1);
				img.src = l.href;
			}
			return true;
		})()`)
		waitFor(ctx, t, page+" icons loaded", `window.__icons.length === document.querySelectorAll('link[rel=icon]').length && window.__icons.length >= 2`)
		if got := js[[]int](ctx, t, `window.__icons`); len(got) < 2 || got[0] <= 0 || got[1] <= 0 {
			t.Errorf("%s: icon widths %v, want every icon to load", page, got)
		}
	}
}
