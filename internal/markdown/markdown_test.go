package markdown

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/andon-chat/andon/internal/browsertest"
)

func TestMain(m *testing.M) { browsertest.Main(m) }

func TestInclude(t *testing.T) {
	t.Parallel()
	got, err := Include("(function () {\n" + IncludeMarker + "\nrenderMarkdown('x');\n})();")
	if err != nil || !strings.Contains(got, "var renderMarkdown = (function") || strings.Contains(got, IncludeMarker) {
		t.Fatalf("Include = %q, %v", got, err)
	}
	if _, err := Include("no marker"); err == nil {
		t.Error("a script without the marker was accepted")
	}
}

// TestRenderMarkdown renders Markdown in chromium with the module the
// console loads and compares the DOM it built, serialised. Hostile input
// (raw tags, event attributes, javascript: and data: addresses) must come
// out as text, and no script may run.
func TestRenderMarkdown(t *testing.T) {
	t.Parallel()
	browsertest.Chromium(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /markdown.js", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(Module()))
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Security-Policy", "script-src 'self'")
		w.Write([]byte(`<!doctype html><title>md</title><script type="module" src="/render.js"></script>`))
	})
	mux.HandleFunc("GET /render.js", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(`import { renderMarkdown } from './markdown.js';
window.render = (t) => { const d = document.createElement('div'); d.appendChild(renderMarkdown(t)); document.body.appendChild(d); return d.innerHTML; };`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	ctx := browsertest.New(t, browsertest.Options{})
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	if err := browsertest.Poll(ctx, 10e9, `typeof window.render === 'function'`); err != nil {
		t.Fatal(err)
	}
	const a = ` target="_blank" rel="noopener noreferrer nofollow"`
	cases := []struct{ in, want string }{
		{"Open **Settings** and _then_ `Security`.", "<p>Open <strong>Settings</strong> and <em>then</em> <code>Security</code>.</p>"},
		{"a *b* __c__ snake_case_name 2 * 3 * 4", "<p>a <em>b</em> <strong>c</strong> snake_case_name 2 * 3 * 4</p>"},
		{"one\n\ntwo\nlines", "<p>one</p><p>two\nlines</p>"},
		{"## Steps\n- one\n- two\n\n1. first\n2. second", "<p><strong>Steps</strong></p><ul><li>one</li><li>two</li></ul><ol><li>first</li><li>second</li></ol>"},
		{"3. three\n4. four", `<ol start="3"><li>three</li><li>four</li></ol>`},
		{"```html\n<script>x()</script>\n  indented\n```\nafter", "<pre><code>&lt;script&gt;x()&lt;/script&gt;\n  indented</code></pre><p>after</p>"},
		{"``a ` b`` and `", "<p><code>a ` b</code> and `</p>"},
		{"[guide](https://example.com/a_b) <https://x.se> https://y.se/p.", `<p><a href="https://example.com/a_b"` + a + `>guide</a> <a href="https://x.se/"` + a + `>https://x.se</a> <a href="https://y.se/p"` + a + `>https://y.se/p</a>.</p>`},
		{"[mail](mailto:a@b.se) [**bold** link](https://z.se)", `<p><a href="mailto:a@b.se"` + a + `>mail</a> <a href="https://z.se/"` + a + `><strong>bold</strong> link</a></p>`},
		{`\*not em\* \` + "`x`", "<p>*not em* `x`</p>"},
		{"> quoted\n\n---\n\nend", "<p>quoted</p><p>end</p>"},
		// hostile: all text, nothing runs
		{"<script>window.__pwned=1</script>", "<p>&lt;script&gt;window.__pwned=1&lt;/script&gt;</p>"},
		{`<img src=x onerror="window.__pwned=2">`, `<p>&lt;img src=x onerror="window.__pwned=2"&gt;</p>`},
		{"[x](javascript:window.__pwned=3) [y](  JaVaScRiPt:window.__pwned=4) [z](data:text/html,hi) [r](/relative)", "<p>x y z r</p>"},
		{"<javascript:window.__pwned=5> <data:text/html,hi>", "<p>&lt;javascript:window.__pwned=5&gt; &lt;data:text/html,hi&gt;</p>"},
		{"![a](javascript:window.__pwned=6) ![b](https://evil.example/t.png)", "<p>a b</p>"},
		{"[<img src=x onerror=window.__pwned=7>](https://ok.se)", `<p><a href="https://ok.se/"` + a + `>&lt;img src=x onerror=window.__pwned=7&gt;</a></p>`},
		{"**<svg onload=window.__pwned=8>**", "<p><strong>&lt;svg onload=window.__pwned=8&gt;</strong></p>"},
		{"[click](https://ok.se\" onclick=\"window.__pwned=9)", `<p>[click](<a href="https://ok.se/"` + a + `>https://ok.se</a>" onclick="window.__pwned=9)</p>`},
	}
	for _, c := range cases {
		in := strings.NewReplacer(`\`, `\\`, "`", "\\`", "$", `\$`).Replace(c.in)
		if got := browsertest.Eval[string](ctx, t, "render(`"+in+"`)"); got != c.want {
			t.Errorf("renderMarkdown(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
	// click every link: none may run script
	browsertest.Eval[bool](ctx, t, `(document.querySelectorAll('a').forEach(a => { a.addEventListener('click', e => e.preventDefault()); a.click(); }), true)`)
	if p := browsertest.Eval[string](ctx, t, `String(window.__pwned)`); p != "undefined" {
		t.Errorf("hostile Markdown ran script: window.__pwned = %s", p)
	}
}
