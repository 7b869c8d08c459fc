package conversation

import (
	"context"
	"fmt"
	"strings"

	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/store"
)

// The hub's own sentences to a visitor, for the moments the bot is not
// asked: a person was requested, contact details were left, the visitor
// said an answer did not help.
const (
	keyPersonComing    = "person_coming"
	keyNobodyOnDuty    = "nobody_on_duty"
	keyContactSaved    = "contact_saved"
	keyNegativeFeedbak = "negative_feedback"
)

var texts = map[string]map[string]string{
	"en": {
		keyPersonComing:    "I'm bringing in a person. They will answer here.",
		keyNobodyOnDuty:    "I'm handing this to a person. Nobody is on duty right now: leave your e-mail address and we will reply as soon as we can.",
		keyContactSaved:    "Thanks! We will reply to %s.",
		keyNegativeFeedbak: "Sorry that didn't help. I'm bringing in a person.",
	},
	"sv": {
		keyPersonComing:    "Jag kopplar in en person. Hen svarar här.",
		keyNobodyOnDuty:    "Jag lämnar över till en person. Ingen är i tjänst just nu: lämna din e-postadress så svarar vi så snart vi kan.",
		keyContactSaved:    "Tack! Vi svarar till %s.",
		keyNegativeFeedbak: "Förlåt att det inte hjälpte. Jag kopplar in en person.",
	},
}

// langOf reduces a locale such as "sv-SE" to a language the texts know,
// English otherwise.
func langOf(locale string) string {
	lang, _, _ := strings.Cut(strings.ToLower(locale), "-")
	lang, _, _ = strings.Cut(lang, "_")
	if _, ok := texts[lang]; ok {
		return lang
	}
	return "en"
}

func say(lang, key string, args ...any) string {
	t := texts[langOf(lang)][key]
	if len(args) > 0 {
		return fmt.Sprintf(t, args...)
	}
	return t
}

// escalationText is what the visitor reads when a person is asked for:
// honest about whether someone is on duty.
func (h *Hub) escalationText(ctx context.Context, c store.Conversation) string {
	if h.avail.Staffing(ctx, c.Site).AgentsOnline > 0 {
		return say(langOf(c.Locale), keyPersonComing)
	}
	return say(langOf(c.Locale), keyNobodyOnDuty)
}

// negativeFeedback is the decision recorded when a visitor marks a bot
// answer as unhelpful.
func negativeFeedback(lang string) bot.Decision {
	return bot.Decision{
		Action: bot.Escalate, Reason: ReasonNegativeFeedback, Rule: "feedback",
		Reply: say(lang, keyNegativeFeedbak), Lang: langOf(lang),
	}
}
