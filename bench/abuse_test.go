package bench

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAbuseReportsEveryAttack runs `andon bench abuse` briefly against the
// real binary: every attack gets a line, the normal visitor and /healthz
// from other addresses get through, and the idle flood from one address
// is held to the per-address cap.
// buildAndon builds the real binary for a test that runs it.
func buildAndon(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "andon")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/andon").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestAbuseReportsEveryAttack(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	bin := buildAndon(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var out strings.Builder
	err := Abuse(ctx, AbuseOptions{Binary: bin, DataDir: t.TempDir(), Duration: time.Second, Conns: 400}, &out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2+len(abuseAttacks(AbuseOptions{})) {
		t.Fatalf("%d lines, want a header and one per attack", len(lines))
	}
	for _, l := range lines[2:] {
		if !strings.Contains(l, "MiB") {
			t.Errorf("no memory figure: %s", l)
		}
	}
	idle := lines[2]
	if !strings.Contains(idle, "128 open at the end") {
		t.Errorf("idle flood not held to max_http_connections_per_ip (128): %s", idle)
	}
	// The visitor's and the health check's columns: none failed, some ran.
	if strings.Count(idle, " (0/") != 2 || strings.Contains(idle, "(0/0)") {
		t.Errorf("the visitor or /healthz from another address failed during the idle flood: %s", idle)
	}
}
