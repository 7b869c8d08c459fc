package bench

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestCrashKeepsAcknowledgedMessages is the crash test: it builds the real
// binary, chats with it from several visitors, SIGKILLs it mid-stream,
// starts it again on the same data directory and resumes every
// conversation with its token. Every acknowledged message must be there
// with its original seq, the log must have no gap, and the next message
// must continue right after it.
func TestCrashKeepsAcknowledgedMessages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	bin := buildAndon(t)
	var out strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	err := Messages(ctx, MessagesOptions{
		Binary:   bin,
		DataDir:  t.TempDir(),
		Conns:    8,
		Duration: 2 * time.Second,
		Verify:   true,
	}, &out)
	t.Log(out.String())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "0 of ") {
		t.Fatalf("no verification line in output")
	}
}
