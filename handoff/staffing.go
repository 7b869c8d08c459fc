package handoff

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/andon-chat/andon/conversation"
)

var _ conversation.Availability = (*Desk)(nil)

// QueuePosition is where conversation convID stands among the unclaimed
// conversations of its team (of everyone's, when it goes to nobody in
// particular), in the queue's order: 1 is next. 0 when it is not waiting
// in the queue (claimed, or no handoff).
func (d *Desk) QueuePosition(_ context.Context, convID string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	me := d.entries[convID]
	if me == nil || me.h.AssigneeID != "" {
		return 0
	}
	pos := 1
	for id, e := range d.entries {
		if id == convID || e.h.AssigneeID != "" || (me.h.Team != "" && e.h.Team != me.h.Team) {
			continue
		}
		if cmp.Or(cmp.Compare(e.h.Priority, me.h.Priority), e.h.CreatedAt.Compare(me.h.CreatedAt), cmp.Compare(id, convID)) < 0 {
			pos++
		}
	}
	return pos
}

// mailsVisitors reports whether a reply can reach a visitor who left by
// e-mail.
func (d *Desk) mailsVisitors() bool { return d.mailer != nil && d.mailer.MailsVisitors() }

// MailsVisitors reports whether replies can be mailed to visitors at all
// (a mail server is configured), for the console to say so.
func (d *Desk) MailsVisitors() bool { return d.mailsVisitors() }

// recordClaim adds a measured time from escalation to first claim.
func (d *Desk) recordClaim(took time.Duration) {
	if took < 0 {
		took = 0
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.claims = append(d.claims, took)
	if len(d.claims) > maxClaims {
		d.claims = slices.Clone(d.claims[len(d.claims)-maxClaims:])
	}
}

// typicalClaimLocked is the median of the recent times to claim, or
// handoff.default_wait before any was measured.
func (d *Desk) typicalClaimLocked() time.Duration {
	if len(d.claims) == 0 {
		if w := d.cfg.DefaultWait; w > 0 {
			return w
		}
		return 2 * time.Minute
	}
	s := slices.Clone(d.claims)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Staffing says who would take an escalation with reason on site and how
// long it will realistically take: the team it is routed to, the names of
// its members online (of every agent online when none of the team is),
// whether the team is within its business hours, and a wait from the
// median recent time to claim, scaled by the queue ahead of it per agent
// online. It is what the hub tells the visitor; it reads memory only.
func (d *Desk) Staffing(ctx context.Context, site, reason string) conversation.Staffing {
	teamName := d.teamFor(reason)
	tm, configured := d.team(teamName)
	open := true
	if configured {
		open = tm.Hours.Open(d.now())
	}

	prio := priorityOf(reason)

	d.mu.Lock()
	defer d.mu.Unlock()
	var names, all []string
	for _, p := range d.agents {
		if !p.available() || p.status != StatusOnline {
			continue
		}
		all = append(all, firstName(p.agent.Name))
		if teamName != "" && inTeam(p.agent, teamName) {
			names = append(names, firstName(p.agent.Name))
		}
	}
	now := d.now()
	s := conversation.Staffing{Open: open, Now: now, Mail: d.mailsVisitors()}
	if configured && !open {
		if at, ok := tm.Hours.NextOpen(now); ok {
			s.OpensAt = at
		}
	}
	anyone := teamName == "" || len(names) == 0
	if anyone {
		names = all // anyone online sees the queue
	} else {
		s.Team = tm.Title
	}
	slices.Sort(names)
	s.Names, s.AgentsOnline = names, len(names)
	if !open {
		s.Team = tm.Title // the team is what is closed
	}
	if s.AgentsOnline == 0 {
		return s
	}
	ahead := 0
	for _, e := range d.entries {
		if e.h.AssigneeID == "" && e.h.Priority <= prio && (anyone || e.h.Team == teamName) {
			ahead++
		}
	}
	typical := d.typicalClaimLocked()
	s.ExpectedWait = typical + typical*time.Duration(ahead)/time.Duration(s.AgentsOnline)
	return s
}
