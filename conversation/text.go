package conversation

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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
// then who will come and about when, or, outside business hours or with
// nobody online, that nobody is there and a request for an e-mail address;
// in lang (the bot's reply language) or else the conversation's locale.
func (h *Hub) escalationText(ctx context.Context, c store.Conversation, reason, lang, text string) string {
	if lang == "" {
		lang = langOf(c.Locale)
	}
	if text == "" {
		text = bot.Say(lang, bot.KeyEscalateHuman)
	}
	return text + " " + staffingText(lang, h.availability().Staffing(ctx, c.Site, reason), c.Email)
}

// staffingText says honestly who comes and when: "Anna or Bert from the
// billing team should be with you in about 3 minutes.", or why nobody
// comes now and what to do instead: leave an e-mail address, or, when the
// visitor has left one, that the reply goes there.
func staffingText(lang string, s Staffing, email string) string {
	sv := lang == bot.LangSwedish
	if !s.staffed() && email != "" {
		who := map[bool]string{false: "Nobody from the team is online right now", true: "Ingen från teamet är inloggad just nu"}[sv]
		if !s.Open {
			who = map[bool]string{false: "We're closed right now", true: "Vi har stängt just nu"}[sv]
			if s.Team != "" {
				who = capitalize(s.Team) + map[bool]string{false: " is closed right now", true: " har stängt just nu"}[sv]
			}
		}
		if sv {
			return fmt.Sprintf("%s, så vi svarar till %s.", who, email)
		}
		return fmt.Sprintf("%s, so we'll reply to %s.", who, email)
	}
	switch {
	case !s.Open && s.Team != "":
		if sv {
			return fmt.Sprintf("%s har stängt just nu, så lämna gärna din e-postadress så svarar de där.", capitalize(s.Team))
		}
		return fmt.Sprintf("%s is closed right now, so please leave your e-mail address and they'll reply there.", capitalize(s.Team))
	case !s.Open:
		if sv {
			return "Vi har stängt just nu, så lämna gärna din e-postadress så svarar vi där."
		}
		return "We're closed right now, so please leave your e-mail address and we'll reply there."
	case s.AgentsOnline <= 0:
		return bot.Say(lang, bot.KeyNobodyOnDuty)
	}
	who := joinNames(s.Names, sv)
	if who == "" {
		who = map[bool]string{false: "Someone from our team", true: "Någon från vårt team"}[sv]
		if s.Team != "" {
			who = map[bool]string{false: "Someone from ", true: "Någon från "}[sv] + s.Team
		}
	} else if s.Team != "" {
		who += map[bool]string{false: " from ", true: " från "}[sv] + s.Team
	}
	if sv {
		return who + " bör vara här " + waitText(s.ExpectedWait, true) + "."
	}
	return who + " should be with you " + waitText(s.ExpectedWait, false) + "."
}

// waitText is a rounded wait in words: "within a minute", "in about 4
// minutes", "in about 2 hours".
func waitText(d time.Duration, sv bool) string {
	switch {
	case d <= time.Minute:
		if sv {
			return "inom en minut"
		}
		return "within a minute"
	case d < 90*time.Minute:
		m := int((d + time.Minute/2) / time.Minute)
		if sv {
			return fmt.Sprintf("om ungefär %d minuter", m)
		}
		return fmt.Sprintf("in about %d minutes", m)
	}
	hrs := int((d + time.Hour/2) / time.Hour)
	if sv {
		if hrs == 1 {
			return "om ungefär en timme"
		}
		return fmt.Sprintf("om ungefär %d timmar", hrs)
	}
	if hrs == 1 {
		return "in about an hour"
	}
	return fmt.Sprintf("in about %d hours", hrs)
}

// joinNames lists up to three names as alternatives: "Anna", "Anna or
// Bert", "Anna, Bert or Carl".
func joinNames(names []string, sv bool) string {
	if len(names) > 3 {
		names = names[:3]
	}
	or := " or "
	if sv {
		or = " eller "
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + or + names[len(names)-1]
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
