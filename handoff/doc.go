// Package handoff is the desk where escalations meet people: every
// conversation the bot hands over (hub state waiting) becomes a durable
// handoff record, routed to the team that fits its reason, ordered by
// priority and waiting time, with an SLA deadline and an escalation chain
// that pages the next decision maker when nobody acknowledges in time.
//
// Agents claim (exactly one of concurrent claims wins), reply, write internal
// notes the visitor never sees, transfer to a colleague or team with a note
// shown first, hand back to the bot, and resolve with a category, optionally
// teaching the knowledge base. A conversation is always owned by someone or
// in the queue: when an agent's last console closes, their conversations
// return to the queue after a grace period, and a restart reconciles the
// records with the conversations' states.
//
// The desk also tells the hub who would come for an escalation and how long
// it will realistically take (Staffing), from who is online, the team's
// business hours, the queue ahead and the measured recent claim times.
package handoff
