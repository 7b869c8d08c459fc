package config

import (
	"fmt"
	"math"
	"net"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/andon-chat/andon/internal/clientip"
)

// Validate checks c for impossible or contradictory values and returns every
// problem as Errors, or nil. Load calls it; call it yourself on a Config built
// in code. Without a file the errors name keys but no lines.
func (c Config) Validate() error {
	return validate(c, &locator{}).orNil()
}

// locator places a problem: in the environment variable that set the key,
// or on the line of the file that holds it (or its nearest ancestor).
type locator struct {
	file string
	idx  *docIndex
	env  map[string]string // key → "env NAME"
}

// at builds the error for the key p. When p is not in the file, the first
// anchor that is gives the line: "store.dsn is required" is best shown at
// store.driver = "postgres".
func (l *locator) at(p path, msg string, anchors ...path) *Error {
	key := p.String()
	if src, ok := l.env[key]; ok {
		return &Error{File: src, Key: key, Msg: msg}
	}
	line := 0
	if l.idx.has(key) {
		line = l.idx.line(p)
	} else {
		for _, a := range anchors {
			if l.idx.has(a.String()) {
				line = l.idx.line(a)
				break
			}
		}
		if line == 0 {
			line = l.idx.line(p)
		}
	}
	return &Error{File: l.file, Line: line, Key: key, Msg: msg}
}

type checker struct {
	loc  *locator
	errs Errors
}

func (c *checker) fail(p path, anchors []path, format string, args ...any) {
	c.errs = append(c.errs, c.loc.at(p, fmt.Sprintf(format, args...), anchors...))
}

func (c *checker) failf(p path, format string, args ...any) {
	c.fail(p, nil, format, args...)
}

func key(parts ...string) path {
	var p path
	for _, s := range parts {
		p = p.key(s)
	}
	return p
}

var (
	siteName    = regexp.MustCompile(`^[a-z0-9_-]+$`)
	hexColor    = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	languageTag = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
)

func validate(cfg Config, loc *locator) Errors {
	c := &checker{loc: loc}
	c.server(cfg.Server)
	c.store(cfg.Store)
	c.limits(cfg.Limits)
	c.sites(cfg.Sites)
	c.bot(cfg.Bot)
	c.knowledge(cfg.Knowledge)
	if cfg.UsesOllama() {
		c.ollama(cfg.Ollama, cfg.Knowledge)
	}
	c.handoffAll(cfg)
	c.incidents(cfg.Incidents)
	return c.errs
}

func (c *checker) server(s Server) {
	c.addr(key("server", "addr"), s.Addr)
	if strings.TrimSpace(s.DataDir) == "" {
		c.failf(key("server", "data_dir"), "must not be empty")
	}
	if s.PublicURL != "" {
		c.httpURL(key("server", "public_url"), s.PublicURL, "https://chat.example.com")
	}
	if s.Secret != "" && len(s.Secret) < 32 {
		c.failf(key("server", "secret"), "must be at least 32 characters (got %d); generate one with: openssl rand -hex 32", len(s.Secret))
	}
	c.positive(key("server", "read_header_timeout"), s.ReadHeaderTimeout)
	c.positive(key("server", "shutdown_timeout"), s.ShutdownTimeout)
	c.positive(key("server", "idle_timeout"), s.IdleTimeout)
	c.positive(key("server", "read_timeout"), s.ReadTimeout)
	c.positive(key("server", "write_timeout"), s.WriteTimeout)
	c.oneOf(key("server", "log_level"), s.LogLevel, "debug", "info", "warn", "error")
	c.oneOf(key("server", "log_format"), s.LogFormat, "text", "json")
	c.list(key("server", "trusted_proxies"), s.TrustedProxies, func(v string) string {
		if _, err := clientip.ParsePrefix(v); err != nil {
			return fmt.Sprintf("must be an IP address or CIDR, such as \"10.0.0.0/8\" or \"192.0.2.7\" (got %q)", v)
		}
		return ""
	})
}

func (c *checker) addr(p path, addr string) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		c.failf(p, "must be host:port, such as \"127.0.0.1:8080\" or \":8080\" (got %q)", addr)
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		c.failf(p, "port must be a number between 0 and 65535 (got %q)", addr)
	}
}

