package auth

import (
	"context"
	"errors"
	"github.com/andon-chat/andon/internal/apierr"
	"strings"
	"testing"
	"time"
)

func TestHashAndVerify(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("correct horse battery", testParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q does not carry its parameters", h)
	}
	again, _ := HashPassword("correct horse battery", testParams)
	if again == h {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	tests := []struct {
		name, hash, password string
		want                 bool
		wantErr              bool
	}{
		{"right", h, "correct horse battery", true, false},
		{"other hash of it", again, "correct horse battery", true, false},
		{"wrong", h, "correct horse battery!", false, false},
		{"empty", h, "", false, false},
		{"not argon2id", "$2a$10$abcdefghijklmnopqrstuv", "x", false, true},
		{"other algorithm", strings.Replace(h, "argon2id", "argon2i", 1), "correct horse battery", false, true},
		{"bad params", strings.Replace(h, "m=64", "m=x", 1), "correct horse battery", false, true},
		{"absurd memory", strings.Replace(h, "m=64", "m=99999999", 1), "correct horse battery", false, true},
		{"cut", h[:strings.LastIndex(h, "$")], "correct horse battery", false, true},
		{"short key", h[:len(h)-30], "correct horse battery", false, true},
		{"empty hash", "", "x", false, true},
	}
	for _, tc := range tests {
		got, err := VerifyPassword(tc.hash, tc.password)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("%s: VerifyPassword = %v, %v; want %v, error %v", tc.name, got, err, tc.want, tc.wantErr)
		}
	}
	// The parameters come from the hash, not from the caller: a hash made
	// with other costs still verifies.
	other, _ := HashPassword("correct horse battery", Params{Memory: 128, Time: 2, Threads: 2})
	if ok, err := VerifyPassword(other, "correct horse battery"); !ok || err != nil {
		t.Fatalf("hash with other parameters: %v, %v", ok, err)
	}
}

func TestDefaultParamsHash(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("correct horse battery", Params{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("zero Params should mean DefaultParams, got %q", h)
	}
	if ok, _ := VerifyPassword(h, "correct horse battery"); !ok {
		t.Fatal("default-cost hash does not verify")
	}
}

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		password, email, name string
		ok                    bool
		says                  string // in the English message when refused
	}{
		{"long enough pass", "anna@example.com", "Anna", true, ""},
		{"correct horse battery", "anna@example.com", "Anna Lindqvist", true, ""},
		{"åäöåäöåäöå", "", "", true, ""}, // ten characters, more bytes
		{"short", "", "", false, "at least 10"},
		{"anna@example.com", "anna@example.com", "", false, "e-mail address"},
		{"          ", "", "", false, "spaces"},
		{strings.Repeat("x", 1025), "", "", false, "at most 1024"},
		// Common and breached passwords, as NIST SP 800-63B asks.
		{"password12", "anna@example.com", "Anna", false, "most common"},
		{"Password123!", "anna@example.com", "Anna", false, "most common"},
		{"qwertyuiop", "", "", false, "most common"},
		{"liverpool2010", "", "", false, "most common"},
		// The user's own name and e-mail.
		{"lindqvist2024", "anna.lindqvist@example.com", "Anna Lindqvist", false, "your own name or e-mail"},
		{"Lindqvist!!", "anna@example.com", "Anna Lindqvist", false, "your own name or e-mail"},
		{"example12345", "anna@example.com", "Anna", false, "your own name or e-mail"},
		// Patterns.
		{"abcdefghijkl", "", "", false, "too easy to guess"},
		{strings.Repeat("ab", 60), "", "", false, "too easy to guess"},
	}
	for _, tc := range tests {
		e := checkPassword(tc.password, tc.email, tc.name)
		if (e == nil) != tc.ok {
			t.Errorf("checkPassword(%q, %q, %q) = %v, want ok %v", tc.password, tc.email, tc.name, e, tc.ok)
			continue
		}
		if e == nil {
			continue
		}
		if e.Code != apierr.CodeWeakPassword || e.Status != 400 || !strings.Contains(e.Message, tc.says) {
			t.Errorf("checkPassword(%q): %d %s %q, want 400 weak_password saying %q", tc.password, e.Status, e.Code, e.Message, tc.says)
		}
		if e.Messages["en"] != e.Message || e.Messages["sv"] == "" || e.Messages["sv"] == e.Message {
			t.Errorf("checkPassword(%q): messages %v, want the English one and a Swedish one", tc.password, e.Messages)
		}
	}
}

// A weak password is refused over HTTP with the message in both console
// languages, and nothing is changed.
func TestWeakPasswordOverHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	s := e.login("anna@example.com", "anna's password")
	r := e.do("POST", "/api/password", map[string]string{"current": "anna's password", "new": "password12"}, s)
	e.expect(r, 400, apierr.CodeWeakPassword)
	msgs, _ := r.body["error"].(map[string]any)["messages"].(map[string]any)
	if sv, _ := msgs["sv"].(string); !strings.Contains(sv, "vanligaste") {
		t.Fatalf("password12: messages %v, want a Swedish one", msgs)
	}
	e.login("anna@example.com", "anna's password") // unchanged
}

func BenchmarkHashDefault(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("correct horse battery", DefaultParams); err != nil {
			b.Fatal(err)
		}
	}
}

func TestHashingIsBounded(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for range cap(e.svc.hashing) {
		e.svc.hashing <- struct{}{} // every slot busy
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := e.svc.verify(ctx, e.svc.dummy(), "x"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("verify with every slot busy: %v, want it to wait and give up with the context", err)
	}
	<-e.svc.hashing
	if ok, err := e.svc.verify(t.Context(), e.svc.dummy(), "x"); ok || err != nil {
		t.Fatalf("verify with a free slot: %v, %v", ok, err)
	}
}

// The strength check runs on every new password; zxcvbn's cost grows with
// length, which strengthRunes bounds.
func BenchmarkCheckPassword(b *testing.B) {
	for _, tc := range []struct{ name, password string }{
		{"short", "password12"},
		{"words", "correct horse battery staple"},
		{"1024 bytes", strings.Repeat("ab1!", 256)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				checkPassword(tc.password, "anna.lindqvist@example.com", "Anna Lindqvist")
			}
		})
	}
}
