package config

import (
	"fmt"
	"github.com/andon-chat/andon/hours"
	"net/mail"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
)

var (
	// reasonPattern is an escalation reason ("low_confidence",
	// "sensitive:billing") or a prefix of one ending in "*"
	// ("sensitive:*", or "*" for all).
	reasonPattern = regexp.MustCompile(`^([a-z0-9_-]+(:[a-z0-9_-]+)*:?)?\*?$`)
	// cannedVariable finds {{...}} in a canned reply.
	cannedVariable = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)
)

// cannedVariables are the variables a canned reply may use besides
// attributes.KEY; the console fills them in.
var cannedVariables = map[string]bool{
	"visitor.name": true, "visitor.email": true, "agent.name": true, "agent.first_name": true, "site": true,
}

// handoffAll checks everything issue 4 added: teams, routing, SLAs, canned
// replies, mail and notification channels.
func (c *checker) handoffAll(cfg Config) {
	teams := c.teams(cfg.Teams)
	c.sensitiveTeams(cfg.Bot.Sensitive, teams)
	c.handoff(cfg.Handoff, teams)
	c.canned(cfg.Canned)
	c.smtp(cfg.SMTP)
	c.notify(cfg.Notify, cfg.SMTP, teams)
	c.mailIn(cfg.MailIn, cfg.SMTP)
}

// teams checks every [[team]] and returns the names defined.
func (c *checker) teams(teams []Team) map[string]bool {
	names := map[string]bool{}
	first := map[string]int{}
	routed := map[string]string{} // exact reason → team
	for i, t := range teams {
		p := key("team").at(i)
		c.uniqueName("team", i, t.Name, "team name", "", first)
		names[t.Name] = true
		c.list(p.key("reasons"), t.Reasons, checkReason)
		for j, r := range t.Reasons {
			if other, ok := routed[r]; ok && other != t.Name && reasonPattern.MatchString(r) {
				c.failf(p.key("reasons").at(j), "%q is already routed to team %q; a reason goes to one team", r, other)
			} else if r != "" {
				routed[r] = t.Name
			}
		}
		if t.Timezone == "Local" {
			c.failf(p.key("timezone"), "must be an IANA time zone such as \"Europe/Stockholm\", not the server's own (got \"Local\")")
		} else if _, err := t.Location(); err != nil {
			c.failf(p.key("timezone"), "unknown time zone; use an IANA name such as \"Europe/Stockholm\" or \"America/New_York\" (got %q)", t.Timezone)
		}
		days := make([]string, 0, len(t.Hours))
		for d := range t.Hours {
			days = append(days, d)
		}
		sort.Strings(days)
		for _, d := range days {
			hp := p.key("hours").key(d)
			if _, ok := hours.ParseWeekday(d); !ok {
				c.failf(hp, "the key must be a weekday: mon, tue, wed, thu, fri, sat or sun (got %q)", d)
				continue
			}
			if _, err := hours.ParseDayHours(t.Hours[d]); err != nil {
				c.failf(hp, "%v (got %q)", err, t.Hours[d])
			}
		}
		c.list(p.key("holidays"), t.Holidays, func(s string) string {
			if d, err := time.Parse(hours.HolidayLayout, s); err != nil || d.Format(hours.HolidayLayout) != s {
				return fmt.Sprintf("must be a date YYYY-MM-DD, such as \"2026-12-24\" (got %q)", s)
			}
			return ""
		})
		c.list(p.key("chain"), t.Chain, checkEmail)
	}
	return names
}

// checkReason says what is wrong with a reason pattern, or "".
func checkReason(r string) string {
	if !reasonPattern.MatchString(r) {
		return fmt.Sprintf("must be a reason such as \"asked_for_human\" or \"sensitive:billing\", or a prefix ending in \"*\" such as \"sensitive:*\" (got %q)", r)
	}
	return ""
}

