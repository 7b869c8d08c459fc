package bot

import (
	"strings"

	"github.com/andon-chat/andon/internal/locale"
)

// Keys of the visitor-facing phrases in the catalogue (internal/locale;
// the hand-over messages say that the conversation goes to a person who
// will see it, and promise neither that someone is there nor a time, which
// the conversation knows and says next), so that callers in other packages (the
// widget, the conversation) say the same thing in the same words.
const (
	KeyEscalate                 = "bot.escalate"                   // generic hand-over to a person
	KeyEscalateHuman            = "bot.escalate.asked_for_human"   // the visitor asked for a person
	KeyEscalateSensitive        = "bot.escalate.sensitive"         // billing disputes, legal, security, ...
	KeyEscalatePersonalData     = "bot.escalate.personal_data"     // card number, personnummer, IBAN in chat
	KeyEscalateSelfHarm         = "bot.escalate.self_harm"         // caring message with emergency numbers
	KeyEscalateFrustration      = "bot.escalate.frustration"       // repeats, "that doesn't help", shouting
	KeyEscalateNegativeFeedback = "bot.escalate.negative_feedback" // thumbs-down on an answer
	KeyEscalateLowConfidence    = "bot.escalate.low_confidence"    // nothing in the knowledge base is close
	KeyPersonalDataWarning      = "bot.personal_data_warning"      // the warning alone, without the hand-over
	KeyClarify                  = "bot.clarify"                    // intro to two or three candidate articles
	KeyClarifyNone              = "bot.clarify.none"               // the "none of these" choice
	KeyAnswerFrom               = "bot.answer.from"                // names the article an extractive quote is from, %s
	KeySources                  = "bot.sources"                    // label above the source links
	KeyNobodyOnDuty             = "bot.nobody_on_duty"             // no agent online: ask for an e-mail
	KeyContactSaved             = "bot.contact_saved"              // the e-mail for an offline reply, %s
	KeyHello                    = "bot.smalltalk.hello"
	KeyThanks                   = "bot.smalltalk.thanks"
	KeyBye                      = "bot.smalltalk.bye"
	KeyAck                      = "bot.smalltalk.ack"
)

// Say returns the phrase key in lang (a language code or a locale such as
// "sv-SE"), falling back to English when the language or the key is missing
// there. Args fill fmt verbs in the phrase. An unknown key returns the key
// itself, which a test notices and a visitor at least does not see as silence.
func Say(lang, key string, args ...any) string {
	if !locale.Known(key) {
		return key
	}
	return locale.Text(lang, key, args...)
}

// EscalationReply is the visitor's message for an escalation with the given
// reason code, chosen by the reason's family ("sensitive:billing" →
// sensitive). Callers that escalate for their own reasons (low_confidence in
// the decision, a thumbs-down) use it too, so every hand-over sounds alike.
func EscalationReply(lang, reason string) string {
	return Say(lang, escalationKey(reason))
}

func escalationKey(reason string) string {
	family, _, _ := strings.Cut(reason, ":")
	switch {
	case reason == ReasonSelfHarm:
		return KeyEscalateSelfHarm
	case reason == ReasonAskedForHuman:
		return KeyEscalateHuman
	case reason == ReasonNegativeFeedback:
		return KeyEscalateNegativeFeedback
	case reason == ReasonLowConfidence:
		return KeyEscalateLowConfidence
	case family == familySensitive:
		return KeyEscalateSensitive
	case family == familyPersonalData:
		return KeyEscalatePersonalData
	case family == familyFrustration:
		return KeyEscalateFrustration
	}
	return KeyEscalate
}
