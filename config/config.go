// Package config is andon's typed configuration: one TOML file decoded
// strictly over built-in defaults, a few environment overrides for secrets and
// deployment, and one validation pass that reports every problem with the
// file, line and key it concerns, before anything starts.
package config

// Names of the values that several packages switch on. They are constants so
// that a typo is a compile error rather than a silently unused setting.
const (
	// DefaultSite is the site the demo page uses and that serves visitors
	// whose WebSocket URL names no site. It always exists after Load.
	DefaultSite = "default"

	// DriverSQLite stores everything in one SQLite file in the data
	// directory: the embedded default.
	DriverSQLite = "sqlite"
	// DriverPostgres stores everything in PostgreSQL (store.dsn), for
	// production and for several instances.
	DriverPostgres = "postgres"

	// EmbedderBuiltin is the embedded, download-free embedder.
	EmbedderBuiltin = "builtin"
	// EmbedderOllama asks an Ollama server (the [ollama] section) for
	// embeddings.
	EmbedderOllama = "ollama"
)

// Config is everything an andon process can be told. Build one with
// Defaults or Load; the zero value is not useful.
type Config struct {
	Server    Server    `toml:"server"`
	Store     Store     `toml:"store"`
	Limits    Limits    `toml:"limits"`
	Sites     []Site    `toml:"site"`
	Bot       Bot       `toml:"bot"`
	Knowledge Knowledge `toml:"knowledge"`
	Ollama    Ollama    `toml:"ollama"`
	Teams     []Team    `toml:"team"`
	Handoff   Handoff   `toml:"handoff"`
	Canned    []Canned  `toml:"canned"`
	SMTP      SMTP      `toml:"smtp"`
	Notify    Notify    `toml:"notify"`
	MailIn    MailIn    `toml:"mail_in"`
	Incidents Incidents `toml:"incidents"`
}

// Server is the HTTP side of the process: where it listens, where it keeps
// its files and how it logs.
type Server struct {
	// Addr is the listen address, host:port.
	Addr string `toml:"addr"`
	// DataDir holds the SQLite database, the vector index and the generated
	// secret.
	DataDir string `toml:"data_dir"`
	// PublicURL is the address visitors reach the server at (for example
	// behind a reverse proxy); empty means "derive it from the request".
	PublicURL string `toml:"public_url"`
	// Secret signs visitor resume tokens. Empty means the server generates
	// one and keeps it in the data directory. Env: ANDON_SECRET or
	// ANDON_SECRET_FILE.
	Secret string `toml:"secret"`
	// ReadHeaderTimeout bounds how long a client may take to send request
	// headers (slowloris protection).
	ReadHeaderTimeout Duration `toml:"read_header_timeout"`
	// ShutdownTimeout bounds a graceful shutdown.
	ShutdownTimeout Duration `toml:"shutdown_timeout"`
	// IdleTimeout closes a keep-alive connection that sends no next
	// request; ReadTimeout bounds reading one whole request (body
	// included) and WriteTimeout writing its response. WebSockets are
	// exempt after the upgrade: they have their own ping and write limits.
	IdleTimeout  Duration `toml:"idle_timeout"`
	ReadTimeout  Duration `toml:"read_timeout"`
	WriteTimeout Duration `toml:"write_timeout"`
	// LogLevel is one of debug, info, warn, error. Env: ANDON_LOG_LEVEL.
	LogLevel string `toml:"log_level"`
	// LogFormat is text or json.
	LogFormat string `toml:"log_format"`
	// TrustedProxies are the reverse proxies in front of andon, as IP
	// addresses or CIDRs ("10.0.0.0/8"). Only from them are X-Forwarded-For
	// (the client IP for the per-IP limits) and X-Forwarded-Proto (Secure
	// cookies) believed; anyone else could forge them. Empty: the TCP peer
	// is the client. Env: ANDON_TRUSTED_PROXIES, comma-separated.
	TrustedProxies []string `toml:"trusted_proxies"`
}

