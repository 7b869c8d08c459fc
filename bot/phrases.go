package bot

import (
	"fmt"
	"strings"
)

// Keys of the visitor-facing phrases, so that callers in other packages (the
// widget, the conversation) say the same thing in the same words.
const (
	KeyEscalate                 = "escalate"                   // generic hand-over to a person
	KeyEscalateHuman            = "escalate.asked_for_human"   // the visitor asked for a person
	KeyEscalateSensitive        = "escalate.sensitive"         // billing disputes, legal, security, ...
	KeyEscalatePersonalData     = "escalate.personal_data"     // card number, personnummer, IBAN in chat
	KeyEscalateSelfHarm         = "escalate.self_harm"         // caring message with emergency numbers
	KeyEscalateFrustration      = "escalate.frustration"       // repeats, "that doesn't help", shouting
	KeyEscalateNegativeFeedback = "escalate.negative_feedback" // thumbs-down on an answer
	KeyEscalateLowConfidence    = "escalate.low_confidence"    // nothing in the knowledge base is close
	KeyPersonalDataWarning      = "personal_data_warning"      // the warning alone, without the hand-over
	KeyClarify                  = "clarify"                    // intro to two or three candidate articles
	KeyClarifyNone              = "clarify.none"               // the "none of these" choice
	KeyAnswerFrom               = "answer.from"                // names the article an extractive quote is from, %s
	KeySources                  = "sources"                    // label above the source links
	KeyNobodyOnDuty             = "nobody_on_duty"             // no agent online: ask for an e-mail
	KeyContactSaved             = "contact_saved"              // the e-mail for an offline reply, %s
	KeyHello                    = "smalltalk.hello"
	KeyThanks                   = "smalltalk.thanks"
	KeyBye                      = "smalltalk.bye"
	KeyAck                      = "smalltalk.ack"
)

// phrases holds every visitor-facing sentence. The hand-over messages say
// that the conversation goes to a person who will see it; they promise
// neither that someone is there nor a time, which the conversation knows
// (and says next) and the bot does not.
var phrases = map[string]map[string]string{
	LangEnglish: {
		KeyEscalate:                 "I'm passing this to a person from our team; they'll see this conversation.",
		KeyEscalateHuman:            "Of course. I'm passing this to a person from our team; they'll see this conversation.",
		KeyEscalateSensitive:        "A person should look at this, so I'm passing it to someone from our team; they'll see this conversation.",
		KeyEscalatePersonalData:     "Please don't share card numbers, personal identity numbers or bank details in the chat. I'm passing this to a person from our team who can help you safely; they'll see this conversation.",
		KeyEscalateSelfHarm:         "I'm really sorry you're feeling this way, and I'm glad you told us. If you're in danger right now, please call 112 or your local emergency number. I'm passing this to a person from our team.",
		KeyEscalateFrustration:      "Sorry, I'm not getting this right. I'm passing this to a person from our team; they'll see this conversation.",
		KeyEscalateNegativeFeedback: "Sorry that didn't help. I'm passing this to a person from our team; they'll see this conversation.",
		KeyEscalateLowConfidence:    "I'm not sure I have the right answer, so I'm asking a person to help. They'll see this conversation.",
		KeyPersonalDataWarning:      "Please don't share card numbers, personal identity numbers or bank details in the chat.",
		KeyClarify:                  "Do you mean one of these?",
		KeyClarifyNone:              "None of these",
		KeyAnswerFrom:               "From “%s”:",
		KeySources:                  "Sources",
		KeyNobodyOnDuty:             "Nobody from the team is online right now, so please leave your e-mail address and they'll reply there.",
		KeyContactSaved:             "Thanks! We'll reply to %s.",
		KeyHello:                    "Hi! What can I help you with?",
		KeyThanks:                   "You're welcome! Is there anything else I can help with?",
		KeyBye:                      "Thanks for stopping by. Have a nice day!",
		KeyAck:                      "Great! Just ask if there's anything else.",
	},
	LangSwedish: {
		KeyEscalate:                 "Jag lämnar över till en person från vårt team; de ser hela samtalet.",
		KeyEscalateHuman:            "Självklart. Jag lämnar över till en person från vårt team; de ser hela samtalet.",
		KeyEscalateSensitive:        "Det här bör en person titta på, så jag lämnar över till någon från vårt team; de ser hela samtalet.",
		KeyEscalatePersonalData:     "Dela helst inte kortnummer, personnummer eller bankuppgifter i chatten. Jag lämnar över till en person från vårt team som kan hjälpa dig på ett säkert sätt; de ser hela samtalet.",
		KeyEscalateSelfHarm:         "Jag är verkligen ledsen att du har det så, och jag är glad att du berättade. Om du är i fara just nu, ring 112. Du kan också ringa Mind Självmordslinjen på 90101. Jag lämnar över till en person från vårt team.",
		KeyEscalateFrustration:      "Förlåt, jag får inte till det. Jag lämnar över till en person från vårt team; de ser hela samtalet.",
		KeyEscalateNegativeFeedback: "Förlåt att det inte hjälpte. Jag lämnar över till en person från vårt team; de ser hela samtalet.",
		KeyEscalateLowConfidence:    "Jag är inte säker på att jag har rätt svar, så jag ber en person om hjälp. De ser hela samtalet.",
		KeyPersonalDataWarning:      "Dela helst inte kortnummer, personnummer eller bankuppgifter i chatten.",
		KeyClarify:                  "Menar du något av de här?",
		KeyClarifyNone:              "Inget av dem",
		KeyAnswerFrom:               "Från ”%s”:",
		KeySources:                  "Källor",
		KeyNobodyOnDuty:             "Ingen från teamet är inloggad just nu, så lämna gärna din e-postadress så svarar de där.",
		KeyContactSaved:             "Tack! Vi svarar till %s.",
		KeyHello:                    "Hej! Vad kan jag hjälpa dig med?",
		KeyThanks:                   "Varsågod! Är det något mer jag kan hjälpa till med?",
		KeyBye:                      "Tack för att du hörde av dig. Ha en fin dag!",
		KeyAck:                      "Vad bra! Fråga gärna om det är något mer.",
	},
}

// Say returns the phrase key in lang (a language code or a locale such as
// "sv-SE"), falling back to English when the language or the key is missing
// there. Args fill fmt verbs in the phrase. An unknown key returns the key
// itself, which a test notices and a visitor at least does not see as silence.
func Say(lang, key string, args ...any) string {
	p, ok := phrases[localeLang(lang)][key]
	if !ok {
		p, ok = phrases[LangEnglish][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(p, args...)
	}
	return p
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
