package handoff

import (
	"fmt"

	"github.com/andon-chat/andon/bot"
)

// What the desk tells the visitor, by language. Keys are the occasions.
var visitorPhrases = map[string]map[string]string{
	"en": {
		"joined":        "%s joined",
		"transfer":      "%s is passing you on to %s; they'll see this conversation.",
		"transfer_to":   "%s is passing you on to %s.",
		"colleague":     "a colleague",
		"handback":      "%s handed you back to the assistant. Ask away!",
		"resolved":      "%s closed this conversation. Write again any time if you need more help.",
		"agent_left":    "%s had to leave, so you're back in the queue.",
		"sla_missed":    "Sorry for the wait: everyone is busy right now.",
		"sla_paged":     "Sorry for the wait: everyone is busy right now, and we've asked more people to step in.",
		"sla_ask_email": "If you'd rather not wait, leave your e-mail address and we'll reply there.",
		"sla_reply_to":  "If you leave, we'll reply to %s.",
		"sla_stays":     "If you leave, the reply will wait in this chat: opening this page in this browser brings you back to it.",
	},
	"sv": {
		"joined":        "%s anslöt",
		"transfer":      "%s skickar dig vidare till %s; de ser hela samtalet.",
		"transfer_to":   "%s skickar dig vidare till %s.",
		"colleague":     "en kollega",
		"handback":      "%s lämnade tillbaka dig till assistenten. Fråga på!",
		"resolved":      "%s avslutade samtalet. Skriv igen när du vill om du behöver mer hjälp.",
		"agent_left":    "%s var tvungen att gå, så du står i kö igen.",
		"sla_missed":    "Förlåt att det dröjer: alla är upptagna just nu.",
		"sla_paged":     "Förlåt att det dröjer: alla är upptagna just nu, och vi har bett fler att hjälpa till.",
		"sla_ask_email": "Vill du inte vänta kan du lämna din e-postadress så svarar vi där.",
		"sla_reply_to":  "Om du går härifrån svarar vi till %s.",
		"sla_stays":     "Om du går härifrån väntar svaret i den här chatten: öppnar du sidan i den här webbläsaren kommer du tillbaka hit.",
	},
}

// say returns the phrase for key in the language of locale (English when
// there is none), filled with args.
func say(locale, key string, args ...any) string {
	l := "en"
	if bot.NormalizeLang(locale) == bot.LangSwedish {
		l = "sv"
	}
	p := visitorPhrases[l][key]
	if len(args) > 0 {
		return fmt.Sprintf(p, args...)
	}
	return p
}

// slaMissedText is the visitor's apology when the SLA passes: more people
// were asked to step in only when someone was paged, and the reply is
// promised by e-mail only when mail can be sent.
func slaMissedText(locale string, paged, mail bool, email string) string {
	text := say(locale, "sla_missed")
	if paged {
		text = say(locale, "sla_paged")
	}
	switch {
	case !mail:
		return text + " " + say(locale, "sla_stays")
	case email != "":
		return text + " " + say(locale, "sla_reply_to", email)
	}
	return text + " " + say(locale, "sla_ask_email")
}
