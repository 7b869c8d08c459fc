package config

import (
	"slices"
	"strings"
	"testing"
)

// TestTrustedProxiesInFile: a bad entry is reported at its line with its
// index; good ones load as written.
func TestTrustedProxiesInFile(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, `[server]
addr = "127.0.0.1:8080"
trusted_proxies = [
  "10.0.0.0/8",
  "10.0.0.300",
]
`)
	_, err := load(path, noEnv)
	want := []string{`andon.toml:5: server.trusted_proxies[1]: must be an IP address or CIDR, such as "10.0.0.0/8" or "192.0.2.7" (got "10.0.0.300")`}
	if got := problems(t, path, err); !equalLines(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	path = writeConfig(t, "[server]\ntrusted_proxies = [\"10.0.0.0/8\", \"192.0.2.7\"]\n")
	cfg, err := load(path, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"10.0.0.0/8", "192.0.2.7"}; !slices.Equal(cfg.Server.TrustedProxies, want) {
		t.Errorf("trusted_proxies = %q, want %q", cfg.Server.TrustedProxies, want)
	}
	if len(Defaults().Server.TrustedProxies) != 0 {
		t.Errorf("default trusted proxies %q, want none", Defaults().Server.TrustedProxies)
	}
}

// TestTrustedProxiesFromEnv: ANDON_TRUSTED_PROXIES replaces the file's list,
// comma-separated with spaces allowed, and a bad entry names the variable.
func TestTrustedProxiesFromEnv(t *testing.T) {
	clearEnv(t)
	t.Setenv("ANDON_TRUSTED_PROXIES", " 10.0.0.0/8, 192.0.2.7 ,,")
	path := writeConfig(t, "[server]\ntrusted_proxies = [\"172.16.0.0/12\"]\n")
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"10.0.0.0/8", "192.0.2.7"}; !slices.Equal(cfg.Server.TrustedProxies, want) {
		t.Errorf("trusted_proxies = %q, want %q", cfg.Server.TrustedProxies, want)
	}

	t.Setenv("ANDON_TRUSTED_PROXIES", "10.0.0.0/8,localhost")
	_, err = Load(path)
	want := []string{`env ANDON_TRUSTED_PROXIES: server.trusted_proxies[1]: must be an IP address or CIDR, such as "10.0.0.0/8" or "192.0.2.7" (got "localhost")`}
	if got := problems(t, path, err); !equalLines(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
