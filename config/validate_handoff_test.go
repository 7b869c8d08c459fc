package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// twoTeams is a valid setup with teams, for cases that change one thing.
func twoTeams(c *Config) {
	c.Teams = []Team{
		{Name: "billing", Title: "the billing team", Reasons: []string{"sensitive:billing", "asked_for_human"},
			Timezone: "Europe/Stockholm", Hours: map[string]string{"mon": "09:00-17:00", "wed": "08:00-12:00,13:00-24:00"},
			Holidays: []string{"2026-12-24"}, Chain: []string{"lead@example.com", "cto@example.com"}},
		{Name: "tech-2", Reasons: []string{"sensitive:*"}},
	}
}

func TestValidateHandoff(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("k", 32)
	tests := []struct {
		name   string
		change func(*Config)
		want   []string
	}{
		{"teams", twoTeams, nil},
		{"team names", func(c *Config) {
			twoTeams(c)
			c.Teams = append(c.Teams, Team{Name: ""}, Team{Name: "Billing Team"}, Team{Name: "billing"})
		}, []string{
			`team[2].name: required`,
			`team[3].name: must be 1 to 64 of a-z, 0-9, _ and - (got "Billing Team")`,
			`team[4].name: duplicate team name "billing" (first defined at team[0].name)`,
		}},
		{"time zones", func(c *Config) {
			c.Teams = []Team{{Name: "a", Timezone: "Europe/Stockholm "}, {Name: "b", Timezone: "Local"}, {Name: "c", Timezone: "CET"}}
		}, []string{
			`team[0].timezone: unknown time zone; use an IANA name such as "Europe/Stockholm" or "America/New_York" (got "Europe/Stockholm ")`,
			`team[1].timezone: must be an IANA time zone such as "Europe/Stockholm", not the server's own (got "Local")`,
		}},
		{"hours", func(c *Config) {
			c.Teams = []Team{{Name: "a", Hours: map[string]string{
				"monday": "09:00-17:00", "tue": "9:00-17:00", "wed": "17:00-09:00", "thu": "08:00-12:00,11:00-13:00",
				"fri": "", "sat": "09:00-24:30", "sun": "24:00-24:00",
			}}}
		}, []string{
			`team[0].hours.fri: must be opening hours such as "09:00-17:00" (leave the day out to close it) (got "")`,
			`team[0].hours.monday: the key must be a weekday: mon, tue, wed, thu, fri, sat or sun (got "monday")`,
			`team[0].hours.sat: "09:00-24:30": "24:30" is not a time between 00:00 and 24:00 (got "09:00-24:30")`,
			`team[0].hours.sun: "24:00-24:00": "24:00" is not a time between 00:00 and 24:00 (got "24:00-24:00")`,
			`team[0].hours.thu: 11:00-13:00 overlaps 08:00-12:00 (got "08:00-12:00,11:00-13:00")`,
			`team[0].hours.tue: "9:00-17:00": "9:00" is not a time HH:MM (got "9:00-17:00")`,
			`team[0].hours.wed: "17:00-09:00" must start before it ends (a range past midnight is two ranges, one on each day) (got "17:00-09:00")`,
		}},
		{"hours without a dash", func(c *Config) { c.Teams = []Team{{Name: "a", Hours: map[string]string{"mon": "09:00"}}} },
			[]string{`team[0].hours.mon: "09:00" must be a range HH:MM-HH:MM, such as "09:00-17:00" (got "09:00")`}},
		{"touching ranges", func(c *Config) {
			c.Teams = []Team{{Name: "a", Hours: map[string]string{"mon": "13:00-17:00, 08:00-13:00"}}}
		}, nil},
		{"holidays", func(c *Config) {
			c.Teams = []Team{{Name: "a", Holidays: []string{"2026-12-24", "24/12/2026", "2026-02-30", "2026-12-24", "2026-1-5"}}}
		}, []string{
			`team[0].holidays[1]: must be a date YYYY-MM-DD, such as "2026-12-24" (got "24/12/2026")`,
			`team[0].holidays[2]: must be a date YYYY-MM-DD, such as "2026-12-24" (got "2026-02-30")`,
			`team[0].holidays[3]: "2026-12-24" is listed twice`,
			`team[0].holidays[4]: must be a date YYYY-MM-DD, such as "2026-12-24" (got "2026-1-5")`,
		}},
		{"chain", func(c *Config) {
			c.Teams = []Team{{Name: "a", Chain: []string{"lead@example.com", "Lead <lead@example.com>", "lead", "", "root@localhost"}}}
		}, []string{
			`team[0].chain[1]: must be an e-mail address such as "lead@example.com" (got "Lead <lead@example.com>")`,
			`team[0].chain[2]: must be an e-mail address such as "lead@example.com" (got "lead")`,
			`team[0].chain[3]: must not be empty`,
		}},
		{"reasons", func(c *Config) {
			c.Teams = []Team{
				{Name: "a", Reasons: []string{"sensitive:billing", "Sensitive:Billing", "sensitive:*", "*", "sens*itive", "low confidence"}},
				{Name: "b", Reasons: []string{"sensitive:billing", "sensitive:"}},
			}
		}, []string{
			`team[0].reasons[1]: must be a reason such as "asked_for_human" or "sensitive:billing", or a prefix ending in "*" such as "sensitive:*" (got "Sensitive:Billing")`,
			`team[0].reasons[4]: must be a reason such as "asked_for_human" or "sensitive:billing", or a prefix ending in "*" such as "sensitive:*" (got "sens*itive")`,
			`team[0].reasons[5]: must be a reason such as "asked_for_human" or "sensitive:billing", or a prefix ending in "*" such as "sensitive:*" (got "low confidence")`,
			`team[1].reasons[0]: "sensitive:billing" is already routed to team "a"; a reason goes to one team`,
		}},
		{"sensitive topic names a team", func(c *Config) {
			twoTeams(c)
			c.Bot.Sensitive = []SensitiveTopic{{Name: "billing", Patterns: []string{"refund"}, Team: "billing"}, {Name: "legal", Patterns: []string{"lawyer"}, Team: "legal"}}
		}, []string{`bot.sensitive[1].team: no [[team]] is named "legal" (teams: "billing", "tech-2")`}},
		{"sensitive topic team without teams is free text", func(c *Config) {
			c.Bot.Sensitive = []SensitiveTopic{{Name: "legal", Patterns: []string{"lawyer"}, Team: "legal"}}
		}, nil},
		{"default team", func(c *Config) { twoTeams(c); c.Handoff.DefaultTeam = "billing" }, nil},
		{"unknown default team", func(c *Config) { twoTeams(c); c.Handoff.DefaultTeam = "support" },
			[]string{`handoff.default_team: no [[team]] is named "support" (teams: "billing", "tech-2")`}},
		{"default team without teams", func(c *Config) { c.Handoff.DefaultTeam = "support" },
			[]string{`handoff.default_team: names team "support", but no [[team]] is configured`}},
		{"handoff durations", func(c *Config) { c.Handoff.GracePeriod = 0; c.Handoff.DefaultWait = Duration(-time.Second) },
			[]string{`handoff.grace_period: must be longer than 0 (got 0s)`, `handoff.default_wait: must be longer than 0 (got -1s)`}},
		{"sla", func(c *Config) {
			c.Handoff.SLA = map[string]Duration{"default": 0, "sensitive:*": Duration(time.Minute), "Security": Duration(time.Minute), "frustration:x": Duration(-1)}
		}, []string{
			`handoff.sla.Security: the key must be "default", a reason such as "sensitive:security" or a prefix ending in "*" (got "Security")`,
			`handoff.sla.default: must be longer than 0 (got 0s)`,
			`handoff.sla."frustration:x": must be longer than 0 (got -1ns)`,
		}},
		{"no categories", func(c *Config) { c.Handoff.Categories = nil },
			[]string{`handoff.categories: must list at least one category, such as ["question", "other"]`}},
		{"categories", func(c *Config) { c.Handoff.Categories = []string{"bug", "", "bug", strings.Repeat("x", 65)} },
			[]string{`handoff.categories[1]: must not be empty`, `handoff.categories[2]: "bug" is listed twice`, `handoff.categories[3]: must be at most 64 characters (got 65)`}},
		{"canned", func(c *Config) {
			c.Canned = []Canned{
				{Name: "refund", Lang: "en", Text: "Hi {{visitor.name}}, {{ agent.first_name }} here; order {{attributes.order_id}}."},
				{Name: "refund", Lang: "sv", Text: "Hej {{visitor.name}}!"},
				{Name: "refund", Lang: "en", Text: "again"},
				{Name: "", Text: "x"},
				{Name: "/hello", Text: " "},
				{Name: "bye", Lang: "Swedish", Text: "Bye {{visitor.nmae}} {{attributes.}}"},
			}
		}, []string{
			`canned[2].name: duplicate canned reply "refund" for language "en" (first defined at canned[0].name)`,
			`canned[3].name: required`,
			`canned[4].name: must be 1 to 64 of a-z, 0-9, _ and -; agents type it after "/" (got "/hello")`,
			`canned[4].text: must not be empty`,
			`canned[5].lang: must be empty (any language) or a language code such as "en" or "sv" (got "Swedish")`,
			`canned[5].text: unknown variable {{visitor.nmae}}; use {{visitor.name}}, {{visitor.email}}, {{agent.name}}, {{agent.first_name}}, {{site}} or {{attributes.KEY}}`,
			`canned[5].text: unknown variable {{attributes.}}; use {{visitor.name}}, {{visitor.email}}, {{agent.name}}, {{agent.first_name}}, {{site}} or {{attributes.KEY}}`,
		}},
		{"smtp unused is checked for its own values", func(c *Config) { c.SMTP.Port = 0; c.SMTP.TLS = "ssl"; c.SMTP.Timeout = 0 }, []string{
			`smtp.port: must be between 1 and 65535 (got 0)`,
			`smtp.tls: must be one of "starttls", "tls", "none" (got "ssl")`,
			`smtp.timeout: must be longer than 0 (got 0s)`,
		}},
		{"smtp", func(c *Config) {
			c.SMTP.Host = "smtp.example.com"
			c.SMTP.From = "Support <support@example.com>"
			c.SMTP.TLS = "tls"
			c.SMTP.Port = 465
		}, nil},
		{"smtp without from", func(c *Config) { c.SMTP.Host = "smtp.example.com" },
			[]string{`smtp.from: required when smtp.host is set, such as "Support <support@example.com>"`}},
		{"smtp bad from and host", func(c *Config) { c.SMTP.Host = "smtp.example.com:587"; c.SMTP.From = "Support" }, []string{
			`smtp.host: must be a host name or address without a port or scheme; the port is smtp.port (got "smtp.example.com:587")`,
			`smtp.from: must be an address such as "support@example.com" or "Support <support@example.com>" (got "Support")`,
		}},
		{"webhooks", func(c *Config) {
			twoTeams(c)
			c.Notify.Webhooks = []Webhook{
				{Name: "ops", URL: "https://hooks.example.com/andon?k=1", Format: "json", Secret: "s3cret", Reasons: []string{"sensitive:*"}, Teams: []string{"billing"}},
				{Name: "slack", URL: "http://127.0.0.1:9000/hook", Format: "slack"},
			}
		}, nil},
		{"bad webhooks", func(c *Config) {
			twoTeams(c)
			c.Notify.Webhooks = []Webhook{
				{Name: "ops", URL: "https://hooks.example.com/andon", Format: "json", Secret: "s"},
				{Name: "ops", URL: "ftp://hooks.example.com", Format: "xml"},
				{Name: "", URL: "hooks.example.com", Format: "json"},
				{Name: "f", URL: "https://x.example.com", Format: "slack", Reasons: []string{"Sensitive"}, Teams: []string{"sales", "billing", "billing"}},
			}
		}, []string{
			`notify.webhook[1].name: duplicate name "ops" (first defined at notify.webhook[0].name)`,
			`notify.webhook[1].url: must be an absolute http or https URL, such as "https://hooks.example.com/andon" (got "ftp://hooks.example.com")`,
			`notify.webhook[1].format: must be one of "json", "slack" (got "xml")`,
			`notify.webhook[2].name: required; it names the channel in the delivery log`,
			`notify.webhook[2].url: must be an absolute http or https URL, such as "https://hooks.example.com/andon" (got "hooks.example.com")`,
			`notify.webhook[2].secret: required with format "json": receivers check the X-Andon-Signature header with it`,
			`notify.webhook[3].reasons[0]: must be a reason such as "asked_for_human" or "sensitive:billing", or a prefix ending in "*" such as "sensitive:*" (got "Sensitive")`,
			`notify.webhook[3].teams[2]: "billing" is listed twice`,
			`notify.webhook[3].teams[0]: no [[team]] is named "sales" (teams: "billing", "tech-2")`,
		}},
		{"email channel", func(c *Config) {
			c.SMTP.Host = "localhost"
			c.SMTP.From = "andon@localhost"
			c.Notify.Emails = []EmailNotify{{Name: "cto", To: []string{"cto@example.com"}, Reasons: []string{"sensitive:security"}}}
		}, nil},
		{"email channel without a mail server", func(c *Config) {
			c.Notify.Emails = []EmailNotify{
				{Name: "cto", To: []string{"cto@example.com", "CTO"}, Teams: []string{"billing"}},
				{Name: "cto"},
			}
		}, []string{
			`notify.email[0]: needs a mail server: set smtp.host (and smtp.from)`,
			`notify.email[0].to[1]: must be an e-mail address such as "lead@example.com" (got "CTO")`,
			`notify.email[0].teams[0]: names team "billing", but no [[team]] is configured`,
			`notify.email[1].name: duplicate name "cto" (first defined at notify.email[0].name)`,
			`notify.email[1]: needs a mail server: set smtp.host (and smtp.from)`,
			`notify.email[1].to: must list at least one address, such as ["cto@example.com"]`,
		}},
		{"identity secret", func(c *Config) { c.Sites[0].IdentitySecret = long }, nil},
		{"short identity secret", func(c *Config) { c.Sites[0].IdentitySecret = "hunter2" },
			[]string{`site[0].identity_secret: must be at least 32 characters (got 7); generate one with: openssl rand -hex 32`}},
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

// TestLoadHandoffLines checks that problems in the new tables point at
// their lines, also for quoted keys and days of a hours table.
func TestLoadHandoffLines(t *testing.T) {
	t.Parallel()
	doc := `[[team]]
name = "billing"
timezone = "Mars/Olympus"
hours.mon = "09:00-17:00"
hours.tue = "17:00-09:00"

[[team]]
name = "billing"

[handoff]
default_team = "support"

[handoff.sla]
"sensitive:security" = "0s"

[[notify.webhook]]
name = "ops"
url = "https://hooks.example.com"
format = "json"
`
	path := writeConfig(t, doc)
	_, err := load(path, noEnv)
	want := []string{
		`andon.toml:3: team[0].timezone: unknown time zone; use an IANA name such as "Europe/Stockholm" or "America/New_York" (got "Mars/Olympus")`,
		`andon.toml:5: team[0].hours.tue: "17:00-09:00" must start before it ends (a range past midnight is two ranges, one on each day) (got "17:00-09:00")`,
		`andon.toml:8: team[1].name: duplicate team name "billing" (first defined on line 2)`,
		`andon.toml:11: handoff.default_team: no [[team]] is named "support" (teams: "billing")`,
		`andon.toml:14: handoff.sla."sensitive:security": must be longer than 0 (got 0s)`,
		`andon.toml:19: notify.webhook[0].secret: required with format "json": receivers check the X-Andon-Signature header with it`,
	}
	if got := problems(t, path, err); !equalLines(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
