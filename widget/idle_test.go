package widget

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store/sqlite"
)

// TestIdleConnectionMemory measures the server's resident memory per idle
// visitor connection: the test binary is started again as a server process
// (TestIdleServerProcess), this process opens ANDON_IDLE_CONNS visitor
// connections to it (hello, welcome, then only pongs) and reads the
// server's VmRSS before and after. Run:
//
//	ANDON_IDLE_CONNS=10000 go test -run TestIdleConnectionMemory -v ./widget/
func TestIdleConnectionMemory(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ANDON_IDLE_CONNS"))
	if n <= 0 {
		t.Skip("set ANDON_IDLE_CONNS=N to measure memory per idle connection")
	}
	raiseFileLimit(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestIdleServerProcess$")
	cmd.Env = append(os.Environ(), "ANDON_IDLE_SERVER="+t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, _ := cmd.StdinPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Process.Kill(); cmd.Wait() }()
	lines := bufio.NewScanner(out)
	var addr string
	for lines.Scan() {
		if a, ok := strings.CutPrefix(lines.Text(), "ADDR "); ok {
			addr = a
			break
		}
	}
	if addr == "" {
		t.Fatal("server did not start")
	}
	pid := cmd.Process.Pid
	// Warm up: a few connections so that the pools, the store and the
	// runtime are in their working state before the baseline.
	warm := dialIdle(t, addr, 50)
	closeAll(warm)
	time.Sleep(time.Second)
	before := rssKiB(t, pid)

	start := time.Now()
	conns := dialIdle(t, addr, n)
	dialed := time.Since(start)
	time.Sleep(3 * time.Second)
	after := rssKiB(t, pid)
	syscall.Kill(pid, syscall.SIGUSR1) // the server returns freed memory to the OS
	time.Sleep(2 * time.Second)
	floor := rssKiB(t, pid)
	t.Logf("%d idle connections (dialled in %s): RSS %d KiB -> %d KiB: %.1f KiB per connection (%.1f after FreeOSMemory)",
		n, dialed.Round(time.Millisecond), before, after, float64(after-before)/float64(n), float64(floor-before)/float64(n))
	closeAll(conns)
}

// TestIdleServerProcess is the server side of TestIdleConnectionMemory; it
// runs only in the child process.
func TestIdleServerProcess(t *testing.T) {
	dir := os.Getenv("ANDON_IDLE_SERVER")
	if dir == "" {
		t.Skip("only run as TestIdleConnectionMemory's server process")
	}
	raiseFileLimit(t)
	if os.Getenv("ANDON_IDLE_PROFILE") != "" {
		runtime.MemProfileRate = 64
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "andon.db"), sqlite.Options{Synchronous: "normal"})
	if err != nil {
		t.Fatal(err)
	}
	hub := conversation.NewHub(conversation.Options{Store: st})
	h := NewHandler(Options{Hub: hub, Secret: []byte("s"), Limits: Limits{MaxConnections: 1 << 20, MaxConnectionsPerIP: 1 << 20}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	sig := make(chan os.Signal, 1)
	notifyUSR1(sig)
	go func() {
		for range sig {
			debug.FreeOSMemory()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			fmt.Fprintf(os.Stderr, "server: %d goroutines, heap in use %d KiB, stacks %d KiB, other sys %d KiB, sys %d KiB\n",
				runtime.NumGoroutine(), ms.HeapInuse>>10, ms.StackInuse>>10, (ms.OtherSys+ms.GCSys+ms.MSpanSys+ms.MCacheSys+ms.BuckHashSys)>>10, ms.Sys>>10)
			prof := os.Getenv("ANDON_IDLE_PROFILE") // a directory to keep profiles in
			if prof == "" {
				continue
			}
			if f, err := os.Create(filepath.Join(prof, "heap.pprof")); err == nil {
				pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
				fmt.Fprintln(os.Stderr, "heap profile:", f.Name())
			}
			if f, err := os.Create(filepath.Join(prof, "goroutine.txt")); err == nil {
				pprof.Lookup("goroutine").WriteTo(f, 1)
				f.Close()
			}
		}
	}()
	fmt.Println("ADDR " + ln.Addr().String())
	bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes stdin
	srv.Close()
	h.Close()
	hub.Close()
	st.Close()
}

// dialIdle opens n visitor connections (50 at a time), says hello to each
// and keeps reading so that pings are answered.
func dialIdle(t *testing.T, addr string, n int) []*websocket.Conn {
	d := websocket.Dialer{ReadBufferSize: 256, WriteBufferSize: 256, HandshakeTimeout: 30 * time.Second}
	conns := make([]*websocket.Conn, n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	work := make(chan int)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				c, _, err := d.Dial("ws://"+addr+"/ws/visitor", nil)
				if err == nil {
					err = c.WriteMessage(websocket.TextMessage, []byte(`{"type":"hello","locale":"en"}`))
				}
				if err == nil {
					_, _, err = c.ReadMessage()
				}
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					continue
				}
				conns[i] = c
				go func() {
					for {
						if _, _, err := c.ReadMessage(); err != nil {
							return
						}
					}
				}()
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		t.Fatalf("dial: %v", firstErr)
	}
	return conns
}

func closeAll(cs []*websocket.Conn) {
	for _, c := range cs {
		if c != nil {
			c.Close()
		}
	}
}

func rssKiB(t *testing.T, pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			v, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return v
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

func raiseFileLimit(t *testing.T) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil && lim.Cur < lim.Max {
		lim.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			t.Logf("couldn't raise the open-file limit: %v", err)
		}
	}
}
