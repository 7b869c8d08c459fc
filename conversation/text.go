package conversation

import (
	"context"
	"github.com/andon-chat/andon/internal/locale"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/store"
)

// contactSavedText confirms the visitor's address, and, when no reply can
// be mailed, says so rather than promise an e-mail.
func contactSavedText(loc, email string, mail bool) string {
	if !mail {
		return locale.Text(locale.Lang(loc), "wait.saved_nomail", email)
	}
	return bot.Say(locale.Lang(loc), bot.KeyContactSaved, email)
}

// escalationText is what the visitor reads when the cord is pulled: the
// given words (the bot's, or the hand-over phrase when there are none),
// then who will come and about when, or, outside business hours or with
// nobody online, that nobody is there and a request for an e-mail address;
// in lang (the bot's reply language) or else the conversation's locale.
func (h *Hub) escalationText(ctx context.Context, c store.Conversation, reason, lang, text string) string {
	if lang == "" {
		lang = locale.Lang(c.Locale)
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
	who := joinNames(lang, s.Names)
	switch {
	case who == "" && s.Team != "":
		who = locale.Text(lang, "wait.someone_from", s.Team)
	case who == "":
		who = locale.Text(lang, "wait.someone")
	case s.Team != "":
		who = locale.Text(lang, "wait.person_from", who, s.Team)
	}
	return locale.Text(lang, "wait.with_you", who, waitText(lang, s.ExpectedWait))
}

// nobodyText is why nobody comes now: nobody online, or closed, and then
// when the hours open again when that is known.
func nobodyText(lang string, s Staffing) string {
	if s.Open {
		return locale.Text(lang, "wait.nobody")
	}
	switch when := whenText(lang, s.OpensAt, s.Now); {
	case when != "" && s.Team != "":
		return locale.Text(lang, "wait.opens_team", capitalize(s.Team), when)
	case when != "":
		return locale.Text(lang, "wait.opens", when)
	case s.Team != "":
		return locale.Text(lang, "wait.closed_team", capitalize(s.Team))
	}
	return locale.Text(lang, "wait.closed")
}

// followUpText is what happens to a reply the visitor is not there for.
func followUpText(lang string, mail bool, email string) string {
	switch {
	case !mail:
		return locale.Text(lang, "wait.stays")
	case email != "":
		return locale.Text(lang, "wait.reply_to", email)
	}
	return locale.Text(lang, "wait.ask_email")
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
	switch {
	case days <= 0:
		return locale.Text(lang, "wait.today", clock)
	case days == 1:
		return locale.Text(lang, "wait.tomorrow", clock)
	case days < 7:
		return locale.Text(lang, "wait.weekday", strings.Fields(locale.Text(lang, "time.weekdays"))[at.Weekday()], clock)
	}
	return locale.Text(lang, "wait.date", ad, strings.Fields(locale.Text(lang, "time.months"))[am-1], clock)
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
func waitText(lang string, d time.Duration) string {
	switch {
	case d <= time.Minute:
		return locale.Text(lang, "wait.within_minute")
	case d < 90*time.Minute:
		return locale.Text(lang, "wait.minutes", int((d+time.Minute/2)/time.Minute))
	}
	if hrs := int((d + time.Hour/2) / time.Hour); hrs != 1 {
		return locale.Text(lang, "wait.hours", hrs)
	}
	return locale.Text(lang, "wait.hour")
}

// joinNames lists up to three names as alternatives: "Anna", "Anna or
// Bert", "Anna, Bert or Carl".
func joinNames(lang string, names []string) string {
	if len(names) > 3 {
		names = names[:3]
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return locale.Text(lang, "list.or", strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
