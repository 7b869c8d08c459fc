package apierr_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/andon-chat/andon/internal/apierr"
)

// The renderings are published (docs/api.md, docs/protocol.md): these are
// the exact bytes clients parse.
func TestWriteJSON(t *testing.T) {
	now := time.Date(2026, 11, 26, 22, 40, 0, 0, time.UTC)
	cases := []struct {
		e           *apierr.Error
		body, retry string
	}{
		{apierr.New(http.StatusConflict, apierr.CodeClaimed, "Anna has already claimed %s", "it"),
			`{"error":{"code":"claimed","message":"Anna has already claimed it"}}` + "\n", ""},
		{&apierr.Error{Status: http.StatusLocked, Code: apierr.CodeLocked, Message: "wait", Until: now.Add(4500 * time.Millisecond)},
			`{"error":{"code":"locked","message":"wait","until":"2026-11-26T22:40:04Z"}}` + "\n", "5"},
		{&apierr.Error{Status: http.StatusTooManyRequests, Code: apierr.CodeRateLimited, Message: "later", Until: now},
			`{"error":{"code":"rate_limited","message":"later","until":"2026-11-26T22:40:00Z"}}` + "\n", "1"},
		{&apierr.Error{Status: http.StatusBadRequest, Code: apierr.CodeWeakPassword, Message: "weak", Messages: map[string]string{"en": "weak", "sv": "svagt"}},
			`{"error":{"code":"weak_password","message":"weak","messages":{"en":"weak","sv":"svagt"}}}` + "\n", ""},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		apierr.WriteJSON(rec, c.e, now)
		if rec.Code != c.e.Status || rec.Body.String() != c.body || rec.Header().Get("Retry-After") != c.retry {
			t.Errorf("%s: %d %q Retry-After %q, want %d %q %q", c.e.Code, rec.Code, rec.Body, rec.Header().Get("Retry-After"), c.e.Status, c.body, c.retry)
		}
		if got := rec.Header().Get("Content-Type"); got != "application/json; charset=utf-8" {
			t.Errorf("Content-Type %q", got)
		}
		if got := rec.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control %q", got)
		}
	}
}

func TestFrame(t *testing.T) {
	for _, c := range []struct {
		e    *apierr.Error
		want string
	}{
		{&apierr.Error{Code: apierr.CodeTooLarge, Field: "text", ClientID: "c1", Message: "too long"},
			`{"type":"error","code":"too_large","message":"too long","field":"text","client_id":"c1"}`},
		{apierr.New(http.StatusNotFound, apierr.CodeNotFound, "gone"),
			`{"type":"error","code":"not_found","message":"gone"}`},
	} {
		raw, _ := json.Marshal(apierr.Frame(c.e))
		if string(raw) != c.want {
			t.Errorf("got %s, want %s", raw, c.want)
		}
	}
}
