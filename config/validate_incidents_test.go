package config

import (
	"strings"
	"testing"
	"time"
)

func TestValidateIncidents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*Config)
		want   []string
	}{
		{"defaults", func(*Config) {}, nil},
		{"on, no learning", func(c *Config) { c.Incidents.Enabled, c.Incidents.Learn = true, 0 }, nil},
		{"bad values", func(c *Config) {
			c.Incidents = Incidents{Window: Duration(48 * time.Hour), PValue: 0.7, MinQuestions: 1, Similarity: 1, Learn: Duration(-time.Hour), MaxTopics: 0}
		}, []string{
			`incidents.window: must be at most 24h: a burst is counted within minutes (got 48h)`,
			`incidents.p_value: must be a probability above 0 and below 0.5, such as 1e-6 (got 0.7)`,
			`incidents.min_questions: must be between 2 and 100000 (got 1)`,
			`incidents.similarity: must be above 0 and below 1 (got 1)`,
			`incidents.learn: must not be negative (got -1h)`,
			`incidents.max_topics: must be between 1 and 100000 (got 0)`,
		}},
		{"no window", func(c *Config) { c.Incidents.Window = 0 }, []string{`incidents.window: must be longer than 0 (got 0s)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := Defaults()
			tt.change(&cfg)
			got := problems(t, "", cfg.Validate())
			if !equalLines(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
