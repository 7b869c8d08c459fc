package bot

import (
	"strings"
	"testing"
)

func defaultRules(t *testing.T) *Rules {
	t.Helper()
	r, err := NewRules(DefaultRulesConfig())
	if err != nil {
		t.Fatalf("NewRules(defaults): %v", err)
	}
	return r
}

// ruleCase is one visitor message and the reason it must escalate with, or ""
// for a near miss that must not fire.
type ruleCase struct {
	text   string
	reason string
}

func runRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	r := defaultRules(t)
	builtin := builtinPatterns(t)
	for _, tc := range cases {
		t.Run(tc.text, func(t *testing.T) {
			t.Parallel()
			assertPrefilterSound(t, builtin, tc.text)
			d, ok := r.Check(Turn{Text: tc.text})
			if tc.reason == "" {
				if ok {
					t.Fatalf("Check(%q) fired %s (%s); want no escalation", tc.text, d.Reason, d.Rule)
				}
				return
			}
			if !ok {
				t.Fatalf("Check(%q) did not fire; want %s", tc.text, tc.reason)
			}
			if d.Reason != tc.reason {
				t.Fatalf("Check(%q) = %s (%s); want %s", tc.text, d.Reason, d.Rule, tc.reason)
			}
			if d.Action != Escalate || d.Reply == "" || d.Lang == "" || !strings.HasPrefix(d.Rule, d.Reason+": ") {
				t.Fatalf("Check(%q) = %+v; want an Escalate decision with rule, reply and lang", tc.text, d)
			}
		})
	}
}

func builtinPatterns(t *testing.T) []pattern {
	t.Helper()
	srcs := append(append([]string{}, humanRequestPatterns...), frustrationPatterns...)
	for _, tp := range DefaultTopics() {
		srcs = append(srcs, tp.Patterns...)
	}
	ps, err := compilePatterns(srcs)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// assertPrefilterSound checks that the literal prefilter never hides a match
// the regular expression alone would find.
func assertPrefilterSound(t *testing.T, ps []pattern, text string) {
	t.Helper()
	folded := foldText(text)
	for _, p := range ps {
		if p.re.MatchString(folded) && !p.mayMatch(folded) {
			t.Errorf("prefilter %q hides a match of %s in %q", p.need, p.src, folded)
		}
	}
}

func TestPatternLiterals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		expr string
		want string // the literals joined with |, "" for none
	}{
		{`\brefund\w*`, "refund"},
		{`\bre-?fund\w*`, "fund"},
		{`\b(?:lawyer|attorney)s?\b`, "lawyer|attorney"},
		{`(?:x)?y`, "y"},
		{`a*`, ""},
		{`\d{5}`, ""},
		{`(?:foo|\d)`, ""}, // one branch needs no literal: nothing is required
		{`KundTjänst`, "kundtjanst"},
		{`(?:AB){2,}`, "ab"},
	}
	for _, tc := range cases {
		ps, err := compilePatterns([]string{tc.expr})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(ps[0].need, "|"); got != tc.want {
			t.Errorf("literals of %s = %q; want %q", tc.expr, got, tc.want)
		}
	}
}

