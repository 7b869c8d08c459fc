// Package storetest is the conformance suite every store.Store and
// knowledge.ArticleStore implementation must pass (SQLite now, PostgreSQL
// later), so that the rest of andon can rely on the contract rather than on
// one database's behaviour.
//
// Beyond the interface's doc comments, the suite fixes these behaviours:
//   - CreateConversation with a used ID fails with store.ErrExists; an empty
//     State becomes store.StateBot; zero times become now.
//   - Every call about an unknown conversation fails with store.ErrNotFound
//     (Messages, Events and Participants included).
//   - Times round-trip to within a millisecond (implementations may keep
//     microseconds); zero At / JoinedAt become now.
//   - JSON fields (Attributes, Sources, Meta, Event.Data) round-trip as
//     equal JSON; Meta or Data that is not JSON is refused.
//   - Adding the same participant (kind, name) twice lists it once.
//   - A write with a context that is already done writes nothing.
package storetest

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// sameTime reports whether a and b are within a millisecond: stores may
// keep microseconds and round rather than truncate.
func sameTime(a, b time.Time) bool {
	d := a.Sub(b)
	return d > -time.Millisecond && d < time.Millisecond
}

// sameJSON reports whether a and b are equal JSON values, whitespace and key
// order aside (a jsonb column normalises both).
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("not JSON: %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("not JSON: %s: %v", b, err)
	}
	ca, _ := json.Marshal(va)
	cb, _ := json.Marshal(vb)
	return bytes.Equal(ca, cb)
}
