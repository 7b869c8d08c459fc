package app

import (
	"github.com/andon-chat/andon/app/settings"
	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/console"
)

// ConsoleSettings are the console's part of cfg: canned replies, site titles, the
// teams (as the desk has them) and the resolution categories.
func ConsoleSettings(cfg config.Config) (console.Settings, error) {
	desk, err := settings.Handoff(cfg)
	if err != nil {
		return console.Settings{}, err
	}
	s := console.Settings{Teams: desk.Teams, Categories: cfg.Handoff.Categories, SiteTitles: map[string]string{}}
	for _, c := range cfg.Canned {
		s.Canned = append(s.Canned, console.Canned{Name: c.Name, Lang: c.Lang, Text: c.Text})
	}
	for _, site := range cfg.Sites {
		if _, seen := s.SiteTitles[site.Name]; seen {
			continue // the first site of a name counts, as config.Site finds it
		}
		s.SiteTitles[site.Name] = site.Title
		if site.Name == config.DefaultSite {
			s.SiteTitles[""] = site.Title
		}
	}
	return s, nil
}
