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

// contactSavedText confirms the visitor's address, and, when no reply can
// be mailed, says so rather than promise an e-mail.
func contactSavedText(locale, email string, mail bool) string {
	if !mail {
		return offline(langOf(locale), "saved_nomail", email)
	}
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
	return text + " " + staffingText(lang, h.staffing(ctx, c, reason), c.Email)
}

// staffing is Staffing for conversation c, with the opening time moved to
// the visitor's time zone when their browser told it.
func (h *Hub) staffing(ctx context.Context, c store.Conversation, reason string) Staffing {
	s := h.availability().Staffing(ctx, c.Site, reason)
	if loc := visitorZone(c); loc != nil && !s.OpensAt.IsZero() {
		s.OpensAt = s.OpensAt.In(loc)
	}
	return s
}

// staffingText says honestly who comes and when: "Anna or Bert from the
// billing team should be with you in about 3 minutes.", or why nobody
// comes now (nobody online, or closed until a named time), then what
// happens to the reply: e-mailed to the address the visitor left, or to
// one they may leave, or, with no mail server configured, kept here in
// the chat for when they come back.
func staffingText(lang string, s Staffing, email string) string {
	if !s.staffed() {
		return nobodyText(lang, s) + " " + followUpText(lang, s.Mail, email)
	}
	sv := lang == bot.LangSwedish
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

// Phrases for a visitor nobody can answer now, by language.
var offlinePhrases = map[string]map[string]string{
	"en": {
		"nobody":       "Nobody from the team is online right now.",
		"closed":       "We're closed right now.",
		"closed_team":  "%s is closed right now.",
		"opens":        "We're closed right now and open again %s.",
		"opens_team":   "%s is closed right now and opens again %s.",
		"ask_email":    "Please leave your e-mail address and we'll reply there.",
		"reply_to":     "We'll reply to %s.",
		"stays":        "Your conversation stays here: the reply will wait in this chat, and opening this page in this browser brings you back to it.",
		"today":        "today at %s",
		"tomorrow":     "tomorrow at %s",
		"weekday":      "on %s at %s",
		"date":         "on %d %s at %s",
		"saved_nomail": "Thanks, we've noted %s. We can't send e-mail from here, so the reply will wait in this chat.",
		"ack":          "Added to your conversation; the team will see it.",
		"ack_eta":      "Added to your conversation; the team will see it. Someone should be with you %s.",
		"ack_position": "Added to your conversation; the team will see it. You're number %d in the queue; someone should be with you %s.",
		"back_to_bot":  "Until someone joins you can go back to the assistant for routine questions.",
		"bot_back":     "You're back with the assistant. You keep your place in the queue: when someone from the team joins, they'll take over here.",
	},
	"sv": {
		"nobody":       "Ingen från teamet är inloggad just nu.",
		"closed":       "Vi har stängt just nu.",
		"closed_team":  "%s har stängt just nu.",
		"opens":        "Vi har stängt just nu och öppnar igen %s.",
		"opens_team":   "%s har stängt just nu och öppnar igen %s.",
		"ask_email":    "Lämna gärna din e-postadress så svarar vi där.",
		"reply_to":     "Vi svarar till %s.",
		"stays":        "Samtalet finns kvar här: svaret väntar i den här chatten, och öppnar du sidan i den här webbläsaren kommer du tillbaka hit.",
		"today":        "i dag kl. %s",
		"tomorrow":     "i morgon kl. %s",
		"weekday":      "på %s kl. %s",
		"date":         "den %d %s kl. %s",
		"saved_nomail": "Tack, vi har noterat %s. Vi kan inte skicka e-post härifrån, så svaret väntar i den här chatten.",
		"ack":          "Tillagt i samtalet; teamet ser det.",
		"ack_eta":      "Tillagt i samtalet; teamet ser det. Någon bör vara här %s.",
		"ack_position": "Tillagt i samtalet; teamet ser det. Du är nummer %d i kön; någon bör vara här %s.",
		"back_to_bot":  "Tills någon ansluter kan du gå tillbaka till assistenten med vanliga frågor.",
		"bot_back":     "Du är tillbaka hos assistenten. Du behåller din plats i kön: när någon från teamet ansluter tar de över här.",
	},
}

var (
	weekdaysSv = [7]string{"söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"}
	monthsSv   = [12]string{"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"}
)

// offline returns the phrase key in lang (English unless Swedish), filled
// with args.
func offline(lang, key string, args ...any) string {
	l := "en"
	if lang == bot.LangSwedish {
		l = "sv"
	}
	if len(args) > 0 {
		return fmt.Sprintf(offlinePhrases[l][key], args...)
	}
	return offlinePhrases[l][key]
}

// nobodyText is why nobody comes now: nobody online, or closed, and then
// when the hours open again when that is known.
func nobodyText(lang string, s Staffing) string {
	if s.Open {
		return offline(lang, "nobody")
	}
	switch when := whenText(lang, s.OpensAt, s.Now); {
	case when != "" && s.Team != "":
		return offline(lang, "opens_team", capitalize(s.Team), when)
	case when != "":
		return offline(lang, "opens", when)
	case s.Team != "":
		return offline(lang, "closed_team", capitalize(s.Team))
	}
	return offline(lang, "closed")
}

// followUpText is what happens to a reply the visitor is not there for.
func followUpText(lang string, mail bool, email string) string {
	switch {
	case !mail:
		return offline(lang, "stays")
	case email != "":
		return offline(lang, "reply_to", email)
	}
	return offline(lang, "ask_email")
}

// whenText is an opening time as the visitor reads it, in at's time zone
// (the visitor's, when the caller put it there): "today at 09:00",
// "tomorrow at 09:00", "on Monday at 09:00" within the week, else "on 24
// December at 09:00". "" when at is zero.
func whenText(lang string, at, now time.Time) string {
	if at.IsZero() {
		return ""
	}
	if now.IsZero() {
		now = time.Now()
	}
	now = now.In(at.Location())
	clock := at.Format("15:04")
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, at.Location())
	ay, am, ad := at.Date()
	days := int(time.Date(ay, am, ad, 0, 0, 0, 0, at.Location()).Sub(today).Hours()+12) / 24
	sv := lang == bot.LangSwedish
	switch {
	case days <= 0:
		return offline(lang, "today", clock)
	case days == 1:
		return offline(lang, "tomorrow", clock)
	case days < 7 && sv:
		return offline(lang, "weekday", weekdaysSv[at.Weekday()], clock)
	case days < 7:
		return offline(lang, "weekday", at.Weekday().String(), clock)
	case sv:
		return offline(lang, "date", ad, monthsSv[am-1], clock)
	}
	return offline(lang, "date", ad, am.String(), clock)
}

// visitorZone is the time zone the visitor's browser reported (the
// time_zone attribute), or nil.
func visitorZone(c store.Conversation) *time.Location {
	name := c.Attributes[AttrTimeZone]
	if name == "" {
		return nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	return loc
}

// AttrTimeZone is the attribute that keeps the visitor's IANA time zone
// from their hello, so that an opening time is said in their clock.
const AttrTimeZone = "time_zone"

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
