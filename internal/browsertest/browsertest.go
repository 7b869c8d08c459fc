// Package browsertest starts headless chromium for the browser tests of the
// widget, the console and e2e, and keeps their screenshots. It holds the
// rules those tests share: without chromium a test skips, but fails when
// CI=true (CI installs it, and a silent skip there would hide that the
// browser tests never ran); screenshots go to $ANDON_ARTIFACTS, which CI
// keeps. Only _test.go files import it, so it never reaches the binary.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// Chromium finds the browser: $ANDON_CHROMIUM, else Debian's chromium, else
// one on the PATH. Without one it skips t, or fails it when CI=true.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, c := range []string{os.Getenv("ANDON_CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (apt-get install chromium); browser tests must run in CI")
	}
	skipped.Add(1)
	t.Skip("skipping browser test: " + howToRun)
	return ""
}

const howToRun = "chromium is not installed (apt-get install chromium, or set ANDON_CHROMIUM to a Chrome or Chromium binary)"

// skipped counts the tests of this test binary that Chromium skipped.
var skipped atomic.Int32

// TestingM is what a TestMain runs: *testing.M, or a wrapper of it.
type TestingM interface{ Run() int }

// Main runs a package's tests and exits; a package with browser tests uses
// it as its TestMain so that skipped browser tests are reported (Reporting).
func Main(m TestingM) { os.Exit(Reporting(m).Run()) }

// Reporting wraps m so that, after the tests ran, one line says how many
// browser tests were skipped for want of Chromium and how to run them. For
// TestMains that wrap m again: goleak.VerifyTestMain(browsertest.Reporting(m)).
func Reporting(m TestingM) TestingM { return reporting{m} }

type reporting struct{ m TestingM }

func (r reporting) Run() int {
	code := r.m.Run()
	if n := skipped.Load(); n > 0 {
		pkg := strings.TrimSuffix(filepath.Base(os.Args[0]), ".test")
		say(fmt.Sprintf("andon: %d browser tests in %s SKIPPED: %s; CI=true makes them fail instead", n, pkg, howToRun))
	}
	return code
}

// say writes line to stderr and, because `go test ./...` shows nothing of a
// passing package's output without -v, also to the go command's own stderr
// (Linux: /proc/PPID/fd/2) when that is another file than ours, so the line
// is seen where the "ok" lines are.
func say(line string) {
	fmt.Fprintln(os.Stderr, line)
	if testing.Verbose() {
		return // go test -v shows our stderr already
	}
	parent, err := os.OpenFile(fmt.Sprintf("/proc/%d/fd/2", os.Getppid()), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return // not Linux, or not ours to write: stderr is all we have
	}
	defer parent.Close()
	ps, err1 := parent.Stat()
	ms, err2 := os.Stderr.Stat()
	if err1 != nil || err2 != nil || os.SameFile(ps, ms) {
		return
	}
	fmt.Fprintln(parent, line)
}

// Options size the window and bound the test's browser actions.
type Options struct {
	// Width and Height are the window and viewport in CSS pixels; zero is
	// 1280x800.
	Width, Height int
	// Timeout bounds every action run on the tab; zero is 90 seconds. It
	// never reaches past the test's own deadline (less 5 seconds, to leave
	// time for the failure's screenshot and message).
	Timeout time.Duration
}

// New starts a fresh headless chromium with its own empty profile (so
// localStorage starts empty) and returns a context for one tab. The browser
// is stopped when t ends.
func New(t testing.TB, o Options) context.Context {
	t.Helper()
	if o.Width == 0 || o.Height == 0 {
		o.Width, o.Height = 1280, 800
	}
	if o.Timeout == 0 {
		o.Timeout = 90 * time.Second
	}
	path := Chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(o.Width, o.Height),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	// The first Run starts the browser; it must not carry a timeout, or the
	// browser dies with it.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(o.Width), int64(o.Height))); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("couldn't start chromium %s: %v", path, err)
	}
	timeout := o.Timeout
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if end, ok := d.Deadline(); ok && time.Until(end) < timeout+5*time.Second {
			timeout = time.Until(end) - 5*time.Second
		}
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() {
		cancel()
		cancelCtx()
		cancelAlloc()
	})
	return tctx
}

// Screenshot saves a PNG of the viewport as NAME.png in $ANDON_ARTIFACTS.
// Without it, outside CI, the PNG goes to /tmp/andon-artifacts (the system
// temporary directory), where a developer can look at it after the test;
// in CI without it, to the test's temporary directory, so the capture is
// still exercised. Each path written is logged.
func Screenshot(ctx context.Context, t testing.TB, name string) error {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return fmt.Errorf("couldn't take screenshot %s: %w", name, err)
	}
	dir := os.Getenv("ANDON_ARTIFACTS")
	switch {
	case dir != "":
	case os.Getenv("CI") != "true":
		dir = filepath.Join(os.TempDir(), "andon-artifacts")
	default:
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("couldn't create the artifact directory: %w", err)
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		return fmt.Errorf("couldn't save screenshot %s: %w", name, err)
	}
	t.Logf("screenshot: %s", p)
	return nil
}

// Key sends one non-printing key as a real keyboard does: keydown and
// keyup, no char event (chromedp's SendKeys adds a char event for Enter,
// which would type a newline after the page already acted on the key).
// vk is the Windows virtual key code (13 Enter, 27 Escape); modifiers are
// input's bit flags.
func Key(key, code string, vk, modifiers int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
			if _, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, input.DispatchKeyEventParams{
				Type: typ, Key: key, Code: code, WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk, Modifiers: modifiers,
			}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Eval evaluates the JavaScript expr in the tab and decodes its value,
// failing t when it throws or does not decode into T.
func Eval[T any](ctx context.Context, t testing.TB, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("couldn't evaluate %s: %v", expr, err)
	}
	return v
}

// Poll waits up to timeout for the JavaScript expr to be truthy, checking
// every 50 ms. An exception counts as false, because what it looks at may
// not exist yet. The caller decides what a timeout shows (a screenshot, the
// page's or a widget's text).
func Poll(ctx context.Context, timeout time.Duration, expr string) error {
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pred := `(() => { try { return !!(` + expr + `); } catch (e) { return false; } })()`
	_, err := chromedp.Run(wctx, chromedp.Poll[bool](pred, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(0)))
	return err
}
