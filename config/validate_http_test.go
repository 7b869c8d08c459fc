package config

import (
	"strings"
	"testing"
)

// TestHTTPLimitsErrorsNameTheLine checks the listener limits and the HTTP
// timeouts in a file: each problem names the file and the line.
func TestHTTPLimitsErrorsNameTheLine(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, `[server]
idle_timeout = "0s"
read_timeout = "-1s"

[limits]
max_connections_per_ip = 20
max_http_connections_per_ip = 20
max_http_connections = -1
reserved_connections = 0
reserved_descriptors = -5
`)
	_, err := load(path, noEnv)
	if err == nil {
		t.Fatal("load accepted bad limits")
	}
	for _, want := range []string{
		path + ":2: server.idle_timeout: must be longer than 0 (got 0s)",
		path + ":3: server.read_timeout: must be longer than 0 (got -1s)",
		path + ":7: limits.max_http_connections_per_ip: must be more than limits.max_connections_per_ip (20)",
		path + ":8: limits.max_http_connections: must be 0 (as many as the open-file limit allows) or more (got -1)",
		path + ":9: limits.reserved_connections: must be at least 1 (got 0)",
		path + ":10: limits.reserved_descriptors: must be 0 or more (got -5)",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in\n%v", want, err)
		}
	}
}
