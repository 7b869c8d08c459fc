package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// These tests change the process environment with t.Setenv, so they do not
// run in parallel.

// clearEnv unsets every variable Load reads, so that the caller's
// environment cannot change the outcome.
func clearEnv(t *testing.T) {
	for _, name := range []string{"ANDON_ADDR", "ANDON_DATA_DIR", "ANDON_LOG_LEVEL", "ANDON_SECRET", "ANDON_SECRET_FILE", "ANDON_STORE_DSN", "ANDON_STORE_DSN_FILE",
		"ANDON_SMTP_PASSWORD", "ANDON_SMTP_PASSWORD_FILE", "ANDON_SITE_DEFAULT_IDENTITY_SECRET", "ANDON_SITE_DEFAULT_IDENTITY_SECRET_FILE",
		"ANDON_SITE_SHOP_EU_IDENTITY_SECRET", "ANDON_SITE_SHOP_EU_IDENTITY_SECRET_FILE", "ANDON_TRUSTED_PROXIES"} {
		t.Setenv(name, "")
	}
}

func writeSecret(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestEnvOverridesFile(t *testing.T) {
	clearEnv(t)
	secret := strings.Repeat("s", 40)
	t.Setenv("ANDON_ADDR", "0.0.0.0:9000")
	t.Setenv("ANDON_DATA_DIR", "/var/lib/andon")
	t.Setenv("ANDON_LOG_LEVEL", "debug")
	t.Setenv("ANDON_SECRET_FILE", writeSecret(t, secret+"\n"))
	t.Setenv("ANDON_STORE_DSN", "postgres://andon@db/andon")
	path := writeConfig(t, `[server]
addr = "127.0.0.1:1"
data_dir = "/tmp/elsewhere"
log_level = "error"
secret = "this one is overridden by ANDON_SECRET_FILE"

[store]
driver = "postgres"
`)
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{cfg.Server.Addr, cfg.Server.DataDir, cfg.Server.LogLevel, cfg.Server.Secret, cfg.Store.DSN}
	want := []string{"0.0.0.0:9000", "/var/lib/andon", "debug", secret, "postgres://andon@db/andon"}
	if !equalLines(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestEnvWithoutFile(t *testing.T) {
	clearEnv(t)
	t.Setenv("ANDON_ADDR", ":8081")
	t.Setenv("ANDON_SECRET", strings.Repeat("x", 32))
	t.Setenv("ANDON_STORE_DSN_FILE", writeSecret(t, "  postgres://andon@db/andon \r\n"))
	cfg, err := Load("")
	// A DSN with the sqlite driver is refused, and the problem names the
	// variable that set it.
	want := `env ANDON_STORE_DSN_FILE: store.dsn: is only used with store.driver = "postgres"; the sqlite store lives in server.data_dir`
	if err == nil || err.Error() != want {
		t.Fatalf("Load(\"\") = %v, want %s", err, want)
	}
	t.Setenv("ANDON_STORE_DSN_FILE", "")
	cfg, err = Load("")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Addr != ":8081" || cfg.Server.Secret != strings.Repeat("x", 32) {
		t.Errorf("addr %q, secret %q: environment not applied", cfg.Server.Addr, cfg.Server.Secret)
	}
}

func TestEnvEmptyMeansUnset(t *testing.T) {
	clearEnv(t)
	cfg, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Addr != Defaults().Server.Addr {
		t.Errorf("addr = %q, want the default", cfg.Server.Addr)
	}
}

func TestEnvProblems(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "absent")
	empty := writeSecret(t, "\n")
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{
			name: "bad value names the variable",
			env:  map[string]string{"ANDON_ADDR": "localhost", "ANDON_LOG_LEVEL": "verbose"},
			want: []string{
				`env ANDON_ADDR: server.addr: must be host:port, such as "127.0.0.1:8080" or ":8080" (got "localhost")`,
				`env ANDON_LOG_LEVEL: server.log_level: must be one of "debug", "info", "warn", "error" (got "verbose")`,
			},
		},
		{
			name: "short secret is not echoed",
			env:  map[string]string{"ANDON_SECRET": "hunter2"},
			want: []string{`env ANDON_SECRET: server.secret: must be at least 32 characters (got 7); generate one with: openssl rand -hex 32`},
		},
		{
			name: "secret twice",
			env:  map[string]string{"ANDON_SECRET": strings.Repeat("x", 32), "ANDON_SECRET_FILE": writeSecret(t, strings.Repeat("y", 32))},
			want: []string{`env ANDON_SECRET: server.secret: both ANDON_SECRET and ANDON_SECRET_FILE are set; use one`},
		},
		{
			name: "secret file missing",
			env:  map[string]string{"ANDON_SECRET_FILE": missing},
			want: []string{`env ANDON_SECRET_FILE: server.secret: couldn't read the secret file: open ` + missing + `: no such file or directory`},
		},
		{
			name: "short identity secret names the variable",
			env:  map[string]string{"ANDON_SITE_DEFAULT_IDENTITY_SECRET": "hunter2"},
			want: []string{`env ANDON_SITE_DEFAULT_IDENTITY_SECRET: site[0].identity_secret: must be at least 32 characters (got 7); generate one with: openssl rand -hex 32`},
		},
		{
			name: "smtp password twice",
			env:  map[string]string{"ANDON_SMTP_PASSWORD": "x", "ANDON_SMTP_PASSWORD_FILE": writeSecret(t, "y")},
			want: []string{`env ANDON_SMTP_PASSWORD: smtp.password: both ANDON_SMTP_PASSWORD and ANDON_SMTP_PASSWORD_FILE are set; use one`},
		},
		{
			name: "secret file empty",
			env:  map[string]string{"ANDON_STORE_DSN_FILE": empty},
			want: []string{`env ANDON_STORE_DSN_FILE: store.dsn: ` + empty + ` is empty`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, err := Load("")
			got := problems(t, "", err)
			if !equalLines(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if s := tt.env["ANDON_SECRET"]; s != "" && err != nil && strings.Contains(err.Error(), s) {
				t.Errorf("the error shows the secret: %v", err)
			}
		})
	}
}

// TestEnvAndFileProblemsTogether checks that a file with a problem and a bad
// variable are reported in one go, the file's problems first.
func TestEnvAndFileProblemsTogether(t *testing.T) {
	clearEnv(t)
	t.Setenv("ANDON_ADDR", "nowhere")
	path := writeConfig(t, "[limits]\nsend_queue = 0\n")
	_, err := Load(path)
	want := []string{
		`andon.toml:2: limits.send_queue: must be between 1 and 65536 (got 0)`,
		`env ANDON_ADDR: server.addr: must be host:port, such as "127.0.0.1:8080" or ":8080" (got "nowhere")`,
	}
	if got := problems(t, path, err); !equalLines(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestEnvMailAndIdentitySecrets sets the SMTP password and the identity
// secrets of two sites, one with a dash in its name, from variables and
// files.
func TestEnvMailAndIdentitySecrets(t *testing.T) {
	clearEnv(t)
	shop, def := strings.Repeat("s", 40), strings.Repeat("d", 32)
	t.Setenv("ANDON_SMTP_PASSWORD_FILE", writeSecret(t, "mail pass\n"))
	t.Setenv("ANDON_SITE_SHOP_EU_IDENTITY_SECRET", shop)
	t.Setenv("ANDON_SITE_DEFAULT_IDENTITY_SECRET_FILE", writeSecret(t, def+"\n"))
	path := writeConfig(t, `[[site]]
name = "shop-eu"
identity_secret = "overridden by the environment, and too short"

[smtp]
password = "overridden"
`)
	cfg, err := load(path, os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := cfg.Site("shop-eu")
	d, _ := cfg.Site(DefaultSite)
	if cfg.SMTP.Password != "mail pass" || s.IdentitySecret != shop || d.IdentitySecret != def {
		t.Errorf("smtp.password %q, shop-eu secret %q, default secret %q: environment not applied", cfg.SMTP.Password, s.IdentitySecret, d.IdentitySecret)
	}
}
