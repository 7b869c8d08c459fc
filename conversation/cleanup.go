package conversation

import (
	"context"
	"fmt"
	"time"
)

// cleanupBatch is how many conversations one delete removes, so that a
// large backlog does not hold the store's writer for long.
const cleanupBatch = 500

// ExpireEmpty deletes the conversations that never had a message, contact
// address or handoff and were created more than Options.EmptyConversationTTL
// before now. Since a hello writes nothing, such rows come from older
// versions or a first message that failed after its conversation was
// stored. It returns how many it deleted.
func (h *Hub) ExpireEmpty(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for {
		n, err := h.store.DeleteEmptyConversations(ctx, now.Add(-h.emptyTTL), cleanupBatch)
		total += n
		if err != nil {
			return total, fmt.Errorf("couldn't expire empty conversations: %w", err)
		}
		if n < cleanupBatch {
			return total, nil
		}
	}
}

// runCleanup calls ExpireEmpty every interval until the hub closes.
func (h *Hub) runCleanup(interval time.Duration) {
	defer h.wg.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-h.ctx.Done():
			return
		case now := <-t.C:
			n, err := h.ExpireEmpty(h.ctx, now)
			if err != nil {
				h.log.Warn("cleanup failed", "err", err)
			} else if n > 0 {
				h.log.Info("expired conversations without messages", "deleted", n)
			}
		}
	}
}