func TestAskedForHuman(t *testing.T) {
	t.Parallel()
	const h = ReasonAskedForHuman
	runRuleCases(t, []ruleCase{
		// English requests.
		{"can I talk to a human", h},
		{"Can I talk to a human?", h},
		{"real person please", h},
		{"agent", h},
		{"Agent!", h},
		{"human please", h},
		{"speak to someone", h},
		{"I want to speak with a real person", h},
		{"i'd like to chat with a live agent", h},
		{"please connect me to an agent", h},
		{"transfer me to a human", h},
		{"put me through to customer service", h},
		{"get me a person", h},
		{"I need a real person", h},
		{"I want a human, this is going nowhere", h},
		{"representative", h},
		{"is there a human I can talk to?", h},
		{"is there a person available", h},
		{"how do I contact support?", h},
		{"the bot is useless, I want to talk to a human", h},
		{"can i tlak to a humam", h},
		{"let me speak to your manager", h},
		{"could someone call me back", h},
		{"are there any humans here?", h},
		{"I need help from a real person", h},
		{"operator please", h},
		{"Can I get a human on the line?", h},
		// English near misses: product questions and other uses.
		{"is the agent console mobile friendly?", ""},
		{"how do I add a human agent to my team", ""},
		{"how can my customers talk to an agent?", ""},
		{"can visitors chat with a live agent on mobile?", ""},
		{"how do I get an agent seat for my colleague", ""},
		{"am I talking to a real person?", ""},
		{"are you a bot or a real person?", ""},
		{"does the widget hand over to a human agent?", ""},
		{"what does an agent see in the console?", ""},
		{"you can call me Tom", ""},
		{"how many agents can I add?", ""},
		{"human resources integration", ""},
		{"how do I transfer a chat to another agent?", ""},

		// Swedish requests, with inflections and misspellings.
		{"jag vill prata med en människa", h},
		{"Jag vill prata med en manniska", h},
		{"kan jag få prata med en person", h},
		{"kan jag få prata med en riktig människa?", h},
		{"får jag prata med någon", h},
		{"jag vill prata med kundtjänst", h},
		{"koppla mig till en handläggare", h},
		{"koppla mig vidare", h},
		{"handläggare", h},
		{"Handläggare tack", h},
		{"människa tack", h},
		{"jag vill ha en människa", h},
		{"jag behöver en riktig person", h},
		{"snälla en människa", h},
		{"hur kontaktar jag kundtjänst?", h},
		{"kan jag chatta med någon på riktigt", h},
		{"jag vill tala med en mänsklig handläggare", h},
		{"jag vill prata med en mäniska", h},
		{"kan ni ringa upp mig?", h},
		{"finns det en människa jag kan prata med?", h},
		{"jag vill ha hjälp av en människa", h},
		{"kan jag få tala med en handläggare", h},
		{"kan ni koppla mig till en människa", h},
		{"människa!", h},
		// Swedish near misses.
		{"fungerar agentkonsolen i mobilen?", ""},
		{"hur lägger jag till en agent i mitt team?", ""},
		{"kan besökare chatta med en agent?", ""},
		{"har ni kundtjänst på helger?", ""},
		{"pratar jag med en människa?", ""},
		{"hur många agenter kan vi ha?", ""},
		{"vad ser handläggaren i konsolen?", ""},
		{"vad händer när boten lämnar över till en människa?", ""},
		{"hur bjuder jag in en ny agent?", ""},
		{"hur ställer jag in kontorstider för kundtjänst?", ""},
		{"What happens when the bot escalates to a human?", ""},
		{"Can I talk to the API from Python?", ""},
		{"how do I chat with visitors from my phone", ""},
		// Near misses: contacting someone for something else, or asking
		// whether a person is needed (found by an evaluation on CLINC150 and
		// BANKING77).
		{"find me someone who can deal with my car's check engine light", ""},
		{"do i have to contact someone to use my credit card points", ""},
		{"should i contact customer support if i can't edit details", ""},
		{"Do I need to speak to a representative to change my pin?", ""},
		{"is it necessary to talk to someone to change my pin?", ""},
		{"hitta någon som kan laga min bil", ""},
		{"behöver jag kontakta kundtjänst för att använda mina poäng?", ""},
		{"ska jag kontakta supporten om jag inte kan ändra mina uppgifter?", ""},
		{"måste jag prata med en handläggare för att byta pinkod?", ""},
		// ... while requests to this chat still fire.
		{"find me someone who can help", h},
		{"get me someone to talk to", h},
		{"connect me with an agent", h},
		{"I want a human", h},
		{"I need to talk to someone", h},
		{"can I talk to someone?", h},
		{"kan jag få prata med någon?", h},
		{"jag behöver prata med en handläggare", h},
	})
}

