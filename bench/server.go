// Package bench drives a real andon server from a second process over
// loopback, so that the speed and memory figures in the README can be
// reproduced by anyone with one command.
package bench

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Server is an `andon serve` child process on a free loopback port.
type Server struct {
	Addr    string
	DataDir string
	cmd     *exec.Cmd
}

// benchConfig lifts the per-visitor and per-conversation limits: a load
// test sends far faster than a person types and from one IP.
const benchConfig = `
[limits]
messages_per_second = 100000.0
message_burst = 100000
ip_messages_per_second = 1000000.0
ip_message_burst = 1000000
max_connections_per_ip = 100000
max_connections = 100000
ip_new_conversations_per_minute = 1000000.0
ip_new_conversation_burst = 1000000
site_new_conversations_per_minute = 1000000.0
site_new_conversation_burst = 1000000
conversation_messages_per_minute = 100000000.0
conversation_message_burst = 100000000
max_http_connections_per_ip = 200000

[knowledge]
load_demo = true

[store]
synchronous = "%s"
`

// StartServer starts binary (usually os.Executable()) as `serve` on dataDir
// with store.synchronous set to sync ("full" or "normal") and waits until
// /readyz answers.
func StartServer(ctx context.Context, binary, dataDir, sync string) (*Server, error) {
	if sync == "" {
		sync = "full"
	}
	return startServer(ctx, binary, dataDir, "", fmt.Sprintf(benchConfig, sync))
}

// startServer starts binary as `serve` on dataDir with the config file
// cfg, on addr (empty: a free loopback port).
func startServer(ctx context.Context, binary, dataDir, addr, cfg string) (*Server, error) {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("couldn't create data dir: %w", err)
	}
	cfgPath := filepath.Join(dataDir, "bench.toml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		return nil, fmt.Errorf("couldn't write bench config: %w", err)
	}
	if addr == "" {
		var err error
		if addr, err = freePort(); err != nil {
			return nil, err
		}
	}
	cmd := exec.Command(binary, "serve", "--config", cfgPath, "--addr", addr, "--data", dataDir)
	logFile, err := os.OpenFile(filepath.Join(dataDir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("couldn't open server log: %w", err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("couldn't start %s: %w", binary, err)
	}
	s := &Server{Addr: addr, DataDir: dataDir, cmd: cmd}
	if err := s.waitReady(ctx, 60*time.Second); err != nil {
		s.Kill()
		return nil, err
	}
	return s, nil
}

func freePort() (string, error) {
	addrs, err := freePorts(1)
	if err != nil {
		return "", err
	}
	return addrs[0], nil
}

// freePorts returns n different free loopback addresses. They are held open
// together while chosen: one closed and asked for again is often the same.
func freePorts(n int) ([]string, error) {
	addrs := make([]string, 0, n)
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("couldn't find a free port: %w", err)
		}
		defer ln.Close()
		addrs = append(addrs, ln.Addr().String())
	}
	return addrs, nil
}

func (s *Server) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.Addr+"/readyz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("server on %s not ready after %s (see %s)", s.Addr, limit, filepath.Join(s.DataDir, "server.log"))
}

// RSSKiB reads the server's resident set size from /proc.
func (s *Server) RSSKiB() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("couldn't read server memory: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", s.cmd.Process.Pid)
}

// FDs counts the server's open file descriptors.
func (s *Server) FDs() (int, error) {
	es, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", s.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("couldn't count server descriptors: %w", err)
	}
	return len(es), nil
}

// Kill ends the server with SIGKILL, as a crash would, and reaps it.
func (s *Server) Kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	_ = s.cmd.Wait()
}