// checkEmail says what is wrong with a bare e-mail address, or "".
func checkEmail(s string) string {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return fmt.Sprintf("must be an e-mail address such as \"lead@example.com\" (got %q)", s)
	}
	return ""
}

// teamRef checks that name is one of the configured teams.
func (c *checker) teamRef(p path, name string, teams map[string]bool) {
	if teams[name] {
		return
	}
	if len(teams) == 0 {
		c.failf(p, "names team %q, but no [[team]] is configured", name)
		return
	}
	c.failf(p, "no [[team]] is named %q (teams: %s)", name, teamList(teams))
}

func teamList(teams map[string]bool) string {
	names := make([]string, 0, len(teams))
	for n := range teams {
		if n != "" {
			names = append(names, fmt.Sprintf("%q", n))
		}
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// sensitiveTeams checks the team of each sensitive topic. Before teams
// existed the key was free text, so without any [[team]] it is not checked.
func (c *checker) sensitiveTeams(topics []SensitiveTopic, teams map[string]bool) {
	if len(teams) == 0 {
		return
	}
	for i, t := range topics {
		if t.Team != "" {
			c.teamRef(key("bot", "sensitive").at(i).key("team"), t.Team, teams)
		}
	}
}

func (c *checker) handoff(h Handoff, teams map[string]bool) {
	if h.DefaultTeam != "" {
		c.teamRef(key("handoff", "default_team"), h.DefaultTeam, teams)
	}
	c.positive(key("handoff", "grace_period"), h.GracePeriod)
	c.positive(key("handoff", "default_wait"), h.DefaultWait)
	c.oneOf(key("handoff", "reopen"), h.Reopen, ReopenBot, ReopenPerson)
	reasons := make([]string, 0, len(h.SLA))
	for r := range h.SLA {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		p := key("handoff", "sla").key(r)
		if r != "default" && (r == "" || !reasonPattern.MatchString(r)) {
			c.failf(p, "the key must be \"default\", a reason such as \"sensitive:security\" or a prefix ending in \"*\" (got %q)", r)
		}
		c.positive(p, h.SLA[r])
	}
	if len(h.Categories) == 0 {
		c.failf(key("handoff", "categories"), "must list at least one category, such as [\"question\", \"other\"]")
	}
	c.list(key("handoff", "categories"), h.Categories, func(s string) string {
		if len(s) > 64 {
			return fmt.Sprintf("must be at most 64 characters (got %d)", len(s))
		}
		return ""
	})
}

func (c *checker) canned(replies []Canned) {
	first := map[[2]string]int{} // name, lang → index
	for i, r := range replies {
		p := key("canned").at(i)
		switch {
		case r.Name == "":
			c.failf(p.key("name"), "required")
		case !siteName.MatchString(r.Name) || len(r.Name) > 64:
			c.failf(p.key("name"), "must be 1 to 64 of a-z, 0-9, _ and -; agents type it after \"/\" (got %q)", r.Name)
		}
		k := [2]string{r.Name, r.Lang}
		if j, dup := first[k]; dup && r.Name != "" {
			c.failf(p.key("name"), "duplicate canned reply %q for language %q (first defined %s)", r.Name, r.Lang, c.where(key("canned").at(j).key("name")))
		} else {
			first[k] = i
		}
		if r.Lang != "" && !languageTag.MatchString(r.Lang) {
			c.failf(p.key("lang"), "must be empty (any language) or a language code such as \"en\" or \"sv\" (got %q)", r.Lang)
		}
		if strings.TrimSpace(r.Text) == "" {
			c.fail(p.key("text"), []path{p.key("name")}, "must not be empty")
		}
		for _, m := range cannedVariable.FindAllStringSubmatch(r.Text, -1) {
			v := m[1]
			if !cannedVariables[v] && !(strings.HasPrefix(v, "attributes.") && len(v) > len("attributes.")) {
				c.failf(p.key("text"), "unknown variable %s; use {{visitor.name}}, {{visitor.email}}, {{agent.name}}, {{agent.first_name}}, {{site}} or {{attributes.KEY}}", m[0])
			}
		}
	}
}

func (c *checker) smtp(s SMTP) {
	c.between(key("smtp", "port"), s.Port, 1, 65535)
	c.oneOf(key("smtp", "tls"), s.TLS, "starttls", "tls", "none")
	c.positive(key("smtp", "timeout"), s.Timeout)
	if s.Host == "" {
		return
	}
	if strings.ContainsAny(s.Host, ":/ ") {
		c.failf(key("smtp", "host"), "must be a host name or address without a port or scheme; the port is smtp.port (got %q)", s.Host)
	}
	switch {
	case strings.TrimSpace(s.From) == "":
		c.fail(key("smtp", "from"), []path{key("smtp", "host")}, "required when smtp.host is set, such as \"Support <support@example.com>\"")
	default:
		if _, err := mail.ParseAddress(s.From); err != nil {
			c.failf(key("smtp", "from"), "must be an address such as \"support@example.com\" or \"Support <support@example.com>\" (got %q)", s.From)
		}
	}
}

func (c *checker) notify(n Notify, s SMTP, teams map[string]bool) {
	names := map[string]int{}
	for i, w := range n.Webhooks {
		p := key("notify", "webhook").at(i)
		c.uniqueName("notify.webhook", i, w.Name, "name", "; it names the channel in the delivery log", names)
		if u, err := url.Parse(w.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			c.fail(p.key("url"), []path{p.key("name")}, "must be an absolute http or https URL, such as \"https://hooks.example.com/andon\" (got %q)", w.URL)
		}
		c.oneOf(p.key("format"), w.Format, "json", "slack")
		if w.Format == "json" && w.Secret == "" {
			c.fail(p.key("secret"), []path{p.key("format")}, "required with format \"json\": receivers check the X-Andon-Signature header with it")
		}
		c.filters(p, w.Reasons, w.Teams, teams)
	}
	names = map[string]int{}
	for i, e := range n.Emails {
		p := key("notify", "email").at(i)
		c.uniqueName("notify.email", i, e.Name, "name", "; it names the channel in the delivery log", names)
		if s.Host == "" {
			c.fail(p, nil, "needs a mail server: set smtp.host (and smtp.from)")
		}
		if len(e.To) == 0 {
			c.fail(p.key("to"), []path{p.key("name")}, "must list at least one address, such as [\"cto@example.com\"]")
		}
		c.list(p.key("to"), e.To, checkEmail)
		c.filters(p, e.Reasons, e.Teams, teams)
	}
}

// uniqueName checks the name of element i of the array of tables table
// ("site", "notify.webhook"): required (why says what for, may be empty),
// 1 to 64 of a-z, 0-9, _ and -, and not used by an earlier element (seen
// maps each name to its first index). what names it in the duplicate
// message ("site name").
func (c *checker) uniqueName(table string, i int, name, what, why string, seen map[string]int) {
	at := func(i int) path { return key(strings.Split(table, ".")...).at(i).key("name") }
	switch {
	case name == "":
		c.failf(at(i), "required%s", why)
		return
	case !siteName.MatchString(name) || len(name) > 64:
		c.failf(at(i), "must be 1 to 64 of a-z, 0-9, _ and - (got %q)", name)
	}
	if j, dup := seen[name]; dup {
		c.failf(at(i), "duplicate %s %q (first defined %s)", what, name, c.where(at(j)))
		return
	}
	seen[name] = i
}

// filters checks a channel's reasons and teams.
func (c *checker) filters(p path, reasons, teamNames []string, teams map[string]bool) {
	c.list(p.key("reasons"), reasons, checkReason)
	c.list(p.key("teams"), teamNames, func(string) string { return "" })
	for j, t := range teamNames {
		if strings.TrimSpace(t) != "" {
			c.teamRef(p.key("teams").at(j), t, teams)
		}
	}
}
