package handoff

import (
	"strings"

	"github.com/andon-chat/andon/bot"
)

// Reason codes the desk itself gives.
const (
	ReasonAgentLeft  = "agent_left"  // the owner's console closed beyond the grace period
	ReasonTransfer   = "transferred" // passed to a team's queue
	ReasonHandedBack = "handed_back" // back to the bot
	ReasonResolved   = "resolved"    // closed by an agent
	ReasonOrphaned   = "orphaned"    // found without an owner at start
)

// reasonWords are the reason codes in plain words, by language.
var reasonWords = map[string]map[string]string{
	"en": {
		"asked_for_human":            "The visitor asked for a person",
		"negative_feedback":          "The visitor said an answer did not help",
		"low_confidence":             "The bot was not sure of the answer",
		"retrieval_error":            "The knowledge base could not be searched",
		"bot_error":                  "The bot failed",
		"timeout":                    "The bot took too long",
		"reopened":                   "The visitor came back to a closed conversation",
		"back_to_bot":                "The visitor went back to the bot while waiting",
		"agent_joined":               "A person joined",
		"personal_data:card":         "The visitor shared a card number",
		"personal_data:personnummer": "The visitor shared a personal identity number",
		"personal_data:iban":         "The visitor shared bank details (IBAN)",
		"frustration:repeat":         "The visitor repeated the question",
		"frustration:words":          "The visitor sounds frustrated",
		"frustration:shouting":       "The visitor is shouting",
		ReasonAgentLeft:              "The agent's console closed",
		ReasonTransfer:               "Transferred to the team",
		ReasonHandedBack:             "Handed back to the bot",
		ReasonResolved:               "Resolved",
		ReasonOrphaned:               "Found without an owner at start",
		"sensitive:":                 "Sensitive topic: %s",
		"personal_data:":             "Personal data: %s",
		"frustration:":               "The visitor is frustrated: %s",
	},
	"sv": {
		"asked_for_human":            "Besökaren bad om en person",
		"negative_feedback":          "Besökaren sa att ett svar inte hjälpte",
		"low_confidence":             "Boten var osäker på svaret",
		"retrieval_error":            "Kunskapsbasen gick inte att söka i",
		"bot_error":                  "Boten fick ett fel",
		"timeout":                    "Boten tog för lång tid",
		"reopened":                   "Besökaren kom tillbaka till ett stängt samtal",
		"back_to_bot":                "Besökaren gick tillbaka till boten medan hen väntade",
		"agent_joined":               "En person anslöt",
		"personal_data:card":         "Besökaren delade ett kortnummer",
		"personal_data:personnummer": "Besökaren delade ett personnummer",
		"personal_data:iban":         "Besökaren delade bankuppgifter (IBAN)",
		"frustration:repeat":         "Besökaren upprepade frågan",
		"frustration:words":          "Besökaren låter frustrerad",
		"frustration:shouting":       "Besökaren skriker (versaler)",
		ReasonAgentLeft:              "Handläggarens konsol stängdes",
		ReasonTransfer:               "Överlämnat till teamet",
		ReasonHandedBack:             "Tillbaka till boten",
		ReasonResolved:               "Löst",
		ReasonOrphaned:               "Saknade ägare vid start",
		"sensitive:":                 "Känsligt ämne: %s",
		"personal_data:":             "Personuppgifter: %s",
		"frustration:":               "Besökaren är frustrerad: %s",
	},
}

// topicWords are the default sensitive topics in plain words.
var topicWords = map[string]map[string]string{
	"en": {
		bot.TopicBilling: "billing", bot.TopicLegal: "legal", bot.TopicSecurity: "security",
		bot.TopicAccountDeletion: "account deletion", bot.TopicComplaint: "complaint", bot.TopicSelfHarm: "self-harm",
	},
	"sv": {
		bot.TopicBilling: "fakturering", bot.TopicLegal: "juridik", bot.TopicSecurity: "säkerhet",
		bot.TopicAccountDeletion: "radera konto", bot.TopicComplaint: "klagomål", bot.TopicSelfHarm: "självskada",
	},
}

// ReasonText says an escalation reason code in plain words for an agent, in
// lang ("en" or "sv"; others get English): "sensitive:billing" is
// "Sensitive topic: billing". An unknown code is shown as it is, with
// underscores as spaces, rather than hidden.
func ReasonText(reason, lang string) string {
	l := "en"
	if bot.NormalizeLang(lang) == bot.LangSwedish {
		l = "sv"
	}
	words := reasonWords[l]
	if w, ok := words[reason]; ok {
		return w
	}
	family, detail, ok := strings.Cut(reason, ":")
	if ok {
		if w, found := words[family+":"]; found {
			if t, known := topicWords[l][detail]; known {
				detail = t
			} else {
				detail = strings.ReplaceAll(detail, "_", " ")
			}
			return strings.Replace(w, "%s", detail, 1)
		}
	}
	if reason == "" {
		return ""
	}
	s := strings.ReplaceAll(reason, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}
