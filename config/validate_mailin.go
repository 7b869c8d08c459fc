package config

import (
	"regexp"
	"strings"
)

// mailDomain is a DNS domain name: dot-separated labels of letters, digits
// and inner hyphens.
var mailDomain = regexp.MustCompile(`^(?i)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// mailIn checks [mail_in]. Its values are checked also when receiving is
// off, so that switching it on later does not uncover old mistakes.
func (c *checker) mailIn(m MailIn, s SMTP) {
	c.between(key("mail_in", "max_bytes"), m.MaxBytes, 1024, 64<<20)
	c.between(key("mail_in", "max_connections"), m.MaxConnections, 1, 10000)
	c.between(key("mail_in", "max_mails_per_connection"), m.MaxMailsPerConnection, 1, 1000)
	c.between(key("mail_in", "sender_burst"), m.SenderBurst, 1, 10000)
	c.rate(key("mail_in", "sender_per_hour"), m.SenderPerHour)
	c.between(key("mail_in", "conversation_burst"), m.ConversationBurst, 1, 10000)
	c.rate(key("mail_in", "conversation_per_hour"), m.ConversationPerHour)
	if m.Domain != "" && (!mailDomain.MatchString(m.Domain) || len(m.Domain) > 253) {
		c.failf(key("mail_in", "domain"), "must be a domain name such as \"reply.example.com\", without \"@\" or a port (got %q)", m.Domain)
	}
	if m.Addr == "" {
		return
	}
	c.addr(key("mail_in", "addr"), m.Addr)
	if strings.TrimSpace(m.Domain) == "" {
		c.fail(key("mail_in", "domain"), []path{key("mail_in", "addr")}, "required when mail_in.addr is set: the domain of the reply addresses, such as \"reply.example.com\"")
	}
	if s.Host == "" {
		c.fail(key("mail_in", "addr"), nil, "receives answers to mailed replies, but nothing is mailed: set smtp.host (and smtp.from) too")
	}
}