func TestSensitiveTopics(t *testing.T) {
	t.Parallel()
	const (
		billing  = "sensitive:" + TopicBilling
		legal    = "sensitive:" + TopicLegal
		security = "sensitive:" + TopicSecurity
		deletion = "sensitive:" + TopicAccountDeletion
		compl    = "sensitive:" + TopicComplaint
		harm     = "sensitive:" + TopicSelfHarm
	)
	runRuleCases(t, []ruleCase{
		// billing
		{"I want a refund", billing},
		{"When will I get my REFUND?", billing},
		{"can I be refunded for last month", billing},
		{"I'll file a chargeback with my bank", billing},
		{"I was double charged", billing},
		{"you charged me twice this month", billing},
		{"how do I dispute a charge?", billing},
		{"I want my money back", billing},
		{"jag vill ha återbetalning", billing},
		{"när kommer återbetalningen?", billing},
		{"jag vill ha aterbetalning", billing},
		{"ni har gjort en dubbeldragning på mitt kort", billing},
		{"ni har dragit pengar två gånger", billing},
		{"jag vill ha pengarna tillbaka", billing},
		{"kan jag få tillbaka pengarna?", billing},
		{"jag har fått en felaktig faktura", billing},
		{"det är fel på fakturan", billing},
		{"how do I set up billing for my team?", ""},
		{"which payment methods do you accept?", ""},
		{"hur betalar jag fakturan?", ""},
		{"var hittar jag mina fakturor?", ""},
		// legal
		{"I'm going to talk to my lawyer", legal},
		{"I will sue you", legal},
		{"we are considering legal action", legal},
		{"see you in court", legal},
		{"jag kontaktar min advokat", legal},
		{"jag tänker stämma er", legal},
		{"jag kommer att göra en polisanmälan", legal},
		{"vi tar det här till domstol", legal},
		{"Sue from your team helped me yesterday", ""},
		{"is there a legal notice page?", ""},
		{"det stämmer inte med min kalender", ""},
		{"stämmer det att ni har en gratisplan?", ""},
		{"my lawyer will contact you", legal},
		{"you'll be hearing from my attorney", legal},
		{"I'll get a lawyer", legal},
		{"I'm hiring a lawyer", legal},
		{"we'll take you to court", legal},
		{"I'll sue", legal},
		{"jag kommer att stämma er", legal},
		{"mitt ombud kommer att kontakta er", legal},
		{"min advokat kommer att kontakta er", legal},
		{"jag ska anlita en advokat", legal},
		{"can you tell me a joke about a lawyer", ""},
		{"tell me a joke about lawyers", ""},
		{"share my location with my lawyer", ""},
		{"my lawyer's office is on main street, how far is it", ""},
		{"berätta ett skämt om en advokat", ""},
		{"dela min position med min advokat", ""},
		{"kan jag ge en jurist behörighet till kontot?", ""},
		// security
		{"my account was hacked", security},
		{"I think my account is compromised", security},
		{"someone logged into my account", security},
		{"I got a phishing email from you", security},
		{"was there a data breach?", security},
		{"I want to report a vulnerability", security},
		{"mitt konto är hackat", security},
		{"jag har blivit hackad", security},
		{"någon har kapat mitt konto", security},
		{"jag tror att det har skett ett intrång", security},
		{"ni har haft ett dataintrång", security},
		{"någon har loggat in på mitt konto", security},
		{"is andon secure?", ""},
		{"how do I enable two-factor authentication?", ""},
		{"we are holding a hackathon next week", ""},
		{"can someone help me with my account", ""},
		{"how long does it take to cook shrimp scampi", ""},
		{"hur byter jag lösenord?", ""},
		{"my card was stolen", security},
		{"someone hacked my account", security},
		{"my card was stolen, how much does a new one cost?", security},
		{"this costco charge looks fraudulent", security},
		{"mitt kort har blivit stulet", security},
		{"What does the bank charge for lost or stolen card replacements?", ""},
		{"how much does it cost to replace a stolen card?", ""},
		{"vad kostar det att ersätta ett stulet kort?", ""},
		{"vad är avgiften för att ersätta stulna kort?", ""},
		// account deletion
		{"delete my account", deletion},
		{"How do I close my account?", deletion},
		{"this is a GDPR request", deletion},
		{"I want to exercise my right to be forgotten", deletion},
		{"please erase my data", deletion},
		{"radera mitt konto", deletion},
		{"hur tar jag bort mitt konto?", deletion},
		{"ta bort mina uppgifter", deletion},
		{"jag gör en GDPR-begäran", deletion},
		{"jag vill att ni raderar alla mina personuppgifter", deletion},
		{"can you delete my data?", deletion},
		{"will updating delete my data?", ""},
		{"does uninstalling the widget delete my account?", ""},
		{"will it delete my account if I cancel?", ""},
		{"how do I delete my account?", deletion},
		{"is it possible to delete my account", deletion},
		{"how do I delete an article?", ""},
		{"how do I remove a user from my team?", ""},
		{"is andon GDPR compliant?", ""},
		{"hur tar jag bort en artikel?", ""},
		{"hur raderar jag en agent?", ""},
		// complaints
		{"I want to make a complaint about your staff", compl},
		{"the agent was so rude to me", compl},
		{"what terrible service", compl},
		{"jag vill lämna ett klagomål", compl},
		{"otrevlig personal i er kundtjänst", compl},
		{"handläggaren var jätteotrevlig", compl},
		{"dålig service från er", compl},
		{"Er support är usel", compl},
		{"your support is a joke", compl},
		{"how do I tag complaints in the console?", ""},
		{"can I see customer service stats?", ""},
		{"hur hanterar jag klagomål i konsolen?", ""},
		// self-harm, ahead of everything else
		{"I want to kill myself", harm},
		{"i'm thinking about suicide", harm},
		{"I've been self-harming", harm},
		{"i don't want to live anymore", harm},
		{"jag vill ta livet av mig", harm},
		{"jag har tankar på självmord", harm},
		{"jag vill inte leva längre", harm},
		{"I want to kill myself, can I talk to a human", harm},
		{"this bug is killing me", ""},
		{"how do I kill a stuck process?", ""},
		{"jag vill leva ett enklare liv med er app", ""},
	})
}

