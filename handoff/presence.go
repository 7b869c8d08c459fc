package handoff

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// presence is one agent's availability. An agent is there while a console
// of theirs is connected and their status is not offline; when that ends,
// graceUntil is set and their conversations return to the queue once it
// passes.
type presence struct {
	agent      Agent
	status     string
	conns      int
	since      time.Time
	graceUntil time.Time // zero: no return pending
}

// available reports whether the agent can answer now.
func (p *presence) available() bool { return p.conns > 0 && p.status != StatusOffline }

// presenceLocked returns the agent's record, creating an offline one.
func (d *Desk) presenceLocked(a Agent) *presence {
	p := d.agents[a.ID]
	if p == nil {
		p = &presence{agent: a, status: StatusOffline, since: d.now().UTC()}
		d.agents[a.ID] = p
	}
	if a.Name != "" || a.Email != "" {
		p.agent = a // the latest name and teams
	}
	return p
}

// Connect records that a console of agent a is connected: the agent is
// online (unless they chose away) and any pending return of their
// conversations to the queue is called off. Call disconnect when the
// console goes away; when the last one has gone, the grace period starts.
func (d *Desk) Connect(a Agent) (disconnect func()) {
	d.mu.Lock()
	p := d.presenceLocked(a)
	p.conns++
	if p.status == StatusOffline {
		p.status, p.since = StatusOnline, d.now().UTC()
	}
	p.graceUntil = time.Time{}
	d.mu.Unlock()
	d.publishPresence()
	var once sync.Once
	return func() {
		once.Do(func() {
			d.mu.Lock()
			p.conns--
			if p.conns == 0 {
				p.status, p.since = StatusOffline, d.now().UTC()
				p.graceUntil = d.now().Add(d.grace())
			}
			d.mu.Unlock()
			d.publishPresence()
		})
	}
}

// UpdateAgent takes the latest name and teams of an agent someone changed,
// so that routing and what visitors are told ("Anna from the billing
// team") follow at once; an agent the desk has not seen is left alone.
func (d *Desk) UpdateAgent(a Agent) {
	d.mu.Lock()
	p := d.agents[a.ID]
	if p != nil {
		p.agent = a
	}
	d.mu.Unlock()
	if p != nil {
		d.publishPresence()
	}
}

// SetPresence sets agent a's status: online, away (owns their
// conversations but takes no new ones: not counted for visitors' waits) or
// offline (as if every console closed: after the grace period their
// conversations return to the queue).
func (d *Desk) SetPresence(ctx context.Context, a Agent, status string) error {
	switch status {
	case StatusOnline, StatusAway, StatusOffline:
	default:
		return fmt.Errorf("presence %q: %w", status, ErrBadRequest)
	}
	d.mu.Lock()
	p := d.presenceLocked(a)
	if p.status != status {
		p.status, p.since = status, d.now().UTC()
	}
	if p.available() {
		p.graceUntil = time.Time{}
	} else if p.graceUntil.IsZero() {
		p.graceUntil = d.now().Add(d.grace())
	}
	d.mu.Unlock()
	d.publishPresence()
	return nil
}

// graceIfAbsent starts agent a's grace period when a is not there (no
// console open, or offline) and none is running: what a owns returns to the
// queue unless a comes within it. A claim over the API without a console,
// or a transfer to someone who is away or whose grace already ran out, so
// never leaves a conversation with nobody.
func (d *Desk) graceIfAbsent(a Agent) {
	d.mu.Lock()
	p := d.presenceLocked(a)
	if !p.available() && p.graceUntil.IsZero() {
		p.graceUntil = d.now().Add(d.grace())
	}
	d.mu.Unlock()
}

// availableNow reports whether agent id has a console open and is not
// offline.
func (d *Desk) availableNow(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := d.agents[id]
	return p != nil && p.available()
}

func (d *Desk) grace() time.Duration {
	if g := d.cfg.GracePeriod; g > 0 {
		return g
	}
	return 2 * time.Minute
}

// Presence returns every agent the desk has seen, by name.
func (d *Desk) Presence() []AgentPresence {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.presenceListLocked()
}

func (d *Desk) presenceListLocked() []AgentPresence {
	owned := map[string]int{}
	for _, e := range d.entries {
		if e.h.AssigneeID != "" {
			owned[e.h.AssigneeID]++
		}
	}
	out := make([]AgentPresence, 0, len(d.agents))
	for _, p := range d.agents {
		out = append(out, AgentPresence{Agent: p.agent, Status: p.status, Connections: p.conns, Since: p.since, Open: owned[p.agent.ID]})
	}
	slices.SortFunc(out, func(a, b AgentPresence) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

func (d *Desk) publishPresence() {
	d.publish(Event{Type: EventPresence, Presence: d.Presence()})
}

// firstName is how a visitor hears of an agent: "Anna" for "Anna Berg".
func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return name
}
