package handoff

import (
	"strings"

	"github.com/andon-chat/andon/internal/locale"
)

// Reason codes the desk itself gives.
const (
	ReasonAgentLeft  = "agent_left"  // the owner's console closed beyond the grace period
	ReasonTransfer   = "transferred" // passed to a team's queue
	ReasonHandedBack = "handed_back" // back to the bot
	ReasonResolved   = "resolved"    // closed by an agent
	ReasonOrphaned   = "orphaned"    // found without an owner at start
)

// ReasonText says an escalation reason code in plain words for an agent, in
// lang ("en" or "sv"; others get English): "sensitive:billing" is
// "Sensitive topic: billing". An unknown code is shown as it is, with
// underscores as spaces, rather than hidden.
func ReasonText(reason, lang string) string {
	if key := "reason." + reason; locale.Known(key) {
		return locale.Text(lang, key)
	}
	family, detail, ok := strings.Cut(reason, ":")
	if ok {
		if key := "reason." + family + ":"; locale.Known(key) {
			if t := "topic." + detail; locale.Known(t) {
				detail = locale.Text(lang, t)
			} else {
				detail = strings.ReplaceAll(detail, "_", " ")
			}
			return locale.Text(lang, key, detail)
		}
	}
	if reason == "" {
		return ""
	}
	s := strings.ReplaceAll(reason, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}