// Store selects and tunes the relational store, the source of truth.
type Store struct {
	// Driver is DriverSQLite or DriverPostgres.
	Driver string `toml:"driver"`
	// DSN is the PostgreSQL connection string; required for postgres and
	// refused for sqlite. Env: ANDON_STORE_DSN or ANDON_STORE_DSN_FILE.
	DSN string `toml:"dsn"`
	// Synchronous is SQLite's PRAGMA synchronous: "full" (no acknowledged
	// message is lost on power failure) or "normal" (faster, may lose the
	// last transactions on power failure, never corrupts).
	Synchronous string `toml:"synchronous"`
}

// Limits protect the server from one visitor and bound its resources; all
// concern the visitor WebSocket.
type Limits struct {
	// MaxMessageBytes is the longest visitor text accepted, in bytes.
	MaxMessageBytes int `toml:"max_message_bytes"`
	// MaxFrameBytes is the read limit of one WebSocket frame (JSON
	// envelope included); larger frames close the connection.
	MaxFrameBytes int `toml:"max_frame_bytes"`
	// MessagesPerSecond and MessageBurst rate-limit one connection.
	MessagesPerSecond float64 `toml:"messages_per_second"`
	MessageBurst      int     `toml:"message_burst"`
	// IPMessagesPerSecond and IPMessageBurst rate-limit all connections of
	// one client IP together.
	IPMessagesPerSecond float64 `toml:"ip_messages_per_second"`
	IPMessageBurst      int     `toml:"ip_message_burst"`
	// MaxConnectionsPerIP bounds simultaneous connections from one IP.
	MaxConnectionsPerIP int `toml:"max_connections_per_ip"`
	// SendQueue is the number of frames queued for a slow client before it
	// is disconnected.
	SendQueue int `toml:"send_queue"`
	// PingInterval is how often the server pings; PongTimeout is how long
	// it waits for any frame before closing a silent connection.
	PingInterval Duration `toml:"ping_interval"`
	PongTimeout  Duration `toml:"pong_timeout"`
	// WriteTimeout bounds every write to a visitor.
	WriteTimeout Duration `toml:"write_timeout"`
	// TokenTTL is how long a resume token stays valid.
	TokenTTL Duration `toml:"token_ttl"`
	// MaxConnections bounds simultaneous visitor connections in total.
	MaxConnections int `toml:"max_connections"`
	// ReplayPageBytes is the text a resume reads and writes at a time: the
	// next page is read only once the previous one is written.
	ReplayPageBytes int `toml:"replay_page_bytes"`
	// New conversations (stored at a visitor's first message) per minute
	// and burst, for one client IP and for one site.
	IPNewConversationsPerMinute   float64 `toml:"ip_new_conversations_per_minute"`
	IPNewConversationBurst        int     `toml:"ip_new_conversation_burst"`
	SiteNewConversationsPerMinute float64 `toml:"site_new_conversations_per_minute"`
	SiteNewConversationBurst      int     `toml:"site_new_conversation_burst"`
	// ConversationMessagesPerMinute and ConversationMessageBurst cap how
	// fast one conversation grows from visitors (every tab, mailed answers)
	// and agents; the bot's and system messages are not counted.
	ConversationMessagesPerMinute float64 `toml:"conversation_messages_per_minute"`
	ConversationMessageBurst      int     `toml:"conversation_message_burst"`
	// EmptyConversationTTL is how long a conversation without any message
	// is kept before the hourly cleanup deletes it.
	EmptyConversationTTL Duration `toml:"empty_conversation_ttl"`

	// HTTP connections of every kind (page, API, WebSocket), counted by
	// the listener.
	//
	// MaxHTTPConnectionsPerIP bounds the open TCP connections from one
	// peer address (a trusted proxy is exempt: it carries many clients).
	MaxHTTPConnectionsPerIP int `toml:"max_http_connections_per_ip"`
	// MaxHTTPConnections bounds all of them; 0 means as many as the
	// open-file limit leaves after ReservedDescriptors and
	// ReservedConnections.
	MaxHTTPConnections int `toml:"max_http_connections"`
	// ReservedConnections are accepted beyond MaxHTTPConnections for
	// /healthz, /readyz and login only, so a flood cannot lock out the
	// load balancer or an agent.
	ReservedConnections int `toml:"reserved_connections"`
	// ReservedDescriptors are kept free for the store, the index and
	// mail, out of the open-file limit.
	ReservedDescriptors int `toml:"reserved_descriptors"`
}