func TestPersonalData(t *testing.T) {
	t.Parallel()
	const (
		card = ReasonCard
		pnr  = ReasonPersonnummer
		iban = ReasonIBAN
	)
	runRuleCases(t, []ruleCase{
		{"my card is 4111 1111 1111 1111", card},
		{"4111-1111-1111-1111 exp 12/27", card},
		{"kortnummer 5555555555554444", card},
		{"amex 3782 822463 10005 please", card},
		{"card 4111 1111 1111 1111 12/26 cvc 123", card},
		{"my order number is 4111111111111112", ""}, // fails Luhn
		{"ordernummer 1234 5678 9012 3456", ""},     // fails Luhn, not a card prefix
		{"order 1234567812345670", ""},              // passes Luhn but no card starts with 1
		{"reference ORD4111111111111111", ""},       // glued to letters: a code
		{"ring mig på 070-123 45 67", ""},
		{"call +46 70 123 45 67", ""},
		{"the meeting is on 2024-01-15", ""},

		{"mitt personnummer är 811218-9876", pnr},
		{"personnummer 19811218-9876", pnr},
		{"my personal number is 8112189876", pnr},
		{"198112189876", pnr},
		{"811218+9876", pnr},
		{"samordningsnummer 701063-2391", pnr},
		{"född 000229-1235", pnr}, // 29 February 2000
		{"mitt personnummer är 0701234569", pnr},
		{"811218-9875", ""},                 // wrong check digit
		{"811318-9875", ""},                 // month 13
		{"810230-1234", ""},                 // 30 February
		{"010229-1234", ""},                 // 2001 was no leap year
		{"ring mig på 0701234569", ""},      // a mobile number that looks like a date in 2007
		{"mitt mobilnummer 0701234569", ""}, // same
		{"leverans 20240115", ""},

		{"my IBAN is SE45 5000 0000 0583 9825 7466", iban},
		{"se4550000000058398257466", iban},
		{"GB82 WEST 1234 5698 7654 32", iban},
		{"kontot DE89 3704 0044 0532 0130 00 tack", iban},
		{"NO93 8601 1117 947", iban},
		{"SE46 5000 0000 0583 9825 7466", ""}, // wrong checksum
		{"GB82 WEST 1234 5698 7654 33", ""},
		{"SE45 5000 0000 0583 9825 74661", ""}, // one character too many
		{"error code AB12 in the console", ""},
	})
}

func TestFrustrationWords(t *testing.T) {
	t.Parallel()
	const w = ReasonFrustrationWords
	runRuleCases(t, []ruleCase{
		{"that doesn't help", w},
		{"That does not help at all", w},
		{"this is useless", w},
		{"that's not what I asked", w},
		{"this is not working", w},
		{"you don't understand", w},
		{"stupid bot", w},
		{"this answer makes no sense", w},
		{"i already asked that", w},
		{"det hjälper inte", w},
		{"det hjälper ju inte", w},
		{"värdelös", w},
		{"du är värdelös", w},
		{"du förstår inte", w},
		{"det var inte det jag frågade", w},
		{"det här fungerar inte", w},
		{"svaret hjälpte inte", w},
		{"svaret är ju helt fel", w},
		{"does it help to clear the cache?", ""},
		{"I don't understand how to add an agent", ""},
		{"what do you do when you're not working", ""},
		{"jag förstår inte hur man lägger till en agent", ""},
		{"hjälper ni till med installationen?", ""},
		{"det fungerar inte att logga in", ""},
		{"do you have a date for the last time it was updated", ""},
	})
}