// httpURL checks an absolute http(s) URL such as a public address or an
// Ollama server.
func (c *checker) httpURL(p path, raw, example string) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.failf(p, "must be an absolute http or https URL, such as %q (got %q)", example, raw)
		return
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		c.failf(p, "must not have user info, a query or a fragment (got %q)", raw)
	}
}

func (c *checker) store(s Store) {
	c.oneOf(key("store", "driver"), s.Driver, DriverSQLite, DriverPostgres)
	switch {
	case s.Driver == DriverPostgres && s.DSN == "":
		c.fail(key("store", "dsn"), []path{key("store", "driver")},
			"required when store.driver = %q (or set ANDON_STORE_DSN or ANDON_STORE_DSN_FILE)", DriverPostgres)
	case s.Driver == DriverSQLite && s.DSN != "":
		c.failf(key("store", "dsn"), "is only used with store.driver = %q; the sqlite store lives in server.data_dir", DriverPostgres)
	}
	c.oneOf(key("store", "synchronous"), s.Synchronous, "full", "normal")
}

func (c *checker) limits(l Limits) {
	p := func(name string) path { return key("limits", name) }
	c.between(p("max_message_bytes"), l.MaxMessageBytes, 64, 1<<20)
	c.between(p("max_frame_bytes"), l.MaxFrameBytes, 256, 16<<20)
	if l.MaxFrameBytes < l.MaxMessageBytes {
		c.failf(p("max_frame_bytes"), "must be at least limits.max_message_bytes (%d): a frame carries a whole message (got %d)",
			l.MaxMessageBytes, l.MaxFrameBytes)
	}
	c.rate(p("messages_per_second"), l.MessagesPerSecond)
	c.atLeast1(p("message_burst"), l.MessageBurst)
	c.rate(p("ip_messages_per_second"), l.IPMessagesPerSecond)
	c.atLeast1(p("ip_message_burst"), l.IPMessageBurst)
	c.atLeast1(p("max_connections_per_ip"), l.MaxConnectionsPerIP)
	c.between(p("send_queue"), l.SendQueue, 1, 65536)
	c.positive(p("ping_interval"), l.PingInterval)
	c.positive(p("pong_timeout"), l.PongTimeout)
	if l.PingInterval > 0 && l.PongTimeout > 0 && l.PongTimeout <= l.PingInterval {
		c.failf(p("pong_timeout"), "must be longer than limits.ping_interval (%s), or connections time out between two pings (got %s)",
			l.PingInterval, l.PongTimeout)
	}
	c.positive(p("write_timeout"), l.WriteTimeout)
	c.positive(p("token_ttl"), l.TokenTTL)
	c.atLeast1(p("max_connections"), l.MaxConnections)
	c.between(p("replay_page_bytes"), l.ReplayPageBytes, 4096, 64<<20)
	c.rate(p("ip_new_conversations_per_minute"), l.IPNewConversationsPerMinute)
	c.atLeast1(p("ip_new_conversation_burst"), l.IPNewConversationBurst)
	c.rate(p("site_new_conversations_per_minute"), l.SiteNewConversationsPerMinute)
	c.atLeast1(p("site_new_conversation_burst"), l.SiteNewConversationBurst)
	c.rate(p("conversation_messages_per_minute"), l.ConversationMessagesPerMinute)
	c.atLeast1(p("conversation_message_burst"), l.ConversationMessageBurst)
	if l.EmptyConversationTTL < Duration(time.Minute) {
		c.failf(p("empty_conversation_ttl"), "must be at least 1m: a visitor's first message may take a while (got %s)", l.EmptyConversationTTL)
	}
	c.httpLimits(l)
}

