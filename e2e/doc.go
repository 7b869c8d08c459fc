// Package e2e holds the browser tests: a real chromium (through chromedp)
// loads the demo page from a real andon server and uses the widget the way a
// visitor would. The tests live in _test.go files; they skip when chromium
// is not installed, and fail instead when the environment variable CI=true.
package e2e
