package app

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/andon-chat/andon/config"
)

// TestReadyzOnAFullOrReadOnlyDisk puts the data directory on a small
// tmpfs and fills it, then mounts a read-only file system over it (files
// the store holds open cannot be remounted read-only): /readyz must say
// 503 with the reason each time, and 200 again once the disk is writable.
func TestReadyzOnAFullOrReadOnlyDisk(t *testing.T) {
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=32m", "andon-test", mnt).CombinedOutput(); err != nil {
		t.Skipf("needs to mount a tmpfs (root, CAP_SYS_ADMIN): %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", mnt).Run() })
	run := func(name string, args ...string) {
		t.Helper()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v: %s", name, args, err, out)
		}
	}

	cfg := config.Defaults()
	cfg.Server.DataDir = filepath.Join(mnt, "data")
	a, err := New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var clock fakeClock
	a.probe.now = clock.now
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	readyz := func(want int, reason string) {
		t.Helper()
		clock.add(time.Minute) // past the cached result
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			Checks map[string]string `json:"checks"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&body)
		if resp.StatusCode != want || !strings.Contains(body.Checks["store"], reason) {
			t.Fatalf("readyz = %d %q, want %d %q", resp.StatusCode, body.Checks["store"], want, reason)
		}
	}
	readyz(http.StatusOK, "ok")

	fill := filepath.Join(mnt, "fill")
	f, err := os.Create(fill)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	f.Close()
	readyz(http.StatusServiceUnavailable, "no space left on device")

	if err := os.Remove(fill); err != nil {
		t.Fatal(err)
	}
	readyz(http.StatusOK, "ok")

	run("mount", "-t", "tmpfs", "-o", "ro,size=1m", "andon-test-ro", cfg.Server.DataDir)
	readyz(http.StatusServiceUnavailable, "read-only file system")

	run("umount", cfg.Server.DataDir)
	readyz(http.StatusOK, "ok")
}
