package widget

import (
	"log/slog"
	"time"

	"github.com/gorilla/websocket"

	"github.com/andon-chat/andon/conversation"
)

// The write side of a connection. There is never more than one writer of
// data frames: the handshake first, then a drain goroutine that is started
// when frames are queued and ends when the queue is empty. An idle
// connection so has no writer goroutine at all (a writer blocked in select
// costs a stack, a ticker and its channel for every idle visitor); pings
// come from a timer and use WriteControl, which gorilla/websocket allows
// concurrently with a data writer.

// kick makes sure a drain runs for the queued frames.
func (c *conn) kick() {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.writing || c.ended {
		return
	}
	c.writing = true
	c.writers.Add(1)
	go c.drain()
}

// releaseWriter ends the handshake's ownership of the write side and
// writes what was queued meanwhile.
func (c *conn) releaseWriter() {
	c.wmu.Lock()
	c.writing = false
	c.wmu.Unlock()
	if len(c.send) > 0 {
		c.kick()
	}
}

// drain writes queued frames until the queue is empty. It gives up the
// write side under wmu after seeing the queue empty under wmu, so a frame
// queued meanwhile is either seen here or starts a new drain in kick.
func (c *conn) drain() {
	defer c.writers.Done()
	for {
		select {
		case o := <-c.send:
			if err := c.write(o); err != nil {
				c.logger(slog.LevelDebug, "write failed", "err", err)
				c.close()
				return // writing stays true: nothing more is written
			}
			continue
		case <-c.done:
			return
		default:
		}
		c.wmu.Lock()
		if len(c.send) == 0 {
			c.writing = false
			c.wmu.Unlock()
			return
		}
		c.wmu.Unlock()
	}
}

// stopWriters forbids new drains and waits for the running one.
func (c *conn) stopWriters() {
	c.wmu.Lock()
	c.ended = true
	c.wmu.Unlock()
	c.writers.Wait()
	c.wmu.Lock()
	if c.pinger != nil {
		c.pinger.Stop()
	}
	c.wmu.Unlock()
}

// write sends one queued frame with the write deadline.
func (c *conn) write(o *outFrame) error {
	if o.reply {
		defer func() { <-c.replies }()
	}
	v := o.frame
	if u := o.update; u != nil {
		if u.Kind == conversation.KindMessage {
			if u.Message.Seq <= c.lastSeq {
				return nil // already replayed
			}
			c.lastSeq = u.Message.Seq
		}
		v = updateFrame(u)
		if v == nil {
			return nil
		}
	}
	_ = c.ws.SetWriteDeadline(deadline(c.h.limits.WriteTimeout))
	return c.ws.WriteJSON(v)
}

// startPings pings every PingInterval; the pong extends the read deadline,
// and a failed ping closes the connection.
func (c *conn) startPings() {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.pinger = time.AfterFunc(c.h.limits.PingInterval, c.ping)
}

func (c *conn) ping() {
	err := c.ws.WriteControl(websocket.PingMessage, nil, deadline(c.h.limits.WriteTimeout))
	if err != nil {
		c.logger(slog.LevelDebug, "ping failed", "err", err)
		c.close()
		return
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if !c.ended {
		c.pinger.Reset(c.h.limits.PingInterval)
	}
}
