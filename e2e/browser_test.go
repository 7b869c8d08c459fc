package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds the browser: ANDON_CHROMIUM, else Debian's chromium.
// Without one the test skips, or fails when CI=true, because CI installs it
// and a silent skip there would hide that the browser tests never ran.
func chromiumPath(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv("ANDON_CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"}
	for _, c := range candidates {
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
	t.Skip("skipping browser test: chromium is not installed (apt-get install chromium, or set ANDON_CHROMIUM)")
	return ""
}

// newBrowser starts a fresh headless chromium with its own profile, so
// localStorage starts empty, and returns a context for one tab. Every action
// run on it is bounded by the test's deadline.
func newBrowser(t *testing.T, width, height int) context.Context {
	t.Helper()
	path := chromiumPath(t)
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
		chromedp.WindowSize(width, height),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	// The first Run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("couldn't start chromium %s: %v", path, err)
	}
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	deadline := 90 * time.Second
	if d, ok := t.Deadline(); ok && time.Until(d) < deadline+5*time.Second {
		deadline = time.Until(d) - 5*time.Second
	}
	tctx, cancel := context.WithTimeout(ctx, deadline)
	t.Cleanup(cancel)
	return tctx
}

// artifactDirs remembers each test's artifact directory, so that all its
// screenshots land in one place.
var artifactDirs sync.Map // *testing.T -> string

// artifactDir is where screenshots go: ANDON_ARTIFACTS when set (CI keeps
// it), else one temporary directory per test.
func artifactDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("ANDON_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatalf("couldn't create artifact directory: %v", err)
		}
		return d
	}
	if d, ok := artifactDirs.Load(t); ok {
		return d.(string)
	}
	d := t.TempDir()
	artifactDirs.Store(t, d)
	t.Cleanup(func() { artifactDirs.Delete(t) })
	return d
}

// screenshot saves a PNG of the viewport as NAME.png in the artifact
// directory. Outside CI a copy also goes to /tmp/andon-artifacts, where a
// developer can look at it after the temporary directory is gone.
func screenshot(ctx context.Context, t *testing.T, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("couldn't take screenshot %s: %v", name, err)
	}
	dirs := []string{artifactDir(t)}
	if os.Getenv("CI") != "true" && os.Getenv("ANDON_ARTIFACTS") == "" {
		dirs = append(dirs, filepath.Join(os.TempDir(), "andon-artifacts"))
	}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatalf("couldn't create %s: %v", d, err)
		}
		p := filepath.Join(d, name+".png")
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatalf("couldn't save screenshot: %v", err)
		}
		t.Logf("screenshot: %s", p)
	}
}

// pressKey sends one key as a real keyboard would for a non-printing key:
// keydown and keyup, no char event (chromedp's SendKeys adds a char event
// for Enter, which would type a newline after the widget already sent).
func pressKey(key, code string, vk int64, mods int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
			_, err := cdp.Call(ctx, t, input.DispatchKeyEvent, input.DispatchKeyEventParams{
				Type: typ, Key: key, Code: code, WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk, Modifiers: mods,
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func enterKey() chromedp.Action[chromedp.Void]  { return pressKey("Enter", "Enter", 13, 0) }
func escapeKey() chromedp.Action[chromedp.Void] { return pressKey("Escape", "Escape", 27, 0) }
