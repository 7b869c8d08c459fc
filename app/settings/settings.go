// Package settings maps the TOML schema (config) onto the narrow options
// of the domain packages, which never import config themselves. It is
// app's, split out so that the domain packages' tests build their options
// from a config the same way the server does.
package settings

import (
	"fmt"
	"time"

	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/hours"
	"github.com/andon-chat/andon/incident"
	"github.com/andon-chat/andon/notify"
)

// Handoff is the desk's part of cfg: teams with their compiled hours,
// routing, deadlines and which sites prove their customers.
func Handoff(cfg config.Config) (handoff.Settings, error) {
	s := handoff.Settings{
		TopicTeams:    map[string]string{},
		DefaultTeam:   cfg.Handoff.DefaultTeam,
		GracePeriod:   cfg.Handoff.GracePeriod.Duration(),
		SLA:           make(map[string]time.Duration, len(cfg.Handoff.SLA)),
		DefaultWait:   cfg.Handoff.DefaultWait.Duration(),
		Categories:    cfg.Handoff.Categories,
		VerifiedSites: map[string]bool{},
	}
	for _, t := range cfg.Teams {
		sched, err := hours.Compile(hours.Spec{Name: t.Name, Timezone: t.Timezone, Hours: t.Hours, Holidays: t.Holidays})
		if err != nil {
			return handoff.Settings{}, fmt.Errorf("team %q: %w", t.Name, err)
		}
		s.Teams = append(s.Teams, handoff.Team{Name: t.Name, Title: t.Title, Reasons: t.Reasons, Chain: t.Chain, Hours: sched})
	}
	for _, t := range cfg.Bot.Sensitive {
		if t.Team != "" {
			if _, taken := s.TopicTeams[t.Name]; !taken { // the first topic of a name routes, as before
				s.TopicTeams[t.Name] = t.Team
			}
		}
	}
	for k, v := range cfg.Handoff.SLA {
		s.SLA[k] = v.Duration()
	}
	for _, site := range cfg.Sites {
		if _, seen := s.VerifiedSites[site.Name]; seen {
			continue // the first site of a name counts, as config.Site finds it
		}
		s.VerifiedSites[site.Name] = site.IdentitySecret != ""
		if site.Name == config.DefaultSite {
			s.VerifiedSites[""] = s.VerifiedSites[site.Name] // a conversation without a site is the default site's
		}
	}
	return s, nil
}

// MustHandoff is Handoff for a configuration known to be valid (one that
// config.Validate accepted, or a test's): an error panics.
func MustHandoff(cfg config.Config) handoff.Settings {
	s, err := Handoff(cfg)
	if err != nil {
		panic(err)
	}
	return s
}

// Notify is the dispatcher's part of cfg: the channels, the mail server,
// the public URL and which teams have an escalation chain.
func Notify(cfg config.Config) notify.Settings {
	s := notify.Settings{
		SMTP: notify.SMTP{Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Username: cfg.SMTP.Username, Password: cfg.SMTP.Password,
			From: cfg.SMTP.From, TLS: cfg.SMTP.TLS, Timeout: cfg.SMTP.Timeout.Duration()},
		PublicURL: cfg.Server.PublicURL,
	}
	for _, w := range cfg.Notify.Webhooks {
		s.Webhooks = append(s.Webhooks, notify.Webhook{Name: w.Name, URL: w.URL, Format: w.Format, Secret: w.Secret, Reasons: w.Reasons, Teams: w.Teams})
	}
	for _, e := range cfg.Notify.Emails {
		s.Emails = append(s.Emails, notify.EmailChannel{Name: e.Name, To: e.To, Reasons: e.Reasons, Teams: e.Teams})
	}
	for _, t := range cfg.Teams {
		if len(t.Chain) > 0 {
			s.ChainTeams = append(s.ChainTeams, t.Name)
		}
	}
	return s
}

// Incidents is the incident detector's part of cfg. A learn of 0 means no
// learning period (the detector's own zero means its default).
func Incidents(cfg config.Config) incident.Options {
	in := cfg.Incidents
	learn := in.Learn.Duration()
	if learn == 0 {
		learn = -1
	}
	return incident.Options{
		Window:       in.Window.Duration(),
		PValue:       in.PValue,
		MinQuestions: in.MinQuestions,
		Similarity:   in.Similarity,
		Learn:        learn,
		MaxClusters:  in.MaxTopics,
	}
}
