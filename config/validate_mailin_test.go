package config

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateMailIn(t *testing.T) {
	t.Parallel()
	withSMTP := func(c *Config) {
		c.SMTP.Host = "smtp.example.com"
		c.SMTP.From = "Support <support@example.com>"
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   []string
	}{
		{"off by default", func(*Config) {}, nil},
		{"on", func(c *Config) {
			withSMTP(c)
			c.MailIn.Addr, c.MailIn.Domain, c.MailIn.MaxBytes = "0.0.0.0:2525", "reply.example.com", 2<<20
		}, nil},
		{"domain without addr is only checked", func(c *Config) { c.MailIn.Domain = "Reply.Example.COM" }, nil},
		{"addr without domain", func(c *Config) { withSMTP(c); c.MailIn.Addr = ":2525" },
			[]string{`mail_in.domain: required when mail_in.addr is set: the domain of the reply addresses, such as "reply.example.com"`}},
		{"addr without smtp", func(c *Config) { c.MailIn.Addr, c.MailIn.Domain = ":2525", "example.com" },
			[]string{`mail_in.addr: receives answers to mailed replies, but nothing is mailed: set smtp.host (and smtp.from) too`}},
		{"bad values", func(c *Config) {
			withSMTP(c)
			c.MailIn = MailIn{Addr: "2525", Domain: "reply@example.com", MaxBytes: 10, MaxMailsPerConnection: 5, SenderBurst: 1, SenderPerHour: -1, ConversationBurst: 20000, ConversationPerHour: 1}
		}, []string{
			`mail_in.max_bytes: must be between 1024 and 67108864 (got 10)`,
			`mail_in.max_connections: must be between 1 and 10000 (got 0)`,
			`mail_in.sender_per_hour: must be a number greater than 0 (got -1)`,
			`mail_in.conversation_burst: must be between 1 and 10000 (got 20000)`,
			`mail_in.domain: must be a domain name such as "reply.example.com", without "@" or a port (got "reply@example.com")`,
			`mail_in.addr: must be host:port, such as "127.0.0.1:8080" or ":8080" (got "2525")`,
		}},
		{"domain with a port", func(c *Config) { c.MailIn.Domain = "example.com:25" },
			[]string{`mail_in.domain: must be a domain name such as "reply.example.com", without "@" or a port (got "example.com:25")`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := Defaults()
			tt.change(&cfg)
			var got []string
			if err := cfg.Validate(); err != nil {
				var errs Errors
				if !errors.As(err, &errs) {
					t.Fatalf("Validate() = %v (%T), want Errors", err, err)
				}
				for _, e := range errs {
					got = append(got, e.Error())
				}
			}
			if !equalLines(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestLoadMailInLines checks that [mail_in] problems name their file and
// line, and that a missing domain points at the addr that needs it.
func TestLoadMailInLines(t *testing.T) {
	t.Parallel()
	doc := `[smtp]
host = "smtp.example.com"
from = "support@example.com"

[mail_in]
addr = "0.0.0.0:2525"
max_bytes = 100
`
	path := writeConfig(t, doc)
	_, err := load(path, noEnv)
	want := []string{
		`andon.toml:6: mail_in.domain: required when mail_in.addr is set: the domain of the reply addresses, such as "reply.example.com"`,
		`andon.toml:7: mail_in.max_bytes: must be between 1024 and 67108864 (got 100)`,
	}
	if got := problems(t, path, err); !equalLines(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
