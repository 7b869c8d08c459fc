package config

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestDefaultsAreValid(t *testing.T) {
	t.Parallel()
	if err := Defaults().Validate(); err != nil {
		t.Fatalf("Defaults().Validate() = %v", err)
	}
}

// TestValidate changes one thing in the defaults per case and expects
// exactly these problems. A Config built in code has no file, so the
// problems name the key only.
func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*Config)
		want   []string
	}{
		{"addr without port", func(c *Config) { c.Server.Addr = "localhost" },
			[]string{`server.addr: must be host:port, such as "127.0.0.1:8080" or ":8080" (got "localhost")`}},
		{"addr with a bad port", func(c *Config) { c.Server.Addr = "127.0.0.1:99999" },
			[]string{`server.addr: port must be a number between 0 and 65535 (got "127.0.0.1:99999")`}},
		{"addr on every interface", func(c *Config) { c.Server.Addr = ":8080" }, nil},
		{"addr IPv6", func(c *Config) { c.Server.Addr = "[::1]:0" }, nil},
		{"empty data dir", func(c *Config) { c.Server.DataDir = " " },
			[]string{`server.data_dir: must not be empty`}},
		{"public url without scheme", func(c *Config) { c.Server.PublicURL = "chat.example.com" },
			[]string{`server.public_url: must be an absolute http or https URL, such as "https://chat.example.com" (got "chat.example.com")`}},
		{"public url with a query", func(c *Config) { c.Server.PublicURL = "https://chat.example.com/?a=b" },
			[]string{`server.public_url: must not have user info, a query or a fragment (got "https://chat.example.com/?a=b")`}},
		{"public url behind a prefix", func(c *Config) { c.Server.PublicURL = "https://example.com/chat" }, nil},
		{"short secret", func(c *Config) { c.Server.Secret = "hunter2" },
			[]string{`server.secret: must be at least 32 characters (got 7); generate one with: openssl rand -hex 32`}},
		{"zero timeout", func(c *Config) { c.Server.ShutdownTimeout = 0 },
			[]string{`server.shutdown_timeout: must be longer than 0 (got 0s)`}},
		{"negative timeout", func(c *Config) { c.Server.ReadHeaderTimeout = Duration(-time.Second) },
			[]string{`server.read_header_timeout: must be longer than 0 (got -1s)`}},
		{"log level", func(c *Config) { c.Server.LogLevel = "INFO" },
			[]string{`server.log_level: must be one of "debug", "info", "warn", "error" (got "INFO")`}},
		{"log format", func(c *Config) { c.Server.LogFormat = "logfmt" },
			[]string{`server.log_format: must be one of "text", "json" (got "logfmt")`}},
		{"trusted proxies", func(c *Config) { c.Server.TrustedProxies = []string{"10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "::1"} }, nil},
		{"bad trusted proxies", func(c *Config) {
			c.Server.TrustedProxies = []string{"10.0.0.0/33", "proxy.example.com", "", "192.0.2.7", "192.0.2.7"}
		}, []string{
			`server.trusted_proxies[0]: must be an IP address or CIDR, such as "10.0.0.0/8" or "192.0.2.7" (got "10.0.0.0/33")`,
			`server.trusted_proxies[1]: must be an IP address or CIDR, such as "10.0.0.0/8" or "192.0.2.7" (got "proxy.example.com")`,
			`server.trusted_proxies[2]: must not be empty`,
			`server.trusted_proxies[4]: "192.0.2.7" is listed twice`,
		}},
		{"unknown driver", func(c *Config) { c.Store.Driver = "mysql" },
			[]string{`store.driver: must be one of "sqlite", "postgres" (got "mysql")`}},
		{"postgres without dsn", func(c *Config) { c.Store.Driver = DriverPostgres },
			[]string{`store.dsn: required when store.driver = "postgres" (or set ANDON_STORE_DSN or ANDON_STORE_DSN_FILE)`}},
		{"postgres with dsn", func(c *Config) { c.Store.Driver = DriverPostgres; c.Store.DSN = "postgres://localhost/andon" }, nil},
		{"sqlite with dsn", func(c *Config) { c.Store.DSN = "postgres://localhost/andon" },
			[]string{`store.dsn: is only used with store.driver = "postgres"; the sqlite store lives in server.data_dir`}},
		{"synchronous", func(c *Config) { c.Store.Synchronous = "off" },
			[]string{`store.synchronous: must be one of "full", "normal" (got "off")`}},
		{"message too small", func(c *Config) { c.Limits.MaxMessageBytes = 0 },
			[]string{`limits.max_message_bytes: must be between 64 and 1048576 (got 0)`}},
		{"frame smaller than a message", func(c *Config) { c.Limits.MaxFrameBytes = 1024 },
			[]string{`limits.max_frame_bytes: must be at least limits.max_message_bytes (4096): a frame carries a whole message (got 1024)`}},
		{"zero rate", func(c *Config) { c.Limits.MessagesPerSecond = 0 },
			[]string{`limits.messages_per_second: must be a number greater than 0 (got 0)`}},
		{"NaN rate", func(c *Config) { c.Limits.IPMessagesPerSecond = math.NaN() },
			[]string{`limits.ip_messages_per_second: must be a number greater than 0 (got NaN)`}},
		{"fractional rate", func(c *Config) { c.Limits.MessagesPerSecond = 0.5 }, nil},
		{"zero burst", func(c *Config) { c.Limits.MessageBurst = 0; c.Limits.IPMessageBurst = -1 },
			[]string{`limits.message_burst: must be at least 1 (got 0)`, `limits.ip_message_burst: must be at least 1 (got -1)`}},
		{"zero connections", func(c *Config) { c.Limits.MaxConnectionsPerIP = 0; c.Limits.MaxConnections = 0 },
			[]string{`limits.max_connections_per_ip: must be at least 1 (got 0)`, `limits.max_connections: must be at least 1 (got 0)`}},
		{"send queue", func(c *Config) { c.Limits.SendQueue = 0 },
			[]string{`limits.send_queue: must be between 1 and 65536 (got 0)`}},
		{"pong not after ping", func(c *Config) { c.Limits.PongTimeout = c.Limits.PingInterval },
			[]string{`limits.pong_timeout: must be longer than limits.ping_interval (25s), or connections time out between two pings (got 25s)`}},
		{"durations", func(c *Config) { c.Limits.WriteTimeout = 0; c.Limits.TokenTTL = 0; c.Limits.PingInterval = 0 },
			[]string{`limits.ping_interval: must be longer than 0 (got 0s)`, `limits.write_timeout: must be longer than 0 (got 0s)`, `limits.token_ttl: must be longer than 0 (got 0s)`}},
		{"replay page", func(c *Config) { c.Limits.ReplayPageBytes = 100 },
			[]string{`limits.replay_page_bytes: must be between 4096 and 67108864 (got 100)`}},
		{"new conversation limits", func(c *Config) {
			c.Limits.IPNewConversationsPerMinute = 0
			c.Limits.IPNewConversationBurst = 0
			c.Limits.SiteNewConversationsPerMinute = math.Inf(1)
			c.Limits.SiteNewConversationBurst = -1
		}, []string{`limits.ip_new_conversations_per_minute: must be a number greater than 0 (got 0)`,
			`limits.ip_new_conversation_burst: must be at least 1 (got 0)`,
			`limits.site_new_conversations_per_minute: must be a number greater than 0 (got +Inf)`,
			`limits.site_new_conversation_burst: must be at least 1 (got -1)`}},
		{"conversation growth", func(c *Config) { c.Limits.ConversationMessagesPerMinute = 0; c.Limits.ConversationMessageBurst = 0 },
			[]string{`limits.conversation_messages_per_minute: must be a number greater than 0 (got 0)`,
				`limits.conversation_message_burst: must be at least 1 (got 0)`}},
		{"empty conversation ttl", func(c *Config) { c.Limits.EmptyConversationTTL = Duration(time.Second) },
			[]string{`limits.empty_conversation_ttl: must be at least 1m: a visitor's first message may take a while (got 1s)`}},
		{"no default site", func(c *Config) { c.Sites[0].Name = "shop" },
			[]string{`site: no site is named "default"; visitors whose URL names no site, and the demo page, use it`}},
		{"bad site name", func(c *Config) { c.Sites = append(c.Sites, defaultSite("My Shop")) },
			[]string{`site[1].name: must be 1 to 64 of a-z, 0-9, _ and - (got "My Shop")`}},
		{"missing site name", func(c *Config) { c.Sites = append(c.Sites, defaultSite("")) },
			[]string{`site[1].name: required`}},
		{"duplicate site", func(c *Config) { c.Sites = append(c.Sites, defaultSite("default")) },
			[]string{`site[1].name: duplicate site name "default" (first defined at site[0].name)`}},
		{"good origins", func(c *Config) {
			c.Sites[0].AllowedOrigins = []string{"https://www.example.com", "https://*.example.com", "http://localhost:3000", "http://[::1]:8080", "http://192.168.1.2"}
		}, nil},
		{"bad origins", func(c *Config) {
			c.Sites[0].AllowedOrigins = []string{
				"www.example.com", "https://www.example.com/", "https://www.example.com/chat", "ws://www.example.com",
				"https://WWW.example.com", "https://www.*.com", "https://www.example.com:0", "https://user@example.com",
				"https://exa_mple.com", "", "*",
			}
		}, []string{
			`site[0].allowed_origins[0]: must be an origin scheme://host[:port], such as "https://www.example.com" or "https://*.example.com" (got "www.example.com")`,
			`site[0].allowed_origins[1]: must have no path, query or user info: write "https://www.example.com" (got "https://www.example.com/")`,
			`site[0].allowed_origins[2]: must have no path, query or user info: write "https://www.example.com" (got "https://www.example.com/chat")`,
			`site[0].allowed_origins[3]: scheme must be http or https (got "ws://www.example.com")`,
			`site[0].allowed_origins[4]: must be lowercase, as browsers send it (got "https://WWW.example.com")`,
			`site[0].allowed_origins[5]: a wildcard may only stand for the leftmost label, as in "https://*.example.com" (got "https://www.*.com")`,
			`site[0].allowed_origins[6]: port must be between 1 and 65535 (got "https://www.example.com:0")`,
			`site[0].allowed_origins[7]: must have no path, query or user info: write "https://example.com" (got "https://user@example.com")`,
			`site[0].allowed_origins[8]: must be an origin scheme://host[:port], such as "https://www.example.com" or "https://*.example.com" (got "https://exa_mple.com")`,
			`site[0].allowed_origins[9]: must be an origin scheme://host[:port], such as "https://www.example.com" or "https://*.example.com" (got "")`,
			`site[0].allowed_origins[10]: must be an origin scheme://host[:port], such as "https://www.example.com" or "https://*.example.com" (got "*")`,
		}},
		{"empty title", func(c *Config) { c.Sites[0].Title = "" },
			[]string{`site[0].title: must not be empty`}},
		{"bad colour", func(c *Config) { c.Sites[0].Color = "#fff" },
			[]string{`site[0].color: must be a colour written "#RRGGBB", such as "#1f6feb" (got "#fff")`}},
		{"position", func(c *Config) { c.Sites[0].Position = "center" },
			[]string{`site[0].position: must be one of "right", "left" (got "center")`}},
		{"greeting", func(c *Config) { c.Sites[0].Greeting = map[string]string{"English": "Hi", "pt-BR": " "} },
			[]string{`site[0].greeting.English: the key must be a language code such as "en" or "pt-BR" (got "English")`, `site[0].greeting.pt-BR: must not be empty`}},
		{"locale", func(c *Config) { c.Sites[0].Locale = "Swedish" },
			[]string{`site[0].locale: must be empty (follow the browser) or a language code such as "en" or "sv" (got "Swedish")`}},
		{"locale with region", func(c *Config) { c.Sites[0].Locale = "sv-SE" }, nil},
		{"thresholds out of range", func(c *Config) {
			c.Bot.AnswerThreshold = 1.5
			c.Bot.ClarifyThreshold = -0.1
			c.Bot.ClarifyMargin = math.NaN()
		},
			[]string{`bot.answer_threshold: must be between 0 and 1 (got 1.5)`, `bot.clarify_threshold: must be between 0 and 1 (got -0.1)`, `bot.clarify_margin: must be between 0 and 1 (got NaN)`}},
		{"clarify above answer", func(c *Config) { c.Bot.ClarifyThreshold = 0.8 },
			[]string{`bot.clarify_threshold: must not be above bot.answer_threshold (0.7) (got 0.8)`}},
		{"thresholds at the edges", func(c *Config) { c.Bot.AnswerThreshold = 1; c.Bot.ClarifyThreshold = 1; c.Bot.ClarifyMargin = 0 }, nil},
		{"no language", func(c *Config) { c.Bot.Languages = nil },
			[]string{`bot.languages: must list at least one language, such as ["en"]`}},
		{"bad languages", func(c *Config) { c.Bot.Languages = []string{"en", "", "english", "en"} },
			[]string{`bot.languages[1]: must not be empty`, `bot.languages[2]: must be a language code such as "en" or "sv" (got "english")`, `bot.languages[3]: "en" is listed twice`}},
		{"sensitive topics", func(c *Config) {
			c.Bot.Sensitive = []SensitiveTopic{
				{Name: "billing", Patterns: []string{`(?i)\brefund\b`}, Team: "finance"},
				{Name: "", Patterns: []string{"x"}},
				{Name: "Legal Stuff", Patterns: []string{"[a-"}},
				{Name: "billing"},
			}
		}, []string{
			`bot.sensitive[1].name: required`,
			`bot.sensitive[2].name: must be made of a-z, 0-9, _ and - (it appears in the reason sensitive:NAME) (got "Legal Stuff")`,
			"bot.sensitive[2].patterns[0]: invalid regular expression: missing closing ]: `[a-`",
			`bot.sensitive[3].name: duplicate topic "billing"`,
			`bot.sensitive[3].patterns: must list at least one regular expression`,
		}},
		{"disabled rules", func(c *Config) { c.Bot.DisabledRules = []string{"frustration", "frustration", ""} },
			[]string{`bot.disabled_rules[1]: "frustration" is listed twice`, `bot.disabled_rules[2]: must not be empty`}},
		{"embedder", func(c *Config) { c.Knowledge.Embedder = "openai" },
			[]string{`knowledge.embedder: must be one of "builtin", "ollama" (got "openai")`}},
		{"chunk size", func(c *Config) { c.Knowledge.ChunkMaxChars = 10 },
			[]string{`knowledge.chunk_max_chars: must be between 100 and 100000 (got 10)`}},
		{"reload interval", func(c *Config) { c.Knowledge.ReloadInterval = 0 },
			[]string{`knowledge.reload_interval: must be longer than 0 (got 0s)`}},
		{"unused ollama is not checked", func(c *Config) { c.Ollama.URL = "nonsense"; c.Ollama.Timeout = 0 }, nil},
		{"ollama embedder without model", func(c *Config) { c.Knowledge.Embedder = EmbedderOllama },
			[]string{`ollama.embed_model: required when knowledge.embedder = "ollama", for example "nomic-embed-text"`}},
		{"ollama chat model with a bad url", func(c *Config) {
			c.Ollama.ChatModel = "llama3.2"
			c.Ollama.URL = "127.0.0.1:11434"
			c.Ollama.Timeout = 0
		},
			[]string{`ollama.url: must be an absolute http or https URL, such as "http://127.0.0.1:11434" (got "127.0.0.1:11434")`, `ollama.chat_model: generated answers are not available in this build yet: remove chat_model (answers are quoted from the knowledge base)`, `ollama.timeout: must be longer than 0 (got 0s)`}},
		{"ollama embedder", func(c *Config) { c.Knowledge.Embedder = EmbedderOllama; c.Ollama.EmbedModel = "nomic-embed-text" }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := Defaults()
			tt.change(&cfg)
			err := cfg.Validate()
			var got []string
			if err != nil {
				var errs Errors
				if !errors.As(err, &errs) {
					t.Fatalf("Validate() = %v (%T), want Errors", err, err)
				}
				for _, e := range errs {
					if e.File != "" || e.Line != 0 {
						t.Errorf("%v: a Config built in code has no file or line", e)
					}
					got = append(got, e.Error())
				}
			}
			if !equalLines(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{File: "andon.toml", Line: 12, Key: "limits.max_message_bytes", Msg: "must be between 64 and 1048576 (got 0)"},
			"andon.toml:12: limits.max_message_bytes: must be between 64 and 1048576 (got 0)"},
		{&Error{File: "andon.toml", Line: 3, Key: "server.adress", unknown: true}, "andon.toml:3: unknown key server.adress"},
		{&Error{File: "andon.toml", Line: 1, Column: 8, Msg: "syntax error: expected ']'"}, "andon.toml:1:8: syntax error: expected ']'"},
		{&Error{File: "env ANDON_ADDR", Key: "server.addr", Msg: "must be host:port"}, "env ANDON_ADDR: server.addr: must be host:port"},
		{&Error{File: "andon.toml", Key: "ollama.embed_model", Msg: "required"}, "andon.toml: ollama.embed_model: required"},
		{&Error{Key: "server.addr", Msg: "must be host:port"}, "server.addr: must be host:port"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	errs := Errors{tests[0].err, tests[1].err}
	if got, want := errs.Error(), tests[0].want+"\n"+tests[1].want; got != want {
		t.Errorf("Errors.Error() = %q, want %q", got, want)
	}
	var one *Error
	if !errors.As(error(errs), &one) || one != tests[0].err {
		t.Errorf("errors.As(Errors, *Error) = %v", one)
	}
}