// Site is one website that embeds the widget, with its own allowed origins
// and appearance. TOML: [[site]].
type Site struct {
	// Name identifies the site in the widget URL (?site=NAME); it matches
	// [a-z0-9_-]+ and is unique.
	Name string `toml:"name"`
	// AllowedOrigins lists the origins allowed to open the visitor
	// WebSocket: "https://www.example.com" or "https://*.example.com".
	AllowedOrigins []string `toml:"allowed_origins"`
	// Title heads the chat window.
	Title string `toml:"title"`
	// Color is the accent colour, "#RRGGBB".
	Color string `toml:"color"`
	// Position is the corner of the launcher: "right" or "left".
	Position string `toml:"position"`
	// Greeting is the first bot line, by language ("en", "sv", ...).
	Greeting map[string]string `toml:"greeting"`
	// Locale forces the widget language; empty follows the browser.
	Locale string `toml:"locale"`
	// IdentitySecret, when set, verifies who a visitor says they are: the
	// site's backend signs the user_id attribute with HMAC-SHA256 under this
	// secret and passes the hex digest as the user_hash attribute. A hello
	// whose user_id is not signed correctly is refused. At least 32
	// characters. Env: ANDON_SITE_<NAME>_IDENTITY_SECRET or ..._FILE, NAME
	// in capitals with "-" written "_".
	IdentitySecret string `toml:"identity_secret"`
}

// Bot tunes the decision between answering, asking back and escalating.
type Bot struct {
	// AnswerThreshold is the confidence, in [0,1], above which the bot
	// answers.
	AnswerThreshold float64 `toml:"answer_threshold"`
	// ClarifyThreshold is the confidence, in [0, AnswerThreshold], above
	// which the bot asks a clarifying question instead of escalating.
	ClarifyThreshold float64 `toml:"clarify_threshold"`
	// ClarifyMargin is the score gap under which two articles count as
	// close, so the bot asks which one was meant.
	ClarifyMargin float64 `toml:"clarify_margin"`
	// Languages the bot understands and answers in.
	Languages []string `toml:"languages"`
	// Sensitive topics always go to a person. Empty means the built-in
	// defaults. TOML: [[bot.sensitive]].
	Sensitive []SensitiveTopic `toml:"sensitive"`
	// DisabledRules names escalation rules to switch off.
	DisabledRules []string `toml:"disabled_rules"`
}

// SensitiveTopic is a topic the bot never answers itself.
type SensitiveTopic struct {
	// Name appears in the escalation reason, "sensitive:NAME".
	Name string `toml:"name"`
	// Patterns are regular expressions (Go syntax) matched against the
	// visitor's text.
	Patterns []string `toml:"patterns"`
	// Team, when set, is who the escalation goes to.
	Team string `toml:"team"`
}

// Knowledge tunes the knowledge base.
type Knowledge struct {
	// Embedder is EmbedderBuiltin or EmbedderOllama.
	Embedder string `toml:"embedder"`
	// LoadDemo loads the bundled demo articles when the knowledge base is
	// empty, so a fresh install answers something.
	LoadDemo bool `toml:"load_demo"`
	// ChunkMaxChars is the longest chunk an article is split into.
	ChunkMaxChars int `toml:"chunk_max_chars"`
	// ReloadInterval is how often a running server looks whether another
	// process (andon ingest) changed the articles in the store.
	ReloadInterval Duration `toml:"reload_interval"`
}

// Ollama is an optional Ollama server for embeddings and generated answers.
// It is only validated when used.
type Ollama struct {
	// URL of the Ollama server.
	URL string `toml:"url"`
	// EmbedModel is required when knowledge.embedder = "ollama".
	EmbedModel string `toml:"embed_model"`
	// ChatModel, when set, writes grounded answers from retrieved chunks.
	ChatModel string `toml:"chat_model"`
	// Timeout bounds every call to Ollama.
	Timeout Duration `toml:"timeout"`
}

