package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// call runs the CLI in-process and returns its exit code and output.
func call(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	code := run(args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsageAndUnknownCommand(t *testing.T) {
	t.Parallel()
	if code, _, stderr := call(t); code != 2 || !strings.Contains(stderr, "andon serve") {
		t.Fatalf("no args: %d %q", code, stderr)
	}
	if code, _, stderr := call(t, "sevre"); code != 2 || !strings.Contains(stderr, `unknown command "sevre"`) {
		t.Fatalf("unknown command: %d %q", code, stderr)
	}
}

func TestConfigCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(good, []byte("[server]\naddr = \"127.0.0.1:9000\"\n"), 0o644)
	os.WriteFile(bad, []byte("[server]\naddr = \"127.0.0.1:9000\"\nadress = \"x\"\n\n[limits]\nmax_message_bytes = 0\n"), 0o644)

	if code, stdout, stderr := call(t, "config", "check", good); code != 0 || !strings.Contains(stdout, "ok") {
		t.Fatalf("good config: %d %q %q", code, stdout, stderr)
	}
	code, _, stderr := call(t, "config", "check", bad)
	if code != 1 {
		t.Fatalf("bad config exit %d, want 1", code)
	}
	for _, want := range []string{"bad.toml:3:", "server.adress", "bad.toml:6:", "limits.max_message_bytes"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("bad config error %q lacks %q", stderr, want)
		}
	}
}

func TestConfigExampleIsValid(t *testing.T) {
	t.Parallel()
	code, stdout, _ := call(t, "config", "example")
	if code != 0 || !strings.Contains(stdout, "[server]") {
		t.Fatalf("example: %d", code)
	}
	path := filepath.Join(t.TempDir(), "example.toml")
	os.WriteFile(path, []byte(stdout), 0o644)
	if code, _, stderr := call(t, "config", "check", path); code != 0 {
		t.Fatalf("the printed example does not pass check: %s", stderr)
	}
}

func TestIngestIsIdempotent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	csv := filepath.Join(dir, "faq.csv")
	os.WriteFile(csv, []byte("question,answer\nHow do I reset my password?,Use the reset link on the login page.\nDo you ship to Norway?,Yes: within five working days.\n"), 0o644)

	code, stdout, stderr := call(t, "ingest", "--data", data, csv)
	if code != 0 || !strings.Contains(stdout, "2 added, 0 updated, 0 unchanged") {
		t.Fatalf("first ingest: %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = call(t, "ingest", "--data", data, csv)
	if code != 0 || !strings.Contains(stdout, "0 added, 0 updated, 2 unchanged") {
		t.Fatalf("second ingest: %d %q %q", code, stdout, stderr)
	}
	os.WriteFile(csv, []byte("question,answer\nHow do I reset my password?,Use the reset link on the sign-in page.\nDo you ship to Norway?,Yes: within five working days.\n"), 0o644)
	code, stdout, stderr = call(t, "ingest", "--data", data, csv)
	if code != 0 || !strings.Contains(stdout, "0 added, 1 updated, 1 unchanged") {
		t.Fatalf("changed ingest: %d %q %q", code, stdout, stderr)
	}
}

func TestIngestBadFileImportsNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	csv := filepath.Join(dir, "faq.csv")
	os.WriteFile(csv, []byte("question,answer\nHow do I reset my password?,\n"), 0o644)
	code, _, stderr := call(t, "ingest", "--data", filepath.Join(dir, "data"), csv)
	if code != 1 || !strings.Contains(stderr, "faq.csv:2") || !strings.Contains(stderr, "answer") {
		t.Fatalf("bad file: %d %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "andon.db")); err == nil {
		t.Fatal("a bad file still created the database: parse before opening anything")
	}
}
