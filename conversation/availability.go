package conversation

import (
	"context"
	"time"
)

// Staffing is what a visitor is told about the people behind the bot when
// the cord is pulled: who will come and when, or that nobody is there.
type Staffing struct {
	// AgentsOnline is how many people who would take this escalation are
	// on duty now.
	AgentsOnline int
	// ExpectedWait is a realistic wait until someone answers; meaningful
	// only when AgentsOnline > 0 and Open.
	ExpectedWait time.Duration
	// Team is how the visitor hears of the team that takes it ("the
	// billing team"); "" when the escalation goes to everyone.
	Team string
	// Names are the first names of the people online who may come.
	Names []string
	// Open is whether the team works now (business hours). Outside hours
	// the visitor is asked for an e-mail address even if someone is online.
	Open bool
	// OpensAt is when the team's hours open next, zero when unknown;
	// meaningful only when !Open. Now is the instant Staffing was read at,
	// so that "tomorrow" is counted from the desk's clock.
	OpensAt, Now time.Time
	// Mail is whether a reply can reach the visitor by e-mail (an SMTP
	// server is configured). Without it nobody is promised an e-mail: the
	// reply waits in the chat.
	Mail bool
}

// staffed reports whether someone will come now.
func (s Staffing) staffed() bool { return s.Open && s.AgentsOnline > 0 }

// Availability tells the hub who would take an escalation with reason on
// site, so that an escalated visitor hears honestly who comes and when, or
// is asked for an e-mail address when nobody is there. The handoff desk
// implements it. Staffing is called while the conversation is locked: it
// must be quick and must not call back into the hub.
type Availability interface {
	Staffing(ctx context.Context, site, reason string) Staffing
}

// Positions is an Availability that also knows where a waiting conversation
// stands in the queue, so that a waiting visitor hears their position. The
// handoff desk implements it; like Staffing it must be quick and must not
// call back into the hub.
type Positions interface {
	// QueuePosition is 1 for the next conversation to be taken, 0 when
	// convID is not waiting in the queue.
	QueuePosition(ctx context.Context, convID string) int
}

// NobodyOnDuty is the Availability of an installation without agents
// connected and without mail: every escalation is told the reply will
// wait in the chat.
type NobodyOnDuty struct{}

// Staffing reports nobody online (at any hour: it knows no business hours).
func (NobodyOnDuty) Staffing(context.Context, string, string) Staffing { return Staffing{Open: true} }

// etaSeconds turns staffing into the state frame's eta_seconds: nil when
// nobody is on duty, at least one second otherwise.
func etaSeconds(s Staffing) *int {
	if !s.staffed() {
		return nil
	}
	secs := int((s.ExpectedWait + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return &secs
}