// Team is a group of agents who take one kind of escalation, e.g. billing or
// technical. Who belongs to a team is kept with the users (andon user add
// --teams); the config says when the team works and where its
// escalations go. TOML: [[team]].
type Team struct {
	// Name matches [a-z0-9_-]+ and is unique; topics ([[bot.sensitive]]
	// team) and users refer to it.
	Name string `toml:"name"`
	// Title is how visitors hear of the team ("the billing team").
	Title string `toml:"title"`
	// Reasons are escalation reasons routed to this team besides the
	// sensitive topics that name it: exact ("low_confidence") or a prefix
	// ending in "*" ("sensitive:*").
	Reasons []string `toml:"reasons"`
	// Timezone of the business hours, an IANA name ("Europe/Stockholm");
	// empty means UTC.
	Timezone string `toml:"timezone"`
	// Hours maps a weekday (mon, tue, wed, thu, fri, sat, sun) to opening
	// hours, "09:00-17:00" or several "08:00-12:00,13:00-17:00". A day that
	// is left out is closed; no hours at all means always open.
	Hours map[string]string `toml:"hours"`
	// Holidays are dates (YYYY-MM-DD, in Timezone) when the team is closed.
	Holidays []string `toml:"holidays"`
	// Chain lists the e-mail addresses of the decision makers paged in turn
	// when nobody acknowledges an escalation within its SLA.
	Chain []string `toml:"chain"`
}

// Handoff tunes how escalations reach people and stay owned.
type Handoff struct {
	// DefaultTeam takes escalations whose reason no team claims; empty
	// means every agent.
	DefaultTeam string `toml:"default_team"`
	// GracePeriod is how long an agent whose console went away (browser
	// closed, network lost) keeps their conversations before they return to
	// the queue with a note.
	GracePeriod Duration `toml:"grace_period"`
	// SLA is the time, by reason, within which someone must acknowledge
	// (claim) an escalation before the next person in the team's chain is
	// paged. Keys are reasons, reason prefixes ending in "*", or "default".
	SLA map[string]Duration `toml:"sla"`
	// DefaultWait is the wait told to visitors before any response time has
	// been measured.
	DefaultWait Duration `toml:"default_wait"`
	// Categories are what a resolved conversation can be tagged with.
	Categories []string `toml:"categories"`
	// Reopen is who answers a visitor who writes again after a
	// conversation was resolved: "bot" (a new turn with the bot) or
	// "person" (back to the queue). The history is kept either way.
	Reopen string `toml:"reopen"`
}

// Who answers a visitor who writes again after resolve ([handoff] reopen).
const (
	ReopenBot    = "bot"
	ReopenPerson = "person"
)

// Canned is a saved reply an agent can insert. Text may contain the
// variables {{visitor.name}}, {{visitor.email}}, {{agent.name}},
// {{agent.first_name}}, {{site}} and {{attributes.KEY}}. TOML: [[canned]].
type Canned struct {
	// Name is the shortcut shown and typed in the console ("/refund").
	Name string `toml:"name"`
	// Lang is the language of the text ("en", "sv"); empty means any.
	Lang string `toml:"lang"`
	// Text is the reply.
	Text string `toml:"text"`
}

// SMTP is the mail server used for notifications and for continuing a
// conversation by e-mail. An empty Host disables e-mail.
type SMTP struct {
	Host string `toml:"host"`
	Port int    `toml:"port"`
	// Username and Password authenticate when set. Env: ANDON_SMTP_PASSWORD
	// or ANDON_SMTP_PASSWORD_FILE.
	Username string `toml:"username"`
	Password string `toml:"password"`
	// From is the sender address, "Support <support@example.com>".
	From string `toml:"from"`
	// TLS is "starttls" (default), "tls" (implicit, port 465) or "none"
	// (only for a local relay).
	TLS string `toml:"tls"`
	// Timeout bounds one delivery.
	Timeout Duration `toml:"timeout"`
}

// Notify lists the channels decision makers are told through when the cord
// is pulled, besides the console.
type Notify struct {
	Webhooks []Webhook     `toml:"webhook"`
	Emails   []EmailNotify `toml:"email"`
}

