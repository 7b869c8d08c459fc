package conversation

import (
	"context"
	"time"
)

// Staffing is what a visitor is told about the people behind the bot.
type Staffing struct {
	// AgentsOnline is how many people are on duty for the site now.
	AgentsOnline int
	// ExpectedWait is the usual time until someone answers; meaningful only
	// when AgentsOnline > 0.
	ExpectedWait time.Duration
}

// Availability tells the hub whether someone is on duty, so that a visitor
// who is escalated hears honestly when to expect an answer, or is asked for
// an e-mail address when nobody is there. The agent side implements it later.
type Availability interface {
	Staffing(ctx context.Context, site string) Staffing
}

// NobodyOnDuty is the Availability of an installation without agents
// connected: every escalation asks for an e-mail address.
type NobodyOnDuty struct{}

// Staffing reports nobody online.
func (NobodyOnDuty) Staffing(context.Context, string) Staffing { return Staffing{} }

// etaSeconds turns staffing into the state frame's eta_seconds: nil when
// nobody is on duty, at least one second otherwise.
func etaSeconds(s Staffing) *int {
	if s.AgentsOnline <= 0 {
		return nil
	}
	secs := int((s.ExpectedWait + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return &secs
}
