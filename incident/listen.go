package incident

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
)

// DefaultInboxSize is how many visitor questions may wait for the detector
// before further ones are dropped (and counted in Dropped).
const DefaultInboxSize = 4096

// Hub is the part of the conversation hub the listener needs.
type Hub interface {
	SubscribeAll(s conversation.Subscriber) (cancel func())
}

// ListenOptions are how a Listener is fed and what it calls.
type ListenOptions struct {
	// OnAlert is called, on the listener's goroutine, with every alert.
	OnAlert func(ctx context.Context, a Alert)
	// InboxSize bounds the questions waiting to be embedded; 0 means
	// DefaultInboxSize.
	InboxSize int
	Logger    *slog.Logger
}

// Listener feeds every visitor question the hub commits into a Detector.
// The hub never waits for it: a question that finds the inbox full is
// dropped, so a flood costs a bounded amount of memory and at worst makes
// a burst look smaller than it is.
type Listener struct {
	det     *Detector
	opts    ListenOptions
	inbox   chan store.Message
	dropped atomic.Int64
	unsub   func()
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// Listen subscribes to every conversation of hub and starts the worker;
// Close stops both.
func Listen(hub Hub, det *Detector, opts ListenOptions) *Listener {
	if opts.InboxSize <= 0 {
		opts.InboxSize = DefaultInboxSize
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &Listener{det: det, opts: opts, inbox: make(chan store.Message, opts.InboxSize), cancel: cancel}
	l.wg.Add(1)
	go l.work(ctx)
	l.unsub = hub.SubscribeAll(l)
	return l
}

// Deliver takes a visitor's message to the bot (a question); it never
// refuses, so the hub never evicts the listener.
func (l *Listener) Deliver(u *conversation.Update) bool {
	if u.Kind != conversation.KindMessage || u.Message == nil || u.Message.From != store.FromVisitor {
		return true
	}
	if u.State != "" && u.State != store.StateBot {
		return true // written to a person, not asked of the bot
	}
	select {
	case l.inbox <- *u.Message:
	default:
		if l.dropped.Add(1) == 1 {
			l.opts.Logger.Warn("the incident detector fell behind: questions are dropped until it catches up")
		}
	}
	return true
}

// Evict is not expected: Deliver never refuses.
func (l *Listener) Evict() {
	l.opts.Logger.Error("the incident detector was dropped by the hub; it listens again at the next start")
}

// Dropped is how many questions found the inbox full.
func (l *Listener) Dropped() int64 { return l.dropped.Load() }

func (l *Listener) work(ctx context.Context) {
	defer l.wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-l.inbox:
			a, err := l.det.Observe(ctx, m.Text, m.At)
			if err != nil {
				if !errors.Is(err, context.Canceled) {
					l.opts.Logger.Error("the incident detector couldn't read a question", "conversation", m.ConversationID, "err", err)
				}
				continue
			}
			if a != nil && l.opts.OnAlert != nil {
				l.opts.OnAlert(ctx, *a)
			}
		}
	}
}

// Close unsubscribes and stops the worker; questions still waiting are
// dropped.
func (l *Listener) Close() {
	l.unsub()
	l.cancel()
	l.wg.Wait()
}