// Webhook is an outgoing HTTP POST per event. TOML: [[notify.webhook]].
type Webhook struct {
	// Name identifies the webhook in the delivery log; unique.
	Name string `toml:"name"`
	// URL receives the POST (http or https).
	URL string `toml:"url"`
	// Format is "json" (andon's event, signed) or "slack" (a
	// Slack-compatible incoming-webhook message).
	Format string `toml:"format"`
	// Secret signs the body: header X-Andon-Signature: sha256=HEX of
	// HMAC-SHA256(secret, body). Required for format json.
	Secret string `toml:"secret"`
	// Reasons and Teams limit the channel (exact or prefix*); empty means
	// all.
	Reasons []string `toml:"reasons"`
	Teams   []string `toml:"teams"`
}

// MailIn receives visitors' answers to the agent replies they were mailed,
// so a conversation continues by e-mail: with it on, such a mail carries a
// signed Reply-To address of Domain, and the answer sent there lands in the
// conversation as a visitor message. TOML: [mail_in].
type MailIn struct {
	// Addr is where the SMTP server listens, host:port (for example
	// "0.0.0.0:2525" behind a port forward from 25); empty turns receiving
	// off.
	Addr string `toml:"addr"`
	// Domain is the domain of the reply addresses,
	// reply+CONVERSATION.SIGNATURE@Domain; its MX record (or a forwarding
	// rule) must lead to Addr. Required with Addr.
	Domain string `toml:"domain"`
	// MaxBytes is the largest mail accepted, in bytes; larger ones are
	// refused with 552.
	MaxBytes int `toml:"max_bytes"`
	// MaxConnections bounds the SMTP connections open at once; more are
	// answered 421 and closed.
	MaxConnections int `toml:"max_connections"`
	// MaxMailsPerConnection bounds the mails of one connection; the next
	// is answered 421 and the connection closed.
	MaxMailsPerConnection int `toml:"max_mails_per_connection"`
	// SenderBurst mails from one envelope sender are accepted at once,
	// then SenderPerHour an hour; more are answered 451 (try later).
	SenderBurst   int     `toml:"sender_burst"`
	SenderPerHour float64 `toml:"sender_per_hour"`
	// ConversationBurst mails into one conversation, from every sender
	// together, then ConversationPerHour an hour; more get 451.
	ConversationBurst   int     `toml:"conversation_burst"`
	ConversationPerHour float64 `toml:"conversation_per_hour"`
}

// EmailNotify sends each event to fixed addresses. TOML: [[notify.email]].
type EmailNotify struct {
	Name    string   `toml:"name"`
	To      []string `toml:"to"`
	Reasons []string `toml:"reasons"`
	Teams   []string `toml:"teams"`
}

// Site returns the site with the given name; "" means DefaultSite, as in the
// visitor protocol where the site parameter may be left out.
func (c Config) Site(name string) (Site, bool) {
	if name == "" {
		name = DefaultSite
	}
	for _, s := range c.Sites {
		if s.Name == name {
			return s, true
		}
	}
	return Site{}, false
}

// UsesOllama reports whether anything is configured to call Ollama, which
// is when the [ollama] settings must be valid.
func (c Config) UsesOllama() bool {
	return c.Knowledge.Embedder == EmbedderOllama || c.Ollama.ChatModel != ""
}

// Incidents is the support fireman: a burst of visitors asking about the
// same thing raises an alert to the staff. TOML: [incidents].
type Incidents struct {
	// Enabled turns the detector on.
	Enabled bool `toml:"enabled"`
	// Window is how far back a burst is counted.
	Window Duration `toml:"window"`
	// PValue is the sensitivity: an alert is raised when so many questions
	// in the window would have at most this probability under the topic's
	// usual rate at that hour of the week. Larger alerts sooner and more
	// often.
	PValue float64 `toml:"p_value"`
	// MinQuestions is the fewest questions in the window that can make an
	// alert, however rare the topic.
	MinQuestions int `toml:"min_questions"`
	// Similarity is the least cosine similarity of a question to a topic's
	// centroid for it to count as that topic.
	Similarity float64 `toml:"similarity"`
	// Learn is how long after a start the detector only learns the usual
	// rates before it may alert.
	Learn Duration `toml:"learn"`
	// MaxTopics bounds the topics held in memory; the one asked least
	// recently is forgotten to make room.
	MaxTopics int `toml:"max_topics"`
}
