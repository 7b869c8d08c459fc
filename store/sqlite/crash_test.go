package sqlite

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
)

// The crash test re-executes the test binary as a child that appends
// messages and prints each acknowledged one; the parent SIGKILLs it in the
// middle and checks the file. Environment of the child:
const (
	crashChildEnv = "ANDON_STORE_CRASH_CHILD" // "1" in the child
	crashDBEnv    = "ANDON_STORE_CRASH_DB"    // database path
	crashSyncEnv  = "ANDON_STORE_CRASH_SYNC"  // Options.Synchronous
	crashConvsEnv = "ANDON_STORE_CRASH_CONVS" // comma-separated conversation ids
	crashRoundEnv = "ANDON_STORE_CRASH_ROUND" // prefix that keeps client ids unique across rounds
)

func TestCrashKeepsAcknowledgedMessages(t *testing.T) {
	if os.Getenv(crashChildEnv) == "1" {
		crashChild()
		return
	}
	if testing.Short() {
		t.Skip("starts child processes")
	}
	t.Parallel()
	for _, sync := range []string{"full", "normal"} {
		t.Run(sync, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "andon.db")
			s, err := Open(t.Context(), path, Options{Synchronous: sync})
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]string, 5)
			for i := range ids {
				ids[i] = store.NewID()
				if err := s.CreateConversation(t.Context(), store.Conversation{ID: ids[i]}); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			acked := make(map[string]ack)
			// Two rounds: the second starts from a file the first crashed on.
			for round := range 2 {
				for cid, a := range runCrashChild(t, path, sync, ids, round) {
					acked[cid] = a
				}
				checkAcked(t, path, ids, acked)
			}
		})
	}
}

// ack is one message the child was told is stored.
type ack struct {
	conv string
	seq  int64
}

// runCrashChild starts the child, kills it with SIGKILL once it has
// acknowledged enough messages, and returns every acknowledgement it printed.
func runCrashChild(t *testing.T, path, sync string, ids []string, round int) map[string]ack {
	t.Helper()
	const killAfter = 400
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashKeepsAcknowledgedMessages$", "-test.count=1")
	cmd.Env = append(os.Environ(),
		crashChildEnv+"=1", crashDBEnv+"="+path, crashSyncEnv+"="+sync,
		crashConvsEnv+"="+strings.Join(ids, ","), fmt.Sprintf("%s=r%d", crashRoundEnv, round))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := make(map[string]ack)
	killed := false
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		var (
			a   ack
			cid string
		)
		if _, err := fmt.Sscanf(sc.Text(), "ack %s %d %s", &a.conv, &a.seq, &cid); err != nil {
			continue // the test framework's own output
		}
		acked[cid] = a
		if len(acked) == killAfter && !killed {
			// Lines already in the pipe are still read: they were
			// acknowledged before the kill.
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("the child ended after %d acknowledgements without being killed: %v\n%s", len(acked), err, stderr.Bytes())
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != -1 {
		t.Fatalf("the child did not die of the kill: %v\n%s", err, stderr.Bytes())
	}
	t.Logf("round %d: child killed after %d acknowledged messages", round, len(acked))
	return acked
}

// checkAcked reopens the file and checks that every acknowledged message is
// there with its seq and that every conversation's seqs are gap-free.
func checkAcked(t *testing.T, path string, ids []string, acked map[string]ack) {
	t.Helper()
	s, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatalf("reopening after the crash: %v", err)
	}
	defer s.Close()
	stored := make(map[string]ack)
	for _, id := range ids {
		ms, err := s.Messages(t.Context(), id, 0)
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.Conversation(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range ms {
			if m.Seq != int64(i+1) {
				t.Fatalf("conversation %s: message %d has seq %d: a gap", id, i, m.Seq)
			}
			stored[m.ClientID] = ack{conv: id, seq: m.Seq}
		}
		if c.LastSeq != int64(len(ms)) {
			t.Fatalf("conversation %s: last_seq %d but %d messages", id, c.LastSeq, len(ms))
		}
	}
	for cid, a := range acked {
		if got, ok := stored[cid]; !ok || got != a {
			t.Fatalf("message %s was acknowledged as %s/%d, after the crash it is %+v (present %v)", cid, a.conv, a.seq, got, ok)
		}
	}
	t.Logf("%d acknowledged, %d stored (the rest committed but killed before the print)", len(acked), len(stored))
}

// crashChild appends from many goroutines until it is killed, printing
// "ack CONV SEQ CLIENT_ID" only after AppendMessage returned.
func crashChild() {
	ctx := context.Background()
	s, err := Open(ctx, os.Getenv(crashDBEnv), Options{Synchronous: os.Getenv(crashSyncEnv)})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	ids := strings.Split(os.Getenv(crashConvsEnv), ",")
	round := os.Getenv(crashRoundEnv)
	var out sync.Mutex
	for g := range 16 {
		go func() {
			for i := 0; ; i++ {
				cid := fmt.Sprintf("%s-g%d-%d", round, g, i)
				id := ids[(g+i)%len(ids)]
				m, _, err := s.AppendMessage(ctx, store.Message{ConversationID: id, ClientID: cid, From: store.FromVisitor, Text: cid})
				if err != nil {
					fmt.Fprintln(os.Stderr, "child:", err)
					os.Exit(3)
				}
				out.Lock()
				fmt.Fprintf(os.Stdout, "ack %s %d %s\n", id, m.Seq, cid) // one write(2): whole lines only
				out.Unlock()
			}
		}()
	}
	time.Sleep(time.Minute)
	fmt.Fprintln(os.Stderr, "child: not killed within a minute")
	os.Exit(4)
}
