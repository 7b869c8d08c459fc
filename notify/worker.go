package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/andon-chat/andon/store"
)

// pendingBatch is how many pending deliveries the scheduler reads at once;
// more than enough for the workers, whose slots are what limits sending.
const pendingBatch = 100

// idlePoll is the longest the scheduler sleeps without looking at the store,
// so that a delivery whose wake-up was lost (a store that failed a read) is
// still picked up.
const idlePoll = time.Minute

// attemptError is why an attempt failed and what to do about it.
type attemptError struct {
	err        error
	permanent  bool          // retrying cannot help (a 4xx, a refused address)
	retryAfter time.Duration // the receiver asked to wait this long (429, 503)
}

func (e *attemptError) Error() string { return e.err.Error() }
func (e *attemptError) Unwrap() error { return e.err }

// run is the scheduler: it hands due deliveries to the workers and sleeps
// until the next one is due or Notify or a worker wakes it.
func (d *Dispatcher) run(ctx context.Context) {
	work := make(chan store.Delivery)
	for range d.workers {
		d.done.Add(1)
		go func() {
			defer d.done.Done()
			for del := range work {
				d.attempt(ctx, del)
				d.mu.Lock()
				delete(d.inFlight, del.ID)
				d.finishes++
				d.finished[del.ID] = d.finishes
				d.mu.Unlock()
				d.poke()
			}
		}()
	}
	defer close(work)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		next := d.dispatchDue(ctx, work)
		if ctx.Err() != nil {
			return
		}
		wait := idlePoll
		if !next.IsZero() {
			wait = min(max(next.Sub(d.now()), 0), idlePoll)
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-timer.C:
		}
	}
}

// dispatchDue hands every due delivery that no worker holds to the workers
// and returns when the earliest of the others is due (zero when none is).
func (d *Dispatcher) dispatchDue(ctx context.Context, work chan<- store.Delivery) time.Time {
	// A row read now may predate an attempt that ends while it is read;
	// such a delivery is skipped this round (the worker's poke brings
	// another) instead of being sent again from its stale copy.
	d.mu.Lock()
	snap := d.finishes
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		for id, n := range d.finished {
			if n <= snap {
				delete(d.finished, id)
			}
		}
		d.mu.Unlock()
	}()
	pending, err := d.store.PendingDeliveries(ctx, pendingBatch)
	if err != nil {
		if ctx.Err() == nil {
			d.log.Error("couldn't read pending deliveries", "err", err)
		}
		pending = nil
	}
	d.mu.Lock()
	pending = append(pending, d.unstored...)
	d.mu.Unlock()
	var next time.Time
	now := d.now()
	for _, del := range pending {
		d.mu.Lock()
		busy := d.inFlight[del.ID] || d.finished[del.ID] > snap
		d.mu.Unlock()
		if busy {
			continue
		}
		if del.NextAttemptAt.After(now) {
			if next.IsZero() || del.NextAttemptAt.Before(next) {
				next = del.NextAttemptAt
			}
			continue
		}
		d.mu.Lock()
		d.inFlight[del.ID] = true
		d.mu.Unlock()
		select {
		case work <- del:
		case <-ctx.Done():
			return next
		}
	}
	return next
}

// attempt sends del once and records the outcome: delivered, failed for
// good, or pending with the time of the next attempt.
func (d *Dispatcher) attempt(ctx context.Context, del store.Delivery) {
	status, err := d.send(ctx, del)
	if err != nil && ctx.Err() != nil {
		// Cut short by Close: not the receiver's fault, not an attempt.
		// It stays pending for the next Start.
		return
	}
	now := d.now()
	del.Attempts++
	del.UpdatedAt = now
	del.LastStatus = status
	var ae *attemptError
	switch {
	case err == nil:
		del.Status, del.LastError, del.DeliveredAt, del.NextAttemptAt = store.DeliveryDelivered, "", now, time.Time{}
	case errors.As(err, &ae) && ae.permanent, del.Attempts >= d.maxAttempts:
		del.Status, del.LastError, del.NextAttemptAt = store.DeliveryFailed, err.Error(), time.Time{}
	default:
		del.LastError = err.Error()
		wait := d.backoff(del.Attempts)
		if errors.As(err, &ae) {
			// The receiver knows best when it can take it, within reason.
			wait = max(wait, min(ae.retryAfter, d.maxRetry))
		}
		del.NextAttemptAt = now.Add(wait)
	}
	if err != nil {
		outcome := "retrying"
		if del.Status == store.DeliveryFailed {
			outcome = "gave up"
		}
		d.log.Warn("notification not delivered", "delivery", del.ID, "channel", del.Channel, "attempt", del.Attempts, "outcome", outcome, "err", err)
	}
	d.record(ctx, del)
}

// record stores the outcome of an attempt. It is written even while Close
// cuts the attempts short: a delivery that went out must not be sent again
// for want of a row update.
func (d *Dispatcher) record(ctx context.Context, del store.Delivery) {
	d.mu.Lock()
	i := slices.IndexFunc(d.unstored, func(u store.Delivery) bool { return u.ID == del.ID })
	if i >= 0 {
		if del.Status == store.DeliveryPending {
			d.unstored[i] = del
		} else {
			d.unstored = slices.Delete(d.unstored, i, i+1)
		}
		d.mu.Unlock()
		return
	}
	d.mu.Unlock()
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := d.store.UpdateDelivery(wctx, del); err != nil {
		d.log.Error("couldn't record a delivery attempt", "delivery", del.ID, "status", del.Status, "err", err)
	}
}

// send makes one attempt through del's channel and returns the receiver's
// status code (HTTP or SMTP; 0 when it never answered).
func (d *Dispatcher) send(ctx context.Context, del store.Delivery) (int, error) {
	c, ok := d.channel(del.Channel)
	if !ok {
		return 0, &attemptError{err: fmt.Errorf("channel %q is no longer configured", del.Channel), permanent: true}
	}
	var e Event
	if err := json.Unmarshal(del.Payload, &e); err != nil {
		return 0, &attemptError{err: fmt.Errorf("couldn't decode the stored event: %w", err), permanent: true}
	}
	switch c.kind {
	case kindWebhook:
		return d.sendWebhook(ctx, c, del, e)
	case kindEmail:
		return d.sendNotifyMail(ctx, c, del, e)
	case kindPage:
		return d.sendPageMail(ctx, del, e)
	}
	return 0, &attemptError{err: fmt.Errorf("unknown channel kind %q", c.kind), permanent: true}
}
