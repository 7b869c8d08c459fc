package conversation

import (
	"context"

	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/store"
)

// langOf reduces a locale such as "sv-SE" to a language code; the phrase
// book falls back to English for languages it does not have.
func langOf(locale string) string { return bot.NormalizeLang(locale) }

func contactSavedText(locale, email string) string {
	return bot.Say(langOf(locale), bot.KeyContactSaved, email)
}

// escalationText is what the visitor reads when the cord is pulled: the
// given words (the bot's, or the hand-over phrase when there are none),
// plus, when nobody is on duty, the honest request for an e-mail address,
// in lang (the bot's reply language) or else the conversation's locale.
func (h *Hub) escalationText(ctx context.Context, c store.Conversation, lang, text string) string {
	if lang == "" {
		lang = langOf(c.Locale)
	}
	if text == "" {
		text = bot.Say(lang, bot.KeyEscalateHuman)
	}
	if h.avail.Staffing(ctx, c.Site).AgentsOnline == 0 {
		text += " " + bot.Say(lang, bot.KeyNobodyOnDuty)
	}
	return text
}
