package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/andon-chat/andon/bench"
)

// runBench implements `andon bench idle|messages|abuse`: it starts this same
// binary as a server on a scratch data directory and drives it over
// loopback from this process.
func runBench(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: andon bench idle [--conns 10000] | andon bench messages [--conns 64] [--duration 10s] [--rate 2000] [--verify] | andon bench abuse [--duration 10s] [--conns 20000] [--only idle,slowbody,hello,replay,burst,mail]")
		return 2
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "andon bench:", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fs := flag.NewFlagSet("bench "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "scratch data directory (default: a new temporary one, removed afterwards)")
	sync := fs.String("synchronous", "full", "the server's store.synchronous: full or normal")
	switch args[0] {
	case "idle":
		conns := fs.Int("conns", 10000, "visitor connections to hold open")
		if fs.Parse(args[1:]) != nil {
			return 2
		}
		dir, cleanup := scratchDir(*data)
		defer cleanup()
		err = bench.Idle(ctx, bench.IdleOptions{Binary: self, DataDir: dir, Conns: *conns, Synchronous: *sync}, stdout)
	case "messages":
		conns := fs.Int("conns", 64, "concurrent visitors, each sending in a closed loop")
		dur := fs.Duration("duration", 10*time.Second, "how long to send")
		verify := fs.Bool("verify", false, "SIGKILL the server mid-stream, restart it and check every acknowledged message")
		rate := fs.Float64("rate", 0, "pace the visitors to this many messages/s in total (0: closed loop, as fast as acknowledged)")
		if fs.Parse(args[1:]) != nil {
			return 2
		}
		dir, cleanup := scratchDir(*data)
		defer cleanup()
		err = bench.Messages(ctx, bench.MessagesOptions{Binary: self, DataDir: dir, Conns: *conns, Duration: *dur, Verify: *verify, Rate: *rate, Synchronous: *sync}, stdout)
	case "abuse":
		dur := fs.Duration("duration", 10*time.Second, "how long each attack lasts")
		conns := fs.Int("conns", 20000, "connections of the idle keep-alive flood (the slow-body attack opens a tenth)")
		only := fs.String("only", "", "comma-separated attacks to run (default: all)")
		if fs.Parse(args[1:]) != nil {
			return 2
		}
		dir, cleanup := scratchDir(*data)
		defer cleanup()
		var names []string
		if *only != "" {
			names = strings.Split(*only, ",")
		}
		err = bench.Abuse(ctx, bench.AbuseOptions{Binary: self, DataDir: dir, Duration: *dur, Conns: *conns, Only: names}, stdout)
	default:
		fmt.Fprintf(stderr, "andon bench: unknown benchmark %q (want idle, messages or abuse)\n", args[0])
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "andon bench:", err)
		return 1
	}
	return 0
}

func scratchDir(dir string) (string, func()) {
	if dir != "" {
		return dir, func() {}
	}
	tmp, err := os.MkdirTemp("", "andon-bench-")
	if err != nil {
		return os.TempDir(), func() {}
	}
	return tmp, func() { os.RemoveAll(tmp) }
}