func TestShouting(t *testing.T) {
	t.Parallel()
	const s = ReasonShouting
	runRuleCases(t, []ruleCase{
		{"WHERE IS MY ORDER", s},
		{"VARFÖR SVARAR NI INTE", s},
		{"where is my order!!!", s},
		{"var är min beställning!!!", s},
		{"HELLO", ""},
		{"HEJ HEJ", ""},
		{"How do I use the API with SSO and SAML?", ""},
		{"Hur fungerar GDPR och DPA hos er?", ""},
		{"great, thanks!!", ""},
		{"WHY IS MY CARD STILL NOT WORKING", s},
		{"WHERE IS MY PARCEL??", s},
		{"THIS IS BROKEN AGAIN, FIX IT", s},
		{"DET FUNGERAR FORTFARANDE INTE", s},
		{"HOW DO I TRANSFER MONEY FROM MY BANK ACCOUNT?", ""},
		{"WHAT IS THE SOLUTION OF THIS PROBLEM", ""},
		{"HUR FLYTTAR JAG PENGAR FRÅN MITT KONTO?", ""},
		{"TELL ME A JOKE ABOUT LAWYERS PLEASE", ""},
	})
}

func TestRepeat(t *testing.T) {
	t.Parallel()
	r := defaultRules(t)
	cases := []struct {
		name    string
		text    string
		history []string
		want    bool
	}{
		{"same question", "how do I reset my password?", []string{"how do I reset my password"}, true},
		{"case and punctuation", "How do I reset my password", []string{"how do i reset my password??"}, true},
		{"short messages between", "how do I reset my password", []string{"how do I reset my password", "hm", "ok", "what?"}, true},
		{"three questions back", "how do I reset my password", []string{"how do I reset my password", "where is the widget code", "what does it cost", "ok"}, true},
		{"four questions back is too old", "how do I reset my password", []string{"how do I reset my password", "where is the widget code", "what does it cost", "is there a free plan"}, false},
		{"swedish", "hur återställer jag mitt lösenord", []string{"hur aterstaller jag mitt losenord?"}, true},
		{"swedish one word added", "hur återställer jag mitt lösenord nu då", []string{"hur återställer jag mitt lösenord"}, false},
		{"different question", "how do I change my email", []string{"how do I reset my password"}, false},
		{"short ok", "ok", []string{"ok"}, false},
		{"short yes", "yes", []string{"yes"}, false},
		{"thanks twice", "thank you so much", []string{"thank you so much"}, false},
		{"no history", "how do I reset my password", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, ok := r.Check(Turn{Text: tc.text, History: tc.history})
			if ok != tc.want || ok && d.Reason != ReasonRepeat {
				t.Fatalf("Check(%q, history %q) = %v %s; want %v %s", tc.text, tc.history, ok, d.Reason, tc.want, ReasonRepeat)
			}
		})
	}
}

func TestCheckReplyLanguage(t *testing.T) {
	t.Parallel()
	r := defaultRules(t)
	cases := []struct {
		turn Turn
		lang string
		key  string
	}{
		{Turn{Text: "jag vill prata med en människa"}, LangSwedish, KeyEscalateHuman},
		{Turn{Text: "can I talk to a human"}, LangEnglish, KeyEscalateHuman},
		{Turn{Text: "agent", Locale: "sv-SE"}, LangSwedish, KeyEscalateHuman},
		{Turn{Text: "agent", Locale: "sv-SE", History: []string{"how do I reset my password"}}, LangEnglish, KeyEscalateHuman},
		{Turn{Text: "jag vill ha återbetalning"}, LangSwedish, KeyEscalateSensitive},
		{Turn{Text: "811218-9876", Locale: "sv"}, LangSwedish, KeyEscalatePersonalData},
		{Turn{Text: "I want to kill myself"}, LangEnglish, KeyEscalateSelfHarm},
		{Turn{Text: "jag vill ta livet av mig"}, LangSwedish, KeyEscalateSelfHarm},
		{Turn{Text: "det hjälper inte"}, LangSwedish, KeyEscalateFrustration},
	}
	for _, tc := range cases {
		t.Run(tc.turn.Text, func(t *testing.T) {
			t.Parallel()
			d, ok := r.Check(tc.turn)
			if !ok {
				t.Fatalf("Check(%+v) did not fire", tc.turn)
			}
			if want := Say(tc.lang, tc.key); d.Lang != tc.lang || d.Reply != want {
				t.Fatalf("Check(%+v) = lang %s reply %q; want %s %q", tc.turn, d.Lang, d.Reply, tc.lang, want)
			}
		})
	}
}

