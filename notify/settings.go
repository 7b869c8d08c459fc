package notify

import "time"

// Settings are the dispatcher's part of the configuration, in its own
// terms; app maps them from the TOML schema, which validated them.
type Settings struct {
	// Webhooks and Emails are the configured channels.
	Webhooks []Webhook
	Emails   []EmailChannel
	// SMTP is the mail server; an empty Host sends no mail.
	SMTP SMTP
	// PublicURL is where the console is reached, for links.
	PublicURL string
	// ChainTeams are the teams with an escalation chain, named in the
	// warning that pages cannot be mailed without SMTP.
	ChainTeams []string
}

// Webhook is one webhook channel.
type Webhook struct {
	Name string
	URL  string
	// Format is json (signed with Secret) or slack.
	Format string
	Secret string
	// Reasons and Teams filter the events it gets (empty: all).
	Reasons []string
	Teams   []string
}

// EmailChannel is one e-mail channel: its own addresses.
type EmailChannel struct {
	Name    string
	To      []string
	Reasons []string
	Teams   []string
}

// SMTP is the mail server notifications and replies go through.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	// From is the sender.
	From string
	// TLS is starttls (the default), tls or none.
	TLS     string
	Timeout time.Duration
}
