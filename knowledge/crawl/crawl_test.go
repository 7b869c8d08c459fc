package crawl

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

const refundsHTML = `<!doctype html><html lang="sv-SE"><head><title>Refunds – Help Center</title>
<script>var tracking = 1;</script></head><body>
<header><a href="/">Home</a> <nav><a href="/a">All articles</a></nav></header>
<div id="cookie-banner">We use cookies. <button>Accept cookies</button></div>
<aside>Related: shipping</aside>
<main><h1>Refunds</h1>
<p>You can get your money back within <strong>30 days</strong>. Please <a href="/contact">contact us</a>.</p>
<h2>Steps</h2>
<ol><li>Open <em>Orders</em></li><li>Choose the order<ul><li>Paid orders only</li></ul></li></ol>
<pre><code class="language-sh">andon refund --order 42
</code></pre>
</main>
<footer>© Example AB</footer></body></html>`

// site is a help site served by httptest: a sitemap index pointing at a
// gzipped sitemap, robots.txt, and pages that misbehave in every way the
// crawler must survive.
type site struct {
	srv  *httptest.Server
	gate chan struct{} // /slow answers when it is closed

	mu      sync.Mutex
	version int  // of /changing
	etags   bool // /changing sends an ETag
	hits    map[string]int
}

func newSite(t *testing.T) *site {
	s := &site{gate: make(chan struct{}), version: 1, etags: true, hits: map[string]int{}}
	mux := http.NewServeMux()
	html := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "User-agent: *\nDisallow: /private/\nSitemap: %s/sitemap.xml\n", s.srv.URL)
	})
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>%s/pages.xml.gz</loc></sitemap></sitemapindex>`, s.srv.URL)
	})
	mux.HandleFunc("/pages.xml.gz", func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for _, p := range []string{"/guide/refunds", "/private/secret", "/big", "/slow", "/redir", "/changing", "/plain.txt", "/loop", "/go-secret"} {
			fmt.Fprintf(&b, "<url><loc>%s%s</loc></url>", s.srv.URL, p)
		}
		b.WriteString("<url><loc>https://elsewhere.example/x</loc></url></urlset>")
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write([]byte(b.String()))
		zw.Close()
		w.Header().Set("Content-Type", "application/gzip")
		w.Write(z.Bytes())
	})
	mux.HandleFunc("/guide/refunds", func(w http.ResponseWriter, r *http.Request) { html(w, refundsHTML) })
	mux.HandleFunc("/private/secret", func(w http.ResponseWriter, r *http.Request) { html(w, "<h1>secret</h1><p>x</p>") })
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		html(w, "<h1>Big</h1><p>"+strings.Repeat("word ", 1000)+"</p>")
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-s.gate:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/redir", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://10.1.2.3/inside", http.StatusFound)
	})
	mux.HandleFunc("/go-secret", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/private/secret", http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/plain.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "just text")
	})
	mux.HandleFunc("/changing", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		v, etags := s.version, s.etags
		s.hits[r.Header.Get("If-None-Match")]++
		s.mu.Unlock()
		tag := fmt.Sprintf(`"v%d"`, v)
		if etags {
			if r.Header.Get("If-None-Match") == tag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", tag)
		}
		html(w, fmt.Sprintf("<html lang=en><title>Changing</title><article><p>Version %d of the opening hours.</p></article></html>", v))
	})
	s.srv = httptest.NewServer(mux)
	t.Cleanup(func() { close(s.gate); s.srv.Close() })
	return s
}

// fakeClock moves only when the crawler sleeps, and remembers the pauses.
type fakeClock struct {
	now    time.Time
	pauses []time.Duration
}

func (c *fakeClock) Now() time.Time { return c.now }
func (c *fakeClock) Sleep(_ context.Context, d time.Duration) error {
	c.pauses = append(c.pauses, d)
	c.now = c.now.Add(d)
	return nil
}

func testOptions(clock *fakeClock) Options {
	return Options{
		Allow:        []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
		MaxPageBytes: 2048,
		PageTimeout:  300 * time.Millisecond,
		Interval:     time.Second,
		Now:          clock.Now,
		Sleep:        clock.Sleep,
	}
}

func reasons(res Result) map[string]Reason {
	m := map[string]Reason{}
	for _, s := range res.Skipped {
		m[s.URL] = s.Reason
	}
	return m
}

func TestCrawlSitemap(t *testing.T) {
	s := newSite(t)
	clock := &fakeClock{now: time.Unix(1e9, 0)}
	res, err := Crawl(context.Background(), testOptions(clock), Target{URL: s.srv.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	got := reasons(res)
	want := map[string]Reason{
		s.srv.URL + "/private/secret": ReasonRobots,
		s.srv.URL + "/big":            ReasonTooLarge,
		s.srv.URL + "/slow":           ReasonTimeout,
		s.srv.URL + "/redir":          ReasonPrivate,
		s.srv.URL + "/plain.txt":      ReasonNotHTML,
		s.srv.URL + "/loop":           ReasonRedirects,
		s.srv.URL + "/go-secret":      ReasonRobots, // a redirect into a disallowed path
		"https://elsewhere.example/x": ReasonOtherHost,
	}
	for u, r := range want {
		if got[u] != r {
			t.Errorf("%s: skipped as %q, want %q (all: %v)", u, got[u], r, res.Skipped)
		}
	}
	if len(res.Skipped) != len(want) {
		t.Errorf("skipped %v, want %d", res.Skipped, len(want))
	}
	if len(res.Pages) != 2 {
		t.Fatalf("pages %+v, want refunds and changing", res.Pages)
	}
	a := res.Pages[0].Article
	if a.ID != "web/127-0-0-1/guide/refunds" || a.Title != "Refunds" || a.Lang != "sv" || a.URL != s.srv.URL+"/guide/refunds" {
		t.Errorf("article %+v", a)
	}
	wantBody := "You can get your money back within **30 days** . Please [contact us](" + s.srv.URL + "/contact).\n\n" +
		"## Steps\n\n1. Open _Orders_\n2. Choose the order\n  - Paid orders only\n\n```sh\nandon refund --order 42\n```"
	if a.Body != wantBody {
		t.Errorf("body\n%s\nwant\n%s", a.Body, wantBody)
	}
	// One request at a time, a second apart per host.
	if len(clock.pauses) == 0 {
		t.Error("the crawler never paused between requests to the same host")
	}
	for _, p := range clock.pauses {
		if p <= 0 || p > time.Second {
			t.Errorf("pause %s, want within (0, 1s]", p)
		}
	}
}

func TestRecrawlFetchesOnlyChanged(t *testing.T) {
	s := newSite(t)
	clock := &fakeClock{now: time.Unix(1e9, 0)}
	o := testOptions(clock)
	target := Target{URL: s.srv.URL + "/changing"}
	first, err := Crawl(context.Background(), o, target)
	if err != nil || len(first.Pages) != 1 {
		t.Fatalf("first crawl %+v %v", first, err)
	}
	o.Previous = map[string]State{target.URL: first.Pages[0].State}

	again, err := Crawl(context.Background(), o, target)
	if err != nil || len(again.Pages) != 1 || !again.Pages[0].NotModified {
		t.Fatalf("unchanged page: %+v %v, want 304 not modified", again, err)
	}
	if s.hits[`"v1"`] != 1 {
		t.Errorf("conditional requests %v, want one with If-None-Match v1", s.hits)
	}

	s.mu.Lock()
	s.version = 2
	s.mu.Unlock()
	changed, err := Crawl(context.Background(), o, target)
	if err != nil || len(changed.Pages) != 1 || changed.Pages[0].NotModified {
		t.Fatalf("changed page: %+v %v", changed, err)
	}
	if p := changed.Pages[0]; p.State.Hash == first.Pages[0].State.Hash || !strings.Contains(p.Article.Body, "Version 2") || p.State.ETag != `"v2"` {
		t.Errorf("changed page %+v", p)
	}

	// Without validators the content hash tells an unchanged page.
	s.mu.Lock()
	s.etags = false
	s.mu.Unlock()
	o.Previous = map[string]State{target.URL: changed.Pages[0].State}
	same, err := Crawl(context.Background(), o, target)
	if err != nil || len(same.Pages) != 1 || same.Pages[0].State.Hash != changed.Pages[0].State.Hash {
		t.Fatalf("same content without ETag: %+v %v, want the same hash", same, err)
	}
}

func TestPrivateAddressRefusedUnlessAllowed(t *testing.T) {
	s := newSite(t)
	clock := &fakeClock{now: time.Unix(1e9, 0)}
	o := testOptions(clock)
	o.Allow = nil
	res, err := Crawl(context.Background(), o, Target{URL: s.srv.URL + "/guide/refunds", Line: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 0 || len(res.Skipped) != 1 || res.Skipped[0].Reason != ReasonPrivate || res.Skipped[0].Line != 3 {
		t.Fatalf("loopback fetched: %+v", res)
	}
	o.AllowPrivate = true
	res, err = Crawl(context.Background(), o, Target{URL: s.srv.URL + "/guide/refunds"})
	if err != nil || len(res.Pages) != 1 {
		t.Fatalf("with AllowPrivate: %+v %v", res, err)
	}
}

func TestPageLimit(t *testing.T) {
	s := newSite(t)
	clock := &fakeClock{now: time.Unix(1e9, 0)}
	o := testOptions(clock)
	o.MaxPages = 1
	res, err := Crawl(context.Background(), o, Target{URL: s.srv.URL + "/guide/refunds"}, Target{URL: s.srv.URL + "/changing"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 1 || len(res.Skipped) != 1 || res.Skipped[0].Reason != ReasonLimit {
		t.Fatalf("%+v, want one page and the rest skipped for the limit", res)
	}
}

func TestBadTargets(t *testing.T) {
	res, err := Crawl(context.Background(), Options{}, Target{URL: "ftp://x/y", Line: 1}, Target{URL: "https://u:p@x/", Line: 2}, Target{URL: "::", Line: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 3 {
		t.Fatalf("%+v", res)
	}
	for i, s := range res.Skipped {
		if s.Reason != ReasonBadURL || s.Line != i+1 {
			t.Errorf("%+v", s)
		}
	}
}