func (c *checker) sites(sites []Site) {
	first := map[string]int{} // name → index of its first site
	hasDefault := false
	for i, s := range sites {
		p := key("site").at(i)
		c.uniqueName("site", i, s.Name, "site name", "", first)
		hasDefault = hasDefault || s.Name == DefaultSite
		for j, o := range s.AllowedOrigins {
			if problem := checkOrigin(o); problem != "" {
				c.failf(p.key("allowed_origins").at(j), "%s (got %q)", problem, o)
			}
		}
		if strings.TrimSpace(s.Title) == "" {
			c.failf(p.key("title"), "must not be empty")
		}
		if !hexColor.MatchString(s.Color) {
			c.failf(p.key("color"), "must be a colour written \"#RRGGBB\", such as \"#1f6feb\" (got %q)", s.Color)
		}
		c.oneOf(p.key("position"), s.Position, "right", "left")
		langs := make([]string, 0, len(s.Greeting))
		for lang := range s.Greeting {
			langs = append(langs, lang)
		}
		sort.Strings(langs)
		for _, lang := range langs {
			gp := p.key("greeting").key(lang)
			if !languageTag.MatchString(lang) {
				c.failf(gp, "the key must be a language code such as \"en\" or \"pt-BR\" (got %q)", lang)
			}
			if strings.TrimSpace(s.Greeting[lang]) == "" {
				c.failf(gp, "must not be empty")
			}
		}
		if s.Locale != "" && !languageTag.MatchString(s.Locale) {
			c.failf(p.key("locale"), "must be empty (follow the browser) or a language code such as \"en\" or \"sv\" (got %q)", s.Locale)
		}
		if s.IdentitySecret != "" && len(s.IdentitySecret) < 32 {
			c.failf(p.key("identity_secret"), "must be at least 32 characters (got %d); generate one with: openssl rand -hex 32", len(s.IdentitySecret))
		}
	}
	if !hasDefault {
		c.failf(key("site"), "no site is named %q; visitors whose URL names no site, and the demo page, use it", DefaultSite)
	}
}

// where says where the key is, for messages that refer to another key.
func (c *checker) where(p path) string {
	if line := c.loc.idx.line(p); line > 0 && c.loc.idx.has(p.String()) {
		return fmt.Sprintf("on line %d", line)
	}
	return "at " + p.String()
}

// checkOrigin returns what is wrong with an allowed origin, or "". An origin
// is scheme://host[:port], exactly as browsers send it in the Origin header;
// the leftmost label of the host may be a wildcard: https://*.example.com.
func checkOrigin(o string) string {
	const form = "must be an origin scheme://host[:port], such as \"https://www.example.com\" or \"https://*.example.com\""
	u, err := url.Parse(o)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "" {
		return form
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "scheme must be http or https"
	}
	if u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(o, "?") || strings.HasSuffix(o, "#") {
		return fmt.Sprintf("must have no path, query or user info: write %q", u.Scheme+"://"+u.Host)
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "port must be between 1 and 65535"
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return form
	}
	host := u.Hostname()
	if host != strings.ToLower(host) {
		return "must be lowercase, as browsers send it"
	}
	if net.ParseIP(host) != nil {
		return ""
	}
	if rest, ok := strings.CutPrefix(host, "*."); ok {
		host = rest
	}
	labels := strings.Split(host, ".")
	for _, label := range labels {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return form
		}
		for _, r := range label {
			if r == '*' {
				return "a wildcard may only stand for the leftmost label, as in \"https://*.example.com\""
			}
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return form
			}
		}
	}
	return ""
}

