package conversation

import "context"

// Bus carries updates to the hubs of other instances that share the store
// (PostgreSQL LISTEN/NOTIFY later), so that a visitor connected to one
// instance and an agent connected to another talk live. The hub delivers
// every update to its own subscribers itself and then publishes it; the
// receiving side of a Bus hands updates from other instances to Hub.Deliver
// and must drop the ones this instance published.
//
// Publish is called in commit order while the conversation is locked, so it
// must not block: queue internally and report failures through its own logs.
type Bus interface {
	Publish(ctx context.Context, u *Update) error
}