func TestSelfHarmReplyPointsToEmergencyHelp(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{LangEnglish, LangSwedish} {
		if reply := EscalationReply(lang, ReasonSelfHarm); !strings.Contains(reply, "112") {
			t.Errorf("self-harm reply in %s has no emergency number: %q", lang, reply)
		}
	}
}

func TestPersonalDataNotInRule(t *testing.T) {
	t.Parallel()
	r := defaultRules(t)
	for _, text := range []string{"4111 1111 1111 1111", "811218-9876", "SE45 5000 0000 0583 9825 7466"} {
		d, ok := r.Check(Turn{Text: text})
		if !ok {
			t.Fatalf("Check(%q) did not fire", text)
		}
		for _, part := range strings.Fields(text) {
			if len(part) >= 4 && strings.Contains(d.Rule+d.Reply, part) {
				t.Errorf("decision for %q repeats %q: rule %q reply %q", text, part, d.Rule, d.Reply)
			}
		}
	}
}

func TestDisabled(t *testing.T) {
	t.Parallel()
	cases := []struct {
		disabled []string
		text     string
		want     string
	}{
		{nil, "WHERE IS MY ORDER", ReasonShouting},
		{[]string{"frustration:shouting"}, "WHERE IS MY ORDER", ""},
		{[]string{"frustration"}, "that doesn't help", ""},
		{[]string{"sensitive:complaint"}, "the agent was so rude to me", ""},
		{[]string{"sensitive:complaint"}, "I want a refund", "sensitive:billing"},
		{[]string{"personal_data:card"}, "4111 1111 1111 1111", ""},
		{[]string{"personal_data"}, "811218-9876", ""},
		{[]string{"asked_for_human"}, "can I talk to a human", ""},
		// The next rule in line still fires when one is off.
		{[]string{"sensitive:self_harm"}, "I want to kill myself, can I talk to a human", ReasonAskedForHuman},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.disabled, ",")+"/"+tc.text, func(t *testing.T) {
			t.Parallel()
			r, err := NewRules(RulesConfig{Disabled: tc.disabled})
			if err != nil {
				t.Fatal(err)
			}
			d, ok := r.Check(Turn{Text: tc.text})
			if got := map[bool]string{true: d.Reason}[ok]; got != tc.want {
				t.Fatalf("with %v disabled Check(%q) = %q; want %q", tc.disabled, tc.text, got, tc.want)
			}
		})
	}
}

func TestNewRulesErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  RulesConfig
		want []string // every one must be in the error
		dont []string // none of these may be
	}{
		{"bad regex", RulesConfig{Sensitive: []Topic{{Name: "shipping", Patterns: []string{`lost (parcel`}}}}, []string{`"shipping"`, "lost (parcel"}, nil},
		{"unknown disabled", RulesConfig{Disabled: []string{"frustration:yelling"}}, []string{`unknown rule "frustration:yelling"`, "frustration:shouting"}, nil},
		{"disabled default topic missing from custom list", RulesConfig{Sensitive: []Topic{{Name: "shipping", Patterns: []string{`lost parcel`}}}, Disabled: []string{"sensitive:billing"}}, []string{`unknown rule "sensitive:billing"`}, nil},
		{"no name", RulesConfig{Sensitive: []Topic{{Patterns: []string{"x"}}}}, []string{"has no name"}, nil},
		{"bad name", RulesConfig{Sensitive: []Topic{{Name: "Lost Parcels", Patterns: []string{"x"}}}}, []string{`"Lost Parcels"`}, nil},
		{"no patterns", RulesConfig{Sensitive: []Topic{{Name: "shipping"}}}, []string{"no patterns"}, nil},
		{"empty pattern", RulesConfig{Sensitive: []Topic{{Name: "shipping", Patterns: []string{" "}}}}, []string{"empty pattern"}, nil},
		{"duplicate", RulesConfig{Sensitive: []Topic{{Name: "a", Patterns: []string{"x"}}, {Name: "a", Patterns: []string{"y"}}}}, []string{"defined twice"}, nil},
		{"bad topic disabled", RulesConfig{Sensitive: []Topic{{Name: "a", Patterns: []string{"("}}}, Disabled: []string{"sensitive:a"}}, []string{`"a"`}, []string{"unknown rule"}},
		{"all errors at once", RulesConfig{Sensitive: []Topic{{Name: "a", Patterns: []string{"("}}}, Disabled: []string{"nope"}}, []string{`"a"`, `"nope"`}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := NewRules(tc.cfg)
			if err == nil {
				t.Fatalf("NewRules(%+v) = %v, nil; want an error", tc.cfg, r)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			for _, d := range tc.dont {
				if strings.Contains(err.Error(), d) {
					t.Errorf("error %q mentions %q", err, d)
				}
			}
		})
	}
}

