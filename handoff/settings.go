package handoff

import (
	"time"

	"github.com/andon-chat/andon/hours"
)

// Settings are the desk's part of the configuration, in the desk's terms;
// app maps them from the TOML schema.
type Settings struct {
	// Teams are the teams escalations are routed to.
	Teams []Team
	// TopicTeams routes a sensitive topic (the NAME of reason
	// "sensitive:NAME") to a team.
	TopicTeams map[string]string
	// DefaultTeam takes escalations no team claims; "" means every agent.
	DefaultTeam string
	// GracePeriod is how long an absent agent keeps their conversations
	// (default 2 minutes).
	GracePeriod time.Duration
	// SLA is the acknowledgement deadline by reason, reason prefix
	// ending in "*", or "default" (else 5 minutes).
	SLA map[string]time.Duration
	// DefaultWait is the wait told before any claim was measured.
	DefaultWait time.Duration
	// Categories are what a resolution may be tagged with.
	Categories []string
	// VerifiedSites are the sites that prove their customers' identity
	// (they have an identity secret): only a verified user_id finds a
	// visitor's other conversations there.
	VerifiedSites map[string]bool
}

// Team is a team as the desk routes to it and tells visitors of it.
type Team struct {
	Name string
	// Title is how visitors hear of the team.
	Title string
	// Reasons are the reasons routed to it: exact, or a prefix ending in
	// "*".
	Reasons []string
	// Chain is who is paged, in turn, when nobody acknowledges in time.
	Chain []string
	// Hours are its business hours; the zero Schedule is always open.
	Hours hours.Schedule
}
