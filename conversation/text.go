package conversation

import (
	"context"
	"fmt"
	"strings"

	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/store"
)

// contactSaved confirms an e-mail address left for an offline reply; the
// bot's phrase book has no such sentence, since the bot never sees it.
var contactSaved = map[string]string{
	bot.LangEnglish: "Thanks! We will reply to %s.",
	bot.LangSwedish: "Tack! Vi svarar till %s.",
}

// langOf reduces a locale such as "sv-SE" to a language the phrases know,
// English otherwise.
func langOf(locale string) string {
	lang, _, _ := strings.Cut(strings.ToLower(locale), "-")
	lang, _, _ = strings.Cut(lang, "_")
	if _, ok := contactSaved[lang]; ok {
		return lang
	}
	return bot.LangEnglish
}

func contactSavedText(locale, email string) string {
	return fmt.Sprintf(contactSaved[langOf(locale)], email)
}

// escalationText is what the visitor reads when the cord is pulled: the
// given words (the bot's, or the hand-over phrase when there are none),
// plus, when nobody is on duty, the honest request for an e-mail address.
func (h *Hub) escalationText(ctx context.Context, c store.Conversation, text string) string {
	lang := langOf(c.Locale)
	if text == "" {
		text = bot.Say(lang, bot.KeyEscalateHuman)
	}
	if h.avail.Staffing(ctx, c.Site).AgentsOnline == 0 {
		text += " " + bot.Say(lang, bot.KeyNobodyOnDuty)
	}
	return text
}
