// Package crawl imports a customer's help site into the knowledge base: the
// pages of a sitemap (or a sitemap index, gzipped or not) or of a list of
// URLs, fetched politely (robots.txt honoured, one request at a time with a
// pause per host, size and time limits per page and per crawl, a bounded
// number of pages and redirects, public addresses only unless the operator
// allows others) and turned into articles by Extract. A re-crawl sends the
// ETag and Last-Modified of the previous one, so unchanged pages cost a 304.
package crawl

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/temoto/robotstxt"

	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/knowledge/ingest"
)

// Defaults of the Options limits.
const (
	DefaultMaxPages      = 1000
	DefaultMaxPageBytes  = 2 << 20
	DefaultMaxCrawlBytes = 256 << 20
	DefaultPageTimeout   = 20 * time.Second
	DefaultCrawlTimeout  = 30 * time.Minute
	DefaultMaxRedirects  = 5
	DefaultInterval      = time.Second
	// maxSitemaps bounds how many sitemap files one crawl reads.
	maxSitemaps = 50
	// maxRobotsBytes is how much of a robots.txt is read (Google reads 500 KiB).
	maxRobotsBytes = 500 << 10
	// UserAgent is how the crawler names itself, to servers and to robots.txt.
	UserAgent = "andon"
)

// Options bound one crawl; zero values take the defaults above.
type Options struct {
	// AllowPrivate lets the crawler reach loopback, private and link-local
	// addresses (an intranet help site); Allow admits only these ranges.
	AllowPrivate bool
	Allow        []netip.Prefix

	MaxPages      int
	MaxPageBytes  int64 // per page or sitemap, after decompression
	MaxCrawlBytes int64 // all bodies of the crawl together
	PageTimeout   time.Duration
	CrawlTimeout  time.Duration
	MaxRedirects  int
	// Interval is the pause between two requests to the same host.
	Interval time.Duration

	// Previous is what the last crawl learnt per URL, for conditional
	// requests and to tell changed pages from unchanged ones.
	Previous map[string]State

	// Now and Sleep are the clock (tests inject their own).
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// State is what a crawl remembers of a page for the next one.
type State struct {
	ID           string `json:"id"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	Hash         string `json:"hash"`
}

// Page is one fetched page. NotModified pages (the server answered 304 to
// the previous crawl's validators) have no Article: the stored one stands.
type Page struct {
	URL         string
	Article     knowledge.Article
	State       State
	NotModified bool
}

// Reason says why a URL was skipped, as a stable code a console can
// translate; Skip.Detail says the particulars in English.
type Reason string

const (
	ReasonBadURL    Reason = "bad_url"
	ReasonRobots    Reason = "robots"
	ReasonPrivate   Reason = "private_address"
	ReasonTimeout   Reason = "timeout"
	ReasonTooLarge  Reason = "too_large"
	ReasonRedirects Reason = "too_many_redirects"
	ReasonStatus    Reason = "http_status"
	ReasonNotHTML   Reason = "not_html"
	ReasonFetch     Reason = "fetch_failed"
	ReasonSitemap   Reason = "bad_sitemap"
	ReasonOtherHost Reason = "other_host"
	ReasonInvalid   Reason = "invalid_article"
	ReasonDuplicate Reason = "duplicate_id"
	ReasonLimit     Reason = "limit"
)

// Skip is a URL that gave no article, and why. Line is the line of a URL
// list it came from (0 otherwise).
type Skip struct {
	URL    string
	Line   int
	Reason Reason
	Detail string
}

func (s Skip) String() string {
	where := s.URL
	if s.Line > 0 {
		where = fmt.Sprintf("line %d: %s", s.Line, s.URL)
	}
	return fmt.Sprintf("%s: %s: %s", where, s.Reason, s.Detail)
}

// Result is everything a crawl found.
type Result struct {
	Pages   []Page
	Skipped []Skip
}

// Target is a URL to start from: a sitemap (".xml", ".xml.gz" or an XML
// body), a site root (its robots.txt sitemaps, else /sitemap.xml) or a page.
// Line is its line in a URL list, for the report.
type Target struct {
	URL  string
	Line int
}

var (
	errTooLarge  = errors.New("larger than the limit")
	errRedirects = errors.New("too many redirects")
	errBudget    = errors.New("the crawl's byte budget is spent")
)

type crawler struct {
	o         Options
	client    *http.Client
	robots    map[string]*robotstxt.RobotsData // by scheme://host
	robotsErr map[string]error                 // by scheme://host
	last      map[string]time.Time             // last request per host
	spent     int64
	res       Result
	queued    map[string]bool
	ids       map[string]string // article id -> URL
	pages     []Target
	sitemap   int
}

// Crawl fetches the targets' pages one at a time. It returns an error only
// when the crawl as a whole cannot run (its context ended); every problem
// with a URL is a Skip.
func Crawl(ctx context.Context, o Options, targets ...Target) (Result, error) {
	o = withDefaults(o)
	ctx, cancel := context.WithTimeout(ctx, o.CrawlTimeout)
	defer cancel()
	c := &crawler{
		o:         o,
		robots:    make(map[string]*robotstxt.RobotsData),
		robotsErr: make(map[string]error),
		last:      make(map[string]time.Time),
		queued:    make(map[string]bool),
		ids:       make(map[string]string),
	}
	tr := &http.Transport{
		DialContext:           dialer(o.AllowPrivate, o.Allow).DialContext,
		TLSHandshakeTimeout:   o.PageTimeout,
		ResponseHeaderTimeout: o.PageTimeout,
		MaxIdleConnsPerHost:   2,
		// The crawler reads gzip itself so that the size limit applies to
		// what is decompressed.
		DisableCompression: true,
	}
	defer tr.CloseIdleConnections()
	c.client = &http.Client{
		Transport: tr,
		// A redirect's target is fetched as politely as any page: its
		// host's robots.txt and pause apply.
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > o.MaxRedirects {
				return errRedirects
			}
			r, err := c.robotsFor(req.Context(), req.URL)
			if err != nil {
				return err
			}
			if !r.TestAgent(req.URL.RequestURI(), UserAgent) {
				return errRobots
			}
			return c.wait(req.Context(), req.URL.Host)
		},
	}
	for _, t := range targets {
		c.discover(ctx, t)
	}
	for i, t := range c.pages {
		if ctx.Err() != nil {
			return Result{}, fmt.Errorf("crawl stopped: %w", context.Cause(ctx))
		}
		if len(c.res.Pages) >= o.MaxPages {
			c.skip(t, ReasonLimit, fmt.Sprintf("%d more pages not fetched: the crawl's limit is %d pages", len(c.pages)-i, o.MaxPages))
			break
		}
		c.page(ctx, t)
	}
	if ctx.Err() != nil {
		return Result{}, fmt.Errorf("crawl stopped: %w", context.Cause(ctx))
	}
	return c.res, nil
}

func withDefaults(o Options) Options {
	if o.MaxPages <= 0 {
		o.MaxPages = DefaultMaxPages
	}
	if o.MaxPageBytes <= 0 {
		o.MaxPageBytes = DefaultMaxPageBytes
	}
	if o.MaxCrawlBytes <= 0 {
		o.MaxCrawlBytes = DefaultMaxCrawlBytes
	}
	if o.PageTimeout <= 0 {
		o.PageTimeout = DefaultPageTimeout
	}
	if o.CrawlTimeout <= 0 {
		o.CrawlTimeout = DefaultCrawlTimeout
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.Interval == 0 {
		o.Interval = DefaultInterval
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	return o
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

func (c *crawler) skip(t Target, r Reason, detail string) {
	c.res.Skipped = append(c.res.Skipped, Skip{URL: t.URL, Line: t.Line, Reason: r, Detail: detail})
}

// parseTarget accepts absolute http(s) URLs only, without the fragment.
func parseTarget(raw string) (*url.URL, string) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, "not a URL"
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "not an absolute http(s) URL"
	}
	if u.User != nil {
		return nil, "URLs with a user name or password are not fetched"
	}
	u.Fragment, u.RawFragment = "", ""
	return u, ""
}

// discover sorts a target into pages to fetch, reading sitemaps on the way.
func (c *crawler) discover(ctx context.Context, t Target) {
	u, why := parseTarget(t.URL)
	if u == nil {
		c.skip(t, ReasonBadURL, why)
		return
	}
	p := strings.ToLower(u.Path)
	switch {
	case strings.HasSuffix(p, ".xml") || strings.HasSuffix(p, ".xml.gz"):
		c.readSitemap(ctx, t, u, true)
	case (p == "" || p == "/") && u.RawQuery == "":
		sitemaps := []string{u.ResolveReference(&url.URL{Path: "/sitemap.xml"}).String()}
		if r, err := c.robotsFor(ctx, u); err == nil && len(r.Sitemaps) > 0 {
			sitemaps = r.Sitemaps
		}
		found := false
		for _, s := range sitemaps {
			su, why := parseTarget(s)
			if su == nil {
				c.skip(Target{URL: s, Line: t.Line}, ReasonBadURL, why)
				continue
			}
			if c.readSitemap(ctx, Target{URL: s, Line: t.Line}, su, true) {
				found = true
			}
		}
		if !found {
			c.queue(t, u)
		}
	default:
		c.queue(t, u)
	}
}

func (c *crawler) queue(t Target, u *url.URL) {
	if c.queued[u.String()] {
		return
	}
	c.queued[u.String()] = true
	c.pages = append(c.pages, Target{URL: u.String(), Line: t.Line})
}

// sitemapDoc is a <urlset> or a <sitemapindex>.
type sitemapDoc struct {
	XMLName  xml.Name
	URLs     []loc `xml:"url"`
	Sitemaps []loc `xml:"sitemap"`
}

type loc struct {
	Loc string `xml:"loc"`
}

// readSitemap queues a sitemap's pages; an index's sitemaps are read in
// turn (one level, as the protocol allows). Only pages on the sitemap's own
// host are taken. It reports whether the sitemap could be read.
func (c *crawler) readSitemap(ctx context.Context, t Target, u *url.URL, index bool) bool {
	if c.sitemap >= maxSitemaps {
		c.skip(t, ReasonLimit, fmt.Sprintf("a crawl reads at most %d sitemaps", maxSitemaps))
		return false
	}
	c.sitemap++
	resp, body, err := c.get(ctx, u, nil)
	if err != nil {
		c.skipErr(t, err)
		return false
	}
	if resp.StatusCode != http.StatusOK {
		c.skip(t, ReasonStatus, fmt.Sprintf("the sitemap answered %s", resp.Status))
		return false
	}
	var doc sitemapDoc
	if err := xml.Unmarshal(body, &doc); err != nil {
		c.skip(t, ReasonSitemap, "not a sitemap: "+err.Error())
		return false
	}
	switch doc.XMLName.Local {
	case "urlset":
		for _, l := range doc.URLs {
			pt := Target{URL: strings.TrimSpace(l.Loc), Line: t.Line}
			pu, why := parseTarget(pt.URL)
			switch {
			case pu == nil:
				c.skip(pt, ReasonBadURL, why)
			case pu.Host != u.Host:
				c.skip(pt, ReasonOtherHost, "a sitemap lists pages of its own host only ("+u.Host+")")
			default:
				c.queue(pt, pu)
			}
		}
	case "sitemapindex":
		if !index {
			c.skip(t, ReasonSitemap, "a sitemap index inside a sitemap index is not read")
			return false
		}
		for _, l := range doc.Sitemaps {
			st := Target{URL: strings.TrimSpace(l.Loc), Line: t.Line}
			su, why := parseTarget(st.URL)
			if su == nil {
				c.skip(st, ReasonBadURL, why)
				continue
			}
			c.readSitemap(ctx, st, su, false)
		}
	default:
		c.skip(t, ReasonSitemap, fmt.Sprintf("not a sitemap: the root element is <%s>, not <urlset> or <sitemapindex>", doc.XMLName.Local))
		return false
	}
	return true
}

// page fetches one page and turns it into an article.
func (c *crawler) page(ctx context.Context, t Target) {
	u, _ := url.Parse(t.URL)
	prev, seen := c.o.Previous[t.URL]
	hdr := http.Header{}
	if seen {
		if prev.ETag != "" {
			hdr.Set("If-None-Match", prev.ETag)
		}
		if prev.LastModified != "" {
			hdr.Set("If-Modified-Since", prev.LastModified)
		}
	}
	resp, body, err := c.get(ctx, u, hdr)
	if err != nil {
		c.skipErr(t, err)
		return
	}
	switch {
	case resp.StatusCode == http.StatusNotModified && seen:
		c.ids[prev.ID] = t.URL
		c.res.Pages = append(c.res.Pages, Page{URL: t.URL, State: prev, NotModified: true})
		return
	case resp.StatusCode != http.StatusOK:
		c.skip(t, ReasonStatus, "the page answered "+resp.Status)
		return
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt != "text/html" && mt != "application/xhtml+xml" {
		c.skip(t, ReasonNotHTML, fmt.Sprintf("the page is %q, not HTML", mt))
		return
	}
	ex, err := Extract(bytes.NewReader(body), resp.Request.URL)
	if err != nil {
		c.skip(t, ReasonInvalid, "couldn't read the HTML: "+err.Error())
		return
	}
	a, err := ingest.Check(t.URL, knowledge.Article{
		ID: PageID(u), Title: ex.Title, Body: ex.Body, Lang: ex.Lang, URL: t.URL,
		Status: knowledge.Published,
	})
	if err != nil {
		var errs *ingest.Errors
		detail := err.Error()
		if errors.As(err, &errs) && len(errs.List) > 0 {
			var parts []string
			for _, e := range errs.List {
				parts = append(parts, e.Field+": "+e.Msg)
			}
			detail = strings.Join(parts, "; ")
		}
		c.skip(t, ReasonInvalid, detail)
		return
	}
	if other, dup := c.ids[a.ID]; dup {
		c.skip(t, ReasonDuplicate, fmt.Sprintf("its article id %q is already taken by %s", a.ID, other))
		return
	}
	c.ids[a.ID] = t.URL
	c.res.Pages = append(c.res.Pages, Page{URL: t.URL, Article: a, State: State{
		ID:           a.ID,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		Hash:         a.Hash,
	}})
}

// PageID is the article id of a page: "web/" and its host and path
// slugified ("https://help.example.com/billing/refunds.html" ->
// "web/help-example-com/billing/refunds"); the query is not part of it.
func PageID(u *url.URL) string {
	p := strings.TrimSuffix(u.Path, "/")
	for _, index := range []string{"/index.html", "/index.htm"} {
		p = strings.TrimSuffix(p, index)
	}
	return "web/" + ingest.IDFromPath(u.Hostname()+p)
}

// skipErr classifies a fetch error.
func (c *crawler) skipErr(t Target, err error) {
	var ne net.Error
	switch {
	case errors.Is(err, errPrivate):
		c.skip(t, ReasonPrivate, "not fetched: "+unwrapAll(err)+"; an operator may allow private addresses")
	case errors.Is(err, errTooLarge):
		c.skip(t, ReasonTooLarge, fmt.Sprintf("larger than %d bytes", c.o.MaxPageBytes))
	case errors.Is(err, errBudget):
		c.skip(t, ReasonLimit, fmt.Sprintf("the crawl has read its limit of %d bytes", c.o.MaxCrawlBytes))
	case errors.Is(err, errRedirects):
		c.skip(t, ReasonRedirects, fmt.Sprintf("more than %d redirects", c.o.MaxRedirects))
	case errors.Is(err, errRobots):
		c.skip(t, ReasonRobots, "robots.txt disallows it for "+UserAgent)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		c.skip(t, ReasonTimeout, fmt.Sprintf("no complete answer within %s", c.o.PageTimeout))
	default:
		c.skip(t, ReasonFetch, err.Error())
	}
}

// unwrapAll is the innermost message of an error chain.
func unwrapAll(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

var errRobots = errors.New("disallowed by robots.txt")

// robotsFor fetches and caches a host's robots.txt. A missing one (4xx)
// allows everything; one that cannot be fetched (5xx, a network error)
// allows nothing, as the robots.txt standard asks. A robots.txt that cannot
// be fetched at all (a refused address, a timeout) is an error, so that the
// host's pages are reported with the cause.
func (c *crawler) robotsFor(ctx context.Context, u *url.URL) (*robotstxt.RobotsData, error) {
	key := u.Scheme + "://" + u.Host
	if r, ok := c.robots[key]; ok {
		return r, nil
	}
	if err, ok := c.robotsErr[key]; ok {
		return nil, err
	}
	ru := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
	status, body := http.StatusServiceUnavailable, []byte(nil)
	resp, b, err := c.fetch(ctx, ru, nil, maxRobotsBytes)
	switch {
	case err == nil:
		status, body = resp.StatusCode, b
	case errors.Is(err, errTooLarge):
		status, body = http.StatusOK, b // the first 500 KiB, as Google reads
	default:
		// Unreachable: the host's pages are reported with the cause.
		err = fmt.Errorf("couldn't fetch %s: %w", ru, err)
		c.robotsErr[key] = err
		return nil, err
	}
	r, err := robotstxt.FromStatusAndBytes(status, body)
	if err != nil {
		r, _ = robotstxt.FromStatusAndBytes(http.StatusServiceUnavailable, nil)
	}
	c.robots[key] = r
	return r, nil
}

// get fetches u after robots.txt allowed it.
func (c *crawler) get(ctx context.Context, u *url.URL, hdr http.Header) (*http.Response, []byte, error) {
	r, err := c.robotsFor(ctx, u)
	if err != nil {
		return nil, nil, err
	}
	if !r.TestAgent(u.RequestURI(), UserAgent) {
		return nil, nil, errRobots
	}
	return c.fetch(ctx, u, hdr, c.o.MaxPageBytes)
}

// fetch makes one bounded GET: it waits for the host's turn, and reads at
// most max bytes (decompressed, for gzip) within the page timeout.
func (c *crawler) fetch(ctx context.Context, u *url.URL, hdr http.Header, max int64) (*http.Response, []byte, error) {
	if c.spent >= c.o.MaxCrawlBytes {
		return nil, nil, errBudget
	}
	if err := c.wait(ctx, u.Host); err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.o.PageTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	if max > c.o.MaxCrawlBytes-c.spent {
		max = c.o.MaxCrawlBytes - c.spent
	}
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, nil, fmt.Errorf("couldn't read gzip: %w", err)
		}
		r = zr
	}
	body, err := readMax(r, max)
	c.spent += int64(len(body))
	if err != nil {
		return resp, body, err
	}
	if len(body) > 1 && body[0] == 0x1f && body[1] == 0x8b { // a .xml.gz sitemap
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, nil, fmt.Errorf("couldn't read gzip: %w", err)
		}
		if body, err = readMax(zr, max); err != nil {
			return resp, body, err
		}
	}
	return resp, body, nil
}

// wait pauses until host's turn, and marks its turn taken.
func (c *crawler) wait(ctx context.Context, host string) error {
	if last, ok := c.last[host]; ok {
		if d := last.Add(c.o.Interval).Sub(c.o.Now()); d > 0 {
			if err := c.o.Sleep(ctx, d); err != nil {
				return err
			}
		}
	}
	c.last[host] = c.o.Now()
	return nil
}

// readMax reads all of r, or the first max bytes and errTooLarge.
func readMax(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return b[:max], errTooLarge
	}
	return b, nil
}
