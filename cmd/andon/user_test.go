package main

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/store/sqlite"
)

// callIn runs the CLI in-process with stdin.
func callIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

var linkRE = regexp.MustCompile(`http://127\.0\.0\.1:8080/console/#setup=([A-Za-z0-9_-]+)`)

// withService opens the data directory the CLI wrote and returns an auth
// service over it, to check what the commands did the way the server would.
func withService(t *testing.T, data string, fn func(svc *auth.Service)) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(data, "andon.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	secret := make([]byte, 32)
	rand.Read(secret)
	svc, err := auth.New(auth.Options{Store: st, Secret: secret, Params: auth.Params{Memory: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	fn(svc)
}

func TestUserCommands(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")

	// An admin with a password from stdin.
	code, stdout, stderr := callIn(t, "the boss password\n", "user", "add", "--data", data, "--email", "Boss@Example.com", "--role", "admin", "--name", "The Boss", "--password-stdin")
	if code != 0 || !strings.Contains(stdout, "added boss@example.com (The Boss) as admin") || strings.Contains(stdout, "#setup=") {
		t.Fatalf("add with password: %d %q %q", code, stdout, stderr)
	}
	withService(t, data, func(svc *auth.Service) {
		u, err := svc.UserByEmail(t.Context(), "boss@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := auth.VerifyPassword(u.PasswordHash, "the boss password"); !ok || err != nil {
			t.Fatalf("the stdin password does not verify: %v, %v", ok, err)
		}
		if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Fatalf("the CLI should hash with the default costs: %q", u.PasswordHash)
		}
	})

	// An agent with an invitation link instead.
	code, stdout, stderr = call(t, "user", "add", "--data", data, "--email", "anna@example.com", "--role", "agent", "--teams", "billing, technical")
	m := linkRE.FindStringSubmatch(stdout)
	if code != 0 || m == nil || !strings.Contains(stdout, "as agent in billing, technical") {
		t.Fatalf("add with invite: %d %q %q", code, stdout, stderr)
	}
	invite := m[1]

	code, stdout, _ = call(t, "user", "list", "--data", data)
	if code != 0 || !regexp.MustCompile(`anna@example\.com\s+Anna\s+agent\s+billing,technical\s+invited\s+never`).MatchString(stdout) ||
		!regexp.MustCompile(`boss@example\.com\s+The Boss\s+admin\s+-\s+active`).MatchString(stdout) {
		t.Fatalf("list:\n%s", stdout)
	}

	withService(t, data, func(svc *auth.Service) {
		if _, err := svc.Accept(t.Context(), auth.SetupRequest{Token: invite, Password: "anna's password"}); err != nil {
			t.Fatalf("the printed invitation does not work: %v", err)
		}
	})

	// Reset prints a link that sets a new password.
	code, stdout, stderr = call(t, "user", "reset", "--data", data, "--email", "ANNA@example.com")
	m = linkRE.FindStringSubmatch(stdout)
	if code != 0 || m == nil || !strings.Contains(stdout, "password reset link for anna@example.com") {
		t.Fatalf("reset: %d %q %q", code, stdout, stderr)
	}
	withService(t, data, func(svc *auth.Service) {
		u, err := svc.Accept(t.Context(), auth.SetupRequest{Token: m[1], Password: "anna's new password"})
		if err != nil {
			t.Fatalf("the printed reset link does not work: %v", err)
		}
		if ok, _ := auth.VerifyPassword(mustHash(t, svc, u.Email), "anna's new password"); !ok {
			t.Fatal("the reset did not set the new password")
		}
	})

	// Disable and enable.
	code, stdout, stderr = call(t, "user", "disable", "--data", data, "--email", "anna@example.com")
	if code != 0 || !strings.Contains(stdout, "disabled anna@example.com") {
		t.Fatalf("disable: %d %q %q", code, stdout, stderr)
	}
	if _, stdout, _ = call(t, "user", "list", "--data", data); !regexp.MustCompile(`anna@example\.com.*disabled`).MatchString(stdout) {
		t.Fatalf("list after disable:\n%s", stdout)
	}
	if code, stdout, _ = call(t, "user", "enable", "--data", data, "--email", "anna@example.com"); code != 0 || !strings.Contains(stdout, "enabled anna@example.com") {
		t.Fatalf("enable: %d %q", code, stdout)
	}
	if _, stdout, _ = call(t, "user", "list", "--data", data); !regexp.MustCompile(`anna@example\.com.*active`).MatchString(stdout) {
		t.Fatalf("list after enable:\n%s", stdout)
	}
}

func mustHash(t *testing.T, svc *auth.Service, email string) string {
	t.Helper()
	u, err := svc.UserByEmail(t.Context(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.PasswordHash
}

func TestUserCommandErrors(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := callIn(t, "the boss password\n", "user", "add", "--data", data, "--email", "boss@example.com", "--role", "admin", "--password-stdin"); code != 0 {
		t.Fatalf("add: %s", stderr)
	}
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"no subcommand", "", []string{"user"}, 2, "andon user add"},
		{"unknown subcommand", "", []string{"user", "remove"}, 2, `unknown subcommand "remove"`},
		{"add without e-mail", "", []string{"user", "add", "--role", "agent"}, 2, "--email is required"},
		{"add without role", "", []string{"user", "add", "--email", "a@example.com"}, 2, "--role is required"},
		{"bad role", "", []string{"user", "add", "--email", "a@example.com", "--role", "root"}, 1, `"root" is not one of admin, agent, editor`},
		{"bad e-mail", "", []string{"user", "add", "--email", "anna", "--role", "agent"}, 1, "is not an e-mail address"},
		{"taken", "", []string{"user", "add", "--email", "BOSS@example.com", "--role", "agent"}, 1, "already exists"},
		{"weak password", "short\n", []string{"user", "add", "--email", "b@example.com", "--role", "agent", "--password-stdin"}, 1, "at least 10 characters"},
		{"empty stdin", "", []string{"user", "add", "--email", "b@example.com", "--role", "agent", "--password-stdin"}, 1, "stdin is empty"},
		{"reset unknown", "", []string{"user", "reset", "--email", "nobody@example.com"}, 1, `no user with e-mail "nobody@example.com"`},
		{"disable the last admin", "", []string{"user", "disable", "--email", "boss@example.com"}, 1, "last active admin"},
		{"stray argument", "", []string{"user", "list", "extra"}, 2, `unexpected argument "extra"`},
	}
	for _, tc := range tests {
		args := tc.args
		if len(args) > 1 {
			args = append(append([]string{}, args...), "--data", data)
		}
		code, _, stderr := callIn(t, tc.stdin, args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", tc.name, code, stderr, tc.code, tc.want)
		}
	}
}

// The invitation link names where the server is reached: --url, else
// server.public_url of --config, else server.addr of --config (with a
// note that it may only work on this machine), never a built-in address.
func TestUserLinkNamesTheConfiguredServer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	public := write("public.toml", "[server]\npublic_url = \"https://chat.example.com\"\ndata_dir = \""+filepath.Join(dir, "d1")+"\"\n")
	addr := write("addr.toml", "[server]\naddr = \"0.0.0.0:9090\"\ndata_dir = \""+filepath.Join(dir, "d2")+"\"\n")
	tests := []struct {
		args     []string
		link     string
		wantNote bool
	}{
		{[]string{"--config", public, "--email", "a@example.com"}, "https://chat.example.com/console/#setup=", false},
		{[]string{"--config", addr, "--email", "b@example.com"}, "http://localhost:9090/console/#setup=", true},
		{[]string{"--config", addr, "--email", "c@example.com", "--url", "https://help.example.org/"}, "https://help.example.org/console/#setup=", false},
	}
	for _, tc := range tests {
		code, stdout, stderr := call(t, append([]string{"user", "add", "--role", "agent"}, tc.args...)...)
		if code != 0 || !strings.Contains(stdout, tc.link) || strings.Contains(stdout, "127.0.0.1:8080") {
			t.Fatalf("%v: %d %q %q, want a link on %s", tc.args, code, stdout, stderr, tc.link)
		}
		if got := strings.Contains(stderr, "server.public_url is not set"); got != tc.wantNote {
			t.Errorf("%v: note on stderr %v, want %v: %q", tc.args, got, tc.wantNote, stderr)
		}
	}
	code, stdout, stderr := call(t, "user", "reset", "--config", public, "--email", "a@example.com")
	if code != 0 || !strings.Contains(stdout, "https://chat.example.com/console/#setup=") {
		t.Fatalf("reset: %d %q %q", code, stdout, stderr)
	}
}
