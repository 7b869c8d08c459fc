package handoff

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/andon-chat/andon/store"
)

// Queue returns what agent a works from: every conversation waiting in the
// queue (those routed to a's teams, or to nobody in particular, first) and
// a's own conversations, each group by priority and then waiting time
// (longest first). Every agent sees every waiting conversation, so nothing
// waits because its team is away.
func (d *Desk) Queue(ctx context.Context, a Agent) ([]Item, error) {
	type row struct {
		it    Item
		group int // 0 mine, 1 my teams, 2 other teams
	}
	d.mu.Lock()
	rows := make([]row, 0, len(d.entries))
	for _, e := range d.entries {
		var g int
		switch {
		case e.h.AssigneeID == a.ID:
			g = 0
		case e.h.AssigneeID != "":
			continue
		case inTeam(a, e.h.Team):
			g = 1
		default:
			g = 2
		}
		rows = append(rows, row{*d.itemLocked(e), g})
	}
	d.mu.Unlock()
	slices.SortFunc(rows, func(x, y row) int {
		return cmp.Or(
			cmp.Compare(x.group, y.group),
			cmp.Compare(x.it.Priority, y.it.Priority),
			x.it.EscalatedAt.Compare(y.it.EscalatedAt),
			cmp.Compare(x.it.ConversationID, y.it.ConversationID),
		)
	})
	out := make([]Item, len(rows))
	for i, r := range rows {
		out[i] = r.it
	}
	return out, nil
}

// All returns every open handoff (queued and owned), by priority and
// waiting time: the supervisor's view.
func (d *Desk) All() []Item {
	d.mu.Lock()
	out := make([]Item, 0, len(d.entries))
	for _, e := range d.entries {
		out = append(out, *d.itemLocked(e))
	}
	d.mu.Unlock()
	slices.SortFunc(out, func(x, y Item) int {
		return cmp.Or(cmp.Compare(x.Priority, y.Priority), x.EscalatedAt.Compare(y.EscalatedAt), cmp.Compare(x.ConversationID, y.ConversationID))
	})
	return out
}

// Conversations lists conversations in a state (closed by default) for
// the history, most recently updated first, each with its latest handoff:
// who had it, the category and summary it was resolved with.
func (d *Desk) Conversations(ctx context.Context, f Filter) ([]Item, error) {
	state := f.State
	if state == "" {
		state = store.StateClosed
	}
	switch state {
	case store.StateBot, store.StateWaiting, store.StateHuman, store.StateClosed:
	default:
		return nil, fmt.Errorf("state %q: %w", state, ErrBadRequest)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	convs, err := d.st.ConversationsByState(ctx, state, min(limit, 500))
	if err != nil {
		return nil, err
	}
	out := make([]Item, 0, len(convs))
	for _, c := range convs {
		hs, err := d.st.ConversationHandoffs(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		var h store.Handoff
		if len(hs) > 0 {
			h = hs[len(hs)-1]
		} else {
			h.Reason = c.Reason
		}
		question, preview := d.visitorTexts(ctx, c)
		it := d.makeItem(h, c, preview, 0)
		it.Question = question
		out = append(out, *it)
	}
	return out, nil
}
