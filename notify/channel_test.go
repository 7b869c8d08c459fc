package notify

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/andon-chat/andon/store"
)

func TestFilters(t *testing.T) {
	t.Parallel()
	cfg := testConfig([]Webhook{
		{Name: "all", URL: "https://hooks.example.com/all", Secret: "k"},
		{Name: "security", URL: "https://hooks.example.com/cto", Secret: "k", Reasons: []string{"sensitive:security"}},
		{Name: "sensitive", URL: "https://hooks.example.com/s", Format: FormatSlack, Reasons: []string{"sensitive:*"}},
		{Name: "billing-team", URL: "https://hooks.example.com/b", Secret: "k", Teams: []string{"billing"}},
		{Name: "both", URL: "https://hooks.example.com/both", Secret: "k", Reasons: []string{"frustration:*", "asked_for_human"}, Teams: []string{"tech*"}},
	}, []EmailChannel{
		{Name: "cto", To: []string{"cto@example.com"}, Reasons: []string{"sensitive:security"}},
		{Name: "everyone", To: []string{"desk@example.com"}},
	})
	tests := []struct {
		reason, team string
		want         []string
	}{
		{"sensitive:security", "", []string{"webhook:all", "webhook:security", "webhook:sensitive", "email:cto", "email:everyone"}},
		{"sensitive:billing", "billing", []string{"webhook:all", "webhook:sensitive", "webhook:billing-team", "email:everyone"}},
		{"sensitive:security2", "", []string{"webhook:all", "webhook:sensitive", "email:everyone"}}, // exact means exact
		{"low_confidence", "billing", []string{"webhook:all", "webhook:billing-team", "email:everyone"}},
		{"asked_for_human", "technical", []string{"webhook:all", "webhook:both", "email:everyone"}},
		{"frustration:caps", "tech", []string{"webhook:all", "webhook:both", "email:everyone"}},
		{"frustration:caps", "billing", []string{"webhook:all", "webhook:billing-team", "email:everyone"}},
		{"asked_for_human", "", []string{"webhook:all", "email:everyone"}}, // a team filter wants a team
	}
	cfg.SMTP.Host, cfg.SMTP.From = "mail.example.com", "andon@example.com" // never reached: the dispatcher is not started
	st := openStore(t, "")
	d := newDispatcher(t, cfg, st)
	for i, tc := range tests {
		e := sampleEvent(fmt.Sprint("ev", i))
		e.Reason, e.Team = tc.reason, tc.team
		d.Notify(t.Context(), e)
		rows, err := st.ListDeliveries(t.Context(), 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			if r.EventID == e.ID {
				got = append(got, r.Channel)
				if r.Status != store.DeliveryPending || r.ID != deliveryID(e.ID, r.Channel) {
					t.Errorf("row %+v, want pending with the derived id", r)
				}
			}
		}
		slices.Sort(got)
		want := slices.Clone(tc.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("reason %q team %q went to %v, want %v", tc.reason, tc.team, got, want)
		}
	}
}

func TestMatchAny(t *testing.T) {
	t.Parallel()
	tests := []struct {
		patterns []string
		v        string
		want     bool
	}{
		{nil, "anything", true},
		{nil, "", true},
		{[]string{"a"}, "a", true},
		{[]string{"a"}, "ab", false},
		{[]string{"a*"}, "ab", true},
		{[]string{"a*"}, "a", true},
		{[]string{"*"}, "", true},
		{[]string{"sensitive:*"}, "sensitive", false},
		{[]string{"x", "sensitive:*"}, "sensitive:billing", true},
		{[]string{"billing"}, "", false},
	}
	for _, tc := range tests {
		if got := matchAny(tc.patterns, tc.v); got != tc.want {
			t.Errorf("matchAny(%q, %q) = %v, want %v", tc.patterns, tc.v, got, tc.want)
		}
	}
}

// TestChannelConfigErrors covers what New still refuses; the settings
// themselves are config's to validate (config/validate_handoff_test.go).
func TestChannelConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		webhooks []Webhook
		emails   []EmailChannel
	}{
		{"same name", []Webhook{{Name: "a", URL: "https://x", Secret: "k"}, {Name: "a", URL: "https://y", Secret: "k"}}, nil},
		{"same email name", nil, []EmailChannel{{Name: "a", To: []string{"x@y"}}, {Name: "a", To: []string{"z@y"}}}},
	}
	for _, tc := range tests {
		_, err := New(Options{Settings: testConfig(tc.webhooks, tc.emails), Store: openStore(t, "")})
		if err == nil || !strings.Contains(err.Error(), "twice") {
			t.Errorf("%s: New = %v, want an error about a channel configured twice", tc.name, err)
		}
	}
	if _, err := New(Options{Settings: testConfig(nil, nil)}); err == nil {
		t.Error("New without a store succeeded")
	}
}

func TestDeliveryIDIsStable(t *testing.T) {
	t.Parallel()
	a := deliveryID("ev", "webhook:ops")
	if a != deliveryID("ev", "webhook:ops") {
		t.Fatal("deliveryID is not deterministic")
	}
	for _, other := range []string{deliveryID("ev", "webhook:ops2"), deliveryID("ev2", "webhook:ops"), deliveryID("ev", "email:ops")} {
		if other == a {
			t.Fatalf("deliveryID collides: %s", a)
		}
	}
	if !strings.HasPrefix(a, "dlv_") || len(a) != 4+24 || strings.ToLower(a) != a {
		t.Fatalf("deliveryID = %q, want dlv_ and 24 lowercase base32 characters", a)
	}
}