func (c *checker) bot(b Bot) {
	c.unit(key("bot", "answer_threshold"), b.AnswerThreshold)
	c.unit(key("bot", "clarify_threshold"), b.ClarifyThreshold)
	c.unit(key("bot", "clarify_margin"), b.ClarifyMargin)
	if b.ClarifyThreshold > b.AnswerThreshold {
		c.failf(key("bot", "clarify_threshold"), "must not be above bot.answer_threshold (%v) (got %v)", b.AnswerThreshold, b.ClarifyThreshold)
	}
	if len(b.Languages) == 0 {
		c.failf(key("bot", "languages"), "must list at least one language, such as [\"en\"]")
	}
	c.list(key("bot", "languages"), b.Languages, func(s string) string {
		if !languageTag.MatchString(s) {
			return fmt.Sprintf("must be a language code such as \"en\" or \"sv\" (got %q)", s)
		}
		return ""
	})
	names := map[string]bool{}
	for i, t := range b.Sensitive {
		p := key("bot", "sensitive").at(i)
		switch {
		case t.Name == "":
			c.failf(p.key("name"), "required")
		case !siteName.MatchString(t.Name):
			c.failf(p.key("name"), "must be made of a-z, 0-9, _ and - (it appears in the reason sensitive:NAME) (got %q)", t.Name)
		case names[t.Name]:
			c.failf(p.key("name"), "duplicate topic %q", t.Name)
		}
		names[t.Name] = true
		if len(t.Patterns) == 0 {
			c.fail(p.key("patterns"), []path{p.key("name")}, "must list at least one regular expression")
		}
		for j, pat := range t.Patterns {
			if _, err := regexp.Compile(pat); err != nil {
				c.failf(p.key("patterns").at(j), "invalid regular expression: %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			}
		}
	}
	c.list(key("bot", "disabled_rules"), b.DisabledRules, func(string) string { return "" })
}

// list checks that a list has no empty or repeated entries, and each entry
// with check.
func (c *checker) list(p path, items []string, check func(string) string) {
	seen := map[string]bool{}
	for i, s := range items {
		switch {
		case strings.TrimSpace(s) == "":
			c.failf(p.at(i), "must not be empty")
		case seen[s]:
			c.failf(p.at(i), "%q is listed twice", s)
		default:
			if problem := check(s); problem != "" {
				c.failf(p.at(i), "%s", problem)
			}
		}
		seen[s] = true
	}
}

func (c *checker) knowledge(k Knowledge) {
	c.oneOf(key("knowledge", "embedder"), k.Embedder, EmbedderBuiltin, EmbedderOllama)
	c.between(key("knowledge", "chunk_max_chars"), k.ChunkMaxChars, 100, 100000)
	c.positive(key("knowledge", "reload_interval"), k.ReloadInterval)
}

func (c *checker) ollama(o Ollama, k Knowledge) {
	c.httpURL(key("ollama", "url"), o.URL, "http://127.0.0.1:11434")
	if k.Embedder == EmbedderOllama && strings.TrimSpace(o.EmbedModel) == "" {
		c.fail(key("ollama", "embed_model"), []path{key("knowledge", "embedder")},
			"required when knowledge.embedder = %q, for example \"nomic-embed-text\"", EmbedderOllama)
	}
	if o.ChatModel != "" {
		// Accepting it would promise generated answers that never come.
		c.failf(key("ollama", "chat_model"),
			"generated answers are not available in this build yet: remove chat_model (answers are quoted from the knowledge base)")
	}
	c.positive(key("ollama", "timeout"), o.Timeout)
}

func (c *checker) oneOf(p path, v string, allowed ...string) {
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	quoted := make([]string, len(allowed))
	for i, a := range allowed {
		quoted[i] = strconv.Quote(a)
	}
	c.failf(p, "must be one of %s (got %q)", strings.Join(quoted, ", "), v)
}

func (c *checker) between(p path, v, lo, hi int) {
	if v < lo || v > hi {
		c.failf(p, "must be between %d and %d (got %d)", lo, hi, v)
	}
}

func (c *checker) atLeast1(p path, v int) {
	if v < 1 {
		c.failf(p, "must be at least 1 (got %d)", v)
	}
}

func (c *checker) positive(p path, d Duration) {
	if d <= 0 {
		c.failf(p, "must be longer than 0 (got %s)", d)
	}
}

func (c *checker) rate(p path, v float64) {
	if !(v > 0) || math.IsInf(v, 0) {
		c.failf(p, "must be a number greater than 0 (got %v)", v)
	}
}

func (c *checker) unit(p path, v float64) {
	if !(v >= 0 && v <= 1) {
		c.failf(p, "must be between 0 and 1 (got %v)", v)
	}
}

// incidents checks [incidents], also when it is off.
func (c *checker) incidents(in Incidents) {
	p := func(k string) path { return key("incidents", k) }
	c.positive(p("window"), in.Window)
	if time.Duration(in.Window) > 24*time.Hour {
		c.failf(p("window"), "must be at most 24h: a burst is counted within minutes (got %s)", in.Window)
	}
	if !(in.PValue > 0 && in.PValue < 0.5) {
		c.failf(p("p_value"), "must be a probability above 0 and below 0.5, such as 1e-6 (got %v)", in.PValue)
	}
	c.between(p("min_questions"), in.MinQuestions, 2, 100000)
	if !(in.Similarity > 0 && in.Similarity < 1) {
		c.failf(p("similarity"), "must be above 0 and below 1 (got %v)", in.Similarity)
	}
	if in.Learn < 0 {
		c.failf(p("learn"), "must not be negative (got %s)", in.Learn)
	}
	c.between(p("max_topics"), in.MaxTopics, 1, 100000)
}
