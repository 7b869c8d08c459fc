package settings

import (
	"testing"
	"time"

	"github.com/andon-chat/andon/config"
)

// The desk's settings say what the configuration says: the topic's team,
// the SLA, and which sites prove identity, the default site also under "".
func TestHandoffMapsTheConfig(t *testing.T) {
	cfg := config.Defaults()
	cfg.Teams = []config.Team{{Name: "billing", Title: "the billing team", Hours: map[string]string{"mon": "09:00-17:00"}}}
	cfg.Bot.Sensitive = []config.SensitiveTopic{{Name: "billing", Patterns: []string{"refund"}, Team: "billing"}}
	cfg.Handoff.SLA = map[string]config.Duration{"default": config.Duration(3 * time.Minute)}
	cfg.Sites[0].IdentitySecret = "0123456789abcdef0123456789abcdef"
	s, err := Handoff(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s.TopicTeams["billing"] != "billing" || s.SLA["default"] != 3*time.Minute || len(s.Teams) != 1 || s.Teams[0].Title != "the billing team" {
		t.Fatalf("settings %+v", s)
	}
	if !s.VerifiedSites[cfg.Sites[0].Name] || !s.VerifiedSites[""] {
		t.Fatalf("verified sites %v", s.VerifiedSites)
	}
	sunday := time.Date(2026, 5, 3, 12, 0, 0, 0, time.UTC)
	if s.Teams[0].Hours.Open(sunday) {
		t.Fatal("the team's hours are open on a Sunday")
	}
}

// The dispatcher's settings name the teams with a chain (for the warning
// that pages cannot be mailed without SMTP) and carry the mail server.
func TestNotifyMapsTheConfig(t *testing.T) {
	cfg := config.Defaults()
	cfg.Teams = []config.Team{{Name: "billing", Chain: []string{"lead@example.com"}}, {Name: "tech"}}
	cfg.SMTP = config.SMTP{Host: "mail.example.com", From: "andon@example.com", Timeout: config.Duration(7 * time.Second)}
	cfg.Notify.Webhooks = []config.Webhook{{Name: "ops", URL: "https://hooks.example.com", Secret: "k"}}
	s := Notify(cfg)
	if len(s.ChainTeams) != 1 || s.ChainTeams[0] != "billing" {
		t.Fatalf("chain teams %v, want [billing]", s.ChainTeams)
	}
	if s.SMTP.Host != "mail.example.com" || s.SMTP.Timeout != 7*time.Second || len(s.Webhooks) != 1 || s.Webhooks[0].Secret != "k" {
		t.Fatalf("settings %+v", s)
	}
}
