package widget

import (
	"net/url"
	"strings"
	"time"

	"github.com/andon-chat/andon/store"
)

// ResumeFragment starts the fragment of a chat link: the widget on the page
// takes the resume token that follows, removes it from the address bar and
// reopens the conversation. A fragment never reaches a server or its logs.
const ResumeFragment = "andon-resume="

// ChatURL is a link back to conversation c for an e-mail to the visitor:
// the page they chatted on, when it belongs to the site (its origin is one
// of the site's allowed origins, or publicURL's for the default site, so a
// visitor cannot make our mail point elsewhere), else publicURL's demo page
// for the default site; with the fragment #andon-resume=TOKEN, a fresh
// resume token. It returns "" when there is no such page: a conversation of
// another site whose page is unknown, or no publicURL to fall back on.
func (h *Handler) ChatURL(c store.Conversation, publicURL string) string {
	site := c.Site
	if site == "" {
		site = defaultSite
	}
	s := h.sites[site]
	if s == nil {
		return ""
	}
	base := ""
	if page := pageURL(c.Page); page != nil && h.pageAllowed(s, page, publicURL) {
		page.Fragment, page.RawFragment = "", ""
		base = page.String()
	} else if site == defaultSite && publicURL != "" {
		if u := pageURL(publicURL); u != nil {
			base = strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/") + "/"
		}
	}
	if base == "" {
		return ""
	}
	return base + "#" + ResumeFragment + h.tokens.issue(site, c.ID, time.Now())
}

// pageURL parses an absolute http(s) URL without user info, or nil.
func pageURL(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return nil
	}
	return u
}

// pageAllowed reports whether page is on one of the site's origins.
func (h *Handler) pageAllowed(s *siteEntry, page *url.URL, publicURL string) bool {
	scheme, host := strings.ToLower(page.Scheme), strings.ToLower(page.Host)
	if s.Name == defaultSite {
		if pub := pageURL(publicURL); pub != nil && strings.EqualFold(pub.Scheme, scheme) && strings.EqualFold(pub.Host, host) {
			return true
		}
	}
	for _, p := range s.origins {
		if p.match(scheme, host) {
			return true
		}
	}
	return false
}