func TestCustomTopics(t *testing.T) {
	t.Parallel()
	r, err := NewRules(RulesConfig{Sensitive: []Topic{
		{Name: "shipping", Patterns: []string{`\blost\s+(?:my\s+|the\s+)?(?:parcel|package)`, `\bPAKETET\s+har\s+försvunnit`}, Team: "logistics"},
		{Name: "orders", Patterns: []string{`\bORDER\W+\d{6}\b`}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		text string
		want string
	}{
		{"I think you LOST my package", "sensitive:shipping"},
		{"paketet har forsvunnit", "sensitive:shipping"}, // diacritics folded on both sides, case ignored
		{"my Order #123456 is late", "sensitive:orders"}, // \W and \d keep their meaning
		{"my order 12345678 is late", ""},
		{"I want a refund", ""},                        // custom topics replace the defaults
		{"can I talk to a human", ReasonAskedForHuman}, // other rules stay
	}
	for _, tc := range cases {
		d, ok := r.Check(Turn{Text: tc.text})
		if got := map[bool]string{true: d.Reason}[ok]; got != tc.want {
			t.Errorf("Check(%q) = %q; want %q", tc.text, got, tc.want)
		}
	}
	if got := r.Team("sensitive:shipping"); got != "logistics" {
		t.Errorf("Team(sensitive:shipping) = %q; want logistics", got)
	}
	if got := r.Team(ReasonAskedForHuman); got != "" {
		t.Errorf("Team(asked_for_human) = %q; want the default queue", got)
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	got := strings.Join(defaultRules(t).Names(), " ")
	want := "sensitive:self_harm personal_data:iban personal_data:card personal_data:personnummer " +
		"sensitive:billing sensitive:legal sensitive:security sensitive:account_deletion sensitive:complaint " +
		"asked_for_human frustration:words frustration:repeat frustration:shouting"
	if got != want {
		t.Fatalf("Names() = %s\nwant      %s", got, want)
	}
}

func TestNegativeFeedback(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, lang string }{{"sv", "sv"}, {"sv-SE", "sv"}, {"en", "en"}, {"de", "en"}, {"", "en"}} {
		d := NegativeFeedback(tc.in)
		if d.Action != Escalate || d.Reason != ReasonNegativeFeedback || d.Lang != tc.lang || d.Reply != Say(tc.lang, KeyEscalateNegativeFeedback) {
			t.Errorf("NegativeFeedback(%q) = %+v", tc.in, d)
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	r, err := NewRules(DefaultRulesConfig())
	if err != nil {
		b.Fatal(err)
	}
	turn := Turn{
		Text:    "Hi, how do I change the colour of the chat widget on my website so it matches our brand?",
		Locale:  "en-GB",
		History: []string{"hello", "where do I find the embed code", "thanks"},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := r.Check(turn); ok {
			b.Fatal("fired")
		}
	}
}

// BenchmarkCheckLong is a message at the size limit a widget is likely to
// allow, full of the words the prefilter looks for, so that most patterns
// run their regular expressions.
func BenchmarkCheckLong(b *testing.B) {
	r, err := NewRules(DefaultRulesConfig())
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat("how do agents chat with a person in the console, and can my customers talk to support about charges? ", 40)
	turn := Turn{Text: text, History: []string{text[:200], "ok"}}
	b.ReportAllocs()
	for b.Loop() {
		r.Check(turn)
	}
}

func BenchmarkSmallTalkReply(b *testing.B) {
	turn := Turn{Text: "Hi, how do I change the colour of the widget?", Locale: "en"}
	for b.Loop() {
		SmallTalkReply(turn)
	}
}
