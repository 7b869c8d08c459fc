package config

import "time"

// Defaults returns a configuration in which every setting has its default:
// a server on 127.0.0.1:8080 with SQLite in ./andon-data, the built-in
// embedder and one site, DefaultSite, for the demo page. It is valid as is.
func Defaults() Config {
	return Config{
		Server: Server{
			Addr:              "127.0.0.1:8080",
			DataDir:           "./andon-data",
			ReadHeaderTimeout: Duration(10 * time.Second),
			ShutdownTimeout:   Duration(10 * time.Second),
			IdleTimeout:       Duration(2 * time.Minute),
			ReadTimeout:       Duration(time.Minute),
			WriteTimeout:      Duration(time.Minute),
			LogLevel:          "info",
			LogFormat:         "text",
			TrustedProxies:    []string{},
		},
		Store: Store{
			Driver:      DriverSQLite,
			Synchronous: "full",
		},
		Limits: Limits{
			MaxMessageBytes:     4096,
			MaxFrameBytes:       16384,
			MessagesPerSecond:   2,
			MessageBurst:        5,
			IPMessagesPerSecond: 10,
			IPMessageBurst:      20,
			MaxConnectionsPerIP: 20,
			SendQueue:           64,
			PingInterval:        Duration(25 * time.Second),
			PongTimeout:         Duration(60 * time.Second),
			WriteTimeout:        Duration(10 * time.Second),
			TokenTTL:            Duration(30 * 24 * time.Hour),
			MaxConnections:      20000,
			ReplayPageBytes:     256 << 10,

			IPNewConversationsPerMinute:   10,
			IPNewConversationBurst:        20,
			SiteNewConversationsPerMinute: 600,
			SiteNewConversationBurst:      1200,
			ConversationMessagesPerMinute: 60,
			ConversationMessageBurst:      120,
			EmptyConversationTTL:          Duration(24 * time.Hour),

			MaxHTTPConnectionsPerIP: 128,
			MaxHTTPConnections:      0,
			ReservedConnections:     16,
			ReservedDescriptors:     256,
		},
		Sites: []Site{defaultSite(DefaultSite)},
		Bot: Bot{
			// Measured with andon eval on three data sets (docs/quality.md);
			// app's tests keep them equal to the bot's own defaults.
			AnswerThreshold:  0.70,
			ClarifyThreshold: 0.50,
			ClarifyMargin:    0.10,
			Languages:        []string{"en", "sv"},
			DisabledRules:    []string{},
		},
		Knowledge: Knowledge{
			Embedder:       EmbedderBuiltin,
			LoadDemo:       true,
			ChunkMaxChars:  1200,
			ReloadInterval: Duration(3 * time.Second),
		},
		Ollama: Ollama{
			URL:     "http://127.0.0.1:11434",
			Timeout: Duration(30 * time.Second),
		},
		Teams: []Team{},
		Handoff: Handoff{
			GracePeriod: Duration(2 * time.Minute),
			SLA: map[string]Duration{
				"default":            Duration(5 * time.Minute),
				"sensitive:security": Duration(2 * time.Minute),
			},
			DefaultWait: Duration(2 * time.Minute),
			Categories:  []string{"question", "bug", "billing", "account", "feature_request", "complaint", "other"},
			Reopen:      ReopenBot,
		},
		Canned: []Canned{},
		SMTP: SMTP{
			Port:    587,
			TLS:     "starttls",
			Timeout: Duration(30 * time.Second),
		},
		Notify: Notify{Webhooks: []Webhook{}, Emails: []EmailNotify{}},
		MailIn: MailIn{MaxBytes: 1 << 20, MaxConnections: 20, MaxMailsPerConnection: 10,
			SenderBurst: 10, SenderPerHour: 10, ConversationBurst: 20, ConversationPerHour: 60},
		Incidents: Incidents{Window: Duration(10 * time.Minute), PValue: 1e-6, MinQuestions: 5,
			Similarity: 0.35, Learn: Duration(24 * time.Hour), MaxTopics: 2000},
	}
}

// defaultSite returns a site with every default but its name. Each call
// builds a new Greeting map, so sites never share one.
func defaultSite(name string) Site {
	return Site{
		Name:           name,
		AllowedOrigins: []string{},
		Title:          "Support",
		Color:          "#1f6feb",
		Position:       "right",
		Greeting:       defaultGreeting(),
	}
}

func defaultGreeting() map[string]string {
	return map[string]string{
		"en": "Hi! Ask me anything. If I can't help, I'll bring in a person.",
		"sv": "Hej! Fråga mig vad du vill. Om jag inte kan hjälpa till kopplar jag in en person från teamet.",
	}
}
