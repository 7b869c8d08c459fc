package widget

import (
	"regexp"
	"strings"

	"github.com/andon-chat/andon/conversation"
)

// AttrDevice is the attribute the server sets from the visitor's User-Agent
// ("Chrome on Android, phone"), so an agent sees what the visitor uses. A
// site may set it itself; the server fills it only when it is missing.
const AttrDevice = "device"

// The checks run in order; the first match names the browser. Edge and
// Opera carry "Chrome" too, and Chrome carries "Safari", so they come first.
var (
	browsers = []struct{ name, token string }{
		{"Edge", "Edg/"}, {"Opera", "OPR/"}, {"Samsung Internet", "SamsungBrowser/"},
		{"Firefox", "Firefox/"}, {"Firefox", "FxiOS/"}, {"Chrome", "CriOS/"},
		{"Chrome", "Chrome/"}, {"Safari", "Safari/"},
	}
	systems = []struct{ name, token string }{
		{"Android", "Android"}, {"iOS", "iPhone"}, {"iPadOS", "iPad"}, {"Windows", "Windows"},
		{"macOS", "Mac OS X"}, {"ChromeOS", "CrOS"}, {"Linux", "Linux"},
	}
	phoneRE = regexp.MustCompile(`Mobile|iPhone|Android.*Mobile`)
)

// describeDevice turns a User-Agent header into a short description for
// the agent's context panel, or "" when it says nothing recognisable.
func describeDevice(ua string) string {
	if ua == "" {
		return ""
	}
	browser, system := "", ""
	for _, b := range browsers {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	for _, s := range systems {
		if strings.Contains(ua, s.token) {
			system = s.name
			break
		}
	}
	kind := "desktop"
	switch {
	case strings.Contains(ua, "iPad") || (strings.Contains(ua, "Android") && !strings.Contains(ua, "Mobile")):
		kind = "tablet"
	case phoneRE.MatchString(ua):
		kind = "phone"
	}
	switch {
	case browser == "" && system == "":
		return ""
	case browser == "":
		return system + ", " + kind
	case system == "":
		return browser + ", " + kind
	}
	return browser + " on " + system + ", " + kind
}

// withDevice returns attrs with the device attribute set to d (a
// describeDevice result) when the site did not set one. attrs is not
// modified.
func withDevice(attrs map[string]string, d string) map[string]string {
	return withDefault(attrs, AttrDevice, d)
}

// withTimeZone is withDevice for the visitor's time zone from hello, kept
// so that an opening time is said in the visitor's clock.
func withTimeZone(attrs map[string]string, tz string) map[string]string {
	return withDefault(attrs, conversation.AttrTimeZone, tz)
}

// withDefault returns attrs with key set to v when the site did not set it
// and v is not empty. attrs is not modified.
func withDefault(attrs map[string]string, key, v string) map[string]string {
	if _, ok := attrs[key]; ok || v == "" {
		return attrs
	}
	out := make(map[string]string, len(attrs)+1)
	for k, v := range attrs {
		out[k] = v
	}
	out[key] = v
	return out
}
