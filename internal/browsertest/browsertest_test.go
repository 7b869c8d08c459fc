package browsertest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser starts chromium at a phone's size, presses Enter in a text
// field and keeps a screenshot where ANDON_ARTIFACTS says.
func TestMain(m *testing.M) { Main(m) }

func TestBrowser(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("ANDON_ARTIFACTS", dir)
	ctx := New(t, Options{Width: 390, Height: 844, Timeout: 30 * time.Second})
	page := `data:text/html,<textarea id=t autofocus></textarea><script>
		window.keys = [];
		for (const k of ['keydown', 'keypress', 'keyup']) t.addEventListener(k, e => keys.push(k + ':' + e.key));
	</script>`
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.Focus(chromedp.JSPath(`document.getElementById("t")`)), Key("Enter", "Enter", 13, 0)); err != nil {
		t.Fatal(err)
	}
	if err := Poll(ctx, 5*time.Second, `keys.length === 2`); err != nil {
		t.Fatalf("the key events never came: %v", err)
	}
	if err := Poll(ctx, 200*time.Millisecond, `nothing.here === 1`); err == nil {
		t.Error("Poll of an expression that throws did not time out")
	}
	if got := Eval[[]string](ctx, t, `keys`); len(got) != 2 || got[0] != "keydown:Enter" || got[1] != "keyup:Enter" {
		t.Errorf("key events %v, want keydown and keyup without a char", got)
	}
	if v := Eval[string](ctx, t, `document.getElementById('t').value`); v != "" {
		t.Errorf("Enter typed %q", v)
	}
	if w := Eval[int](ctx, t, `innerWidth`); w != 390 {
		t.Errorf("viewport width %d", w)
	}
	if err := Screenshot(ctx, t, "browsertest-phone"); err != nil {
		t.Fatal(err)
	}
	png, err := os.ReadFile(filepath.Join(dir, "browsertest-phone.png"))
	if err != nil || len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Fatalf("screenshot: %d bytes, %v", len(png), err)
	}
}
