package handoff

import (
	"strings"
	"time"
)

// teamFor routes an escalation reason: the team of the sensitive topic that
// fired ([[bot.sensitive]] team), else the first [[team]] whose reasons
// match, else handoff.default_team ("" means every agent).
func (d *Desk) teamFor(reason string) string {
	if topic, ok := strings.CutPrefix(reason, "sensitive:"); ok {
		if t := d.cfg.TopicTeams[topic]; t != "" {
			return t
		}
	}
	for _, t := range d.cfg.Teams {
		for _, pat := range t.Reasons {
			if matchReason(pat, reason) {
				return t.Name
			}
		}
	}
	return d.cfg.DefaultTeam
}

// matchReason matches an exact reason or a prefix ending in "*".
func matchReason(pattern, reason string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(reason, prefix)
	}
	return pattern == reason
}

// team returns the configured team of that name.
func (d *Desk) team(name string) (Team, bool) {
	for _, t := range d.cfg.Teams {
		if t.Name == name {
			return t, true
		}
	}
	return Team{}, false
}

// priorityOf ranks a reason: 0 for what cannot wait (a sensitive topic,
// personal data in the chat, a frustrated visitor), 1 when the visitor
// asked for a person or said an answer did not help, 2 for the rest.
func priorityOf(reason string) int {
	family, _, _ := strings.Cut(reason, ":")
	switch {
	case family == "sensitive", family == "frustration", family == "personal_data":
		return 0
	case reason == "asked_for_human", reason == "negative_feedback":
		return 1
	}
	return 2
}

// slaFor is the acknowledgement deadline for a reason from handoff.sla: the
// exact reason, else the longest matching prefix*, else "default", else 5
// minutes.
func (d *Desk) slaFor(reason string) time.Duration {
	sla := d.cfg.SLA
	if v, ok := sla[reason]; ok && v > 0 {
		return v
	}
	best, bestLen := time.Duration(0), -1
	for k, v := range sla {
		if prefix, ok := strings.CutSuffix(k, "*"); ok && strings.HasPrefix(reason, prefix) && len(prefix) > bestLen && v > 0 {
			best, bestLen = v, len(prefix)
		}
	}
	if bestLen >= 0 {
		return best
	}
	if v, ok := sla["default"]; ok && v > 0 {
		return v
	}
	return 5 * time.Minute
}

// inTeam reports whether an agent takes a team's escalations: every agent
// takes those routed to nobody in particular.
func inTeam(a Agent, team string) bool {
	if team == "" {
		return true
	}
	for _, t := range a.Teams {
		if t == team {
			return true
		}
	}
	return false
}
