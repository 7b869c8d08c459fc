package bot

// Topic is one sensitive subject: when a visitor's message matches any of its
// patterns the bot does not answer but hands the conversation to a person,
// with the reason "sensitive:"+Name. Team names who should take it; empty means
// the default queue.
//
// Patterns are Go regular expressions matched case-insensitively against the
// message after diacritics are removed and white space is collapsed, so
// "återbetalning" in a pattern also matches a visitor's "aterbetalning".
type Topic struct {
	Name     string   `toml:"name" json:"name"`
	Patterns []string `toml:"patterns" json:"patterns"`
	Team     string   `toml:"team" json:"team,omitempty"`
}

// Names of the default sensitive topics.
const (
	TopicBilling         = "billing"
	TopicLegal           = "legal"
	TopicSecurity        = "security"
	TopicAccountDeletion = "account_deletion"
	TopicComplaint       = "complaint"
	TopicSelfHarm        = "self_harm"
)

// DefaultTopics are the sensitive topics a deployment gets without
// configuring any: the questions where a wrong or canned answer costs money,
// trust or more. Each pattern needs the words of a real case (a refund, a
// hacked account), not just the subject ("billing", "security"), so that
// ordinary product questions still reach the knowledge base.
func DefaultTopics() []Topic {
	return []Topic{
		{Name: TopicSelfHarm, Patterns: []string{
			`\bsuicid\w*`,
			`\bkill(?:ing)?\s+my\s?self\b`,
			`\bend(?:ing)?\s+(?:it\s+all|my\s+(?:own\s+)?life)\b`,
			`\btake\s+my\s+(?:own\s+)?life\b`,
			`\bself[- ]?harm\w*`,
			`\b(?:hurt|harm|cut)(?:ing)?\s+my\s?self\b`,
			`\b(?:want|wanna|going|ready)\s+(?:to\s+)?die\b`,
			`\b(?:don'?t|do\s+not)\s+want\s+to\s+(?:live|be\s+alive|exist)\b`,
			`\bno\s+(?:reason|point)\s+(?:to|in)\s+(?:live|living|go\s+on|going\s+on)\b`,
			`\bbetter\s+off\s+(?:dead|without\s+me)\b`,
			`\bta\s+(?:mitt\s+)?liv(?:et)?\s+av\s+mig\b`,
			`\btar\s+livet\s+av\s+mig\b`,
			`\bta\s+mitt\s+liv\b`,
			`självmord\w*`,
			`\bsjälvskad\w*`,
			`\bskad(?:a|ar)\s+mig\s+själv\b`,
			`\bvill\s+(?:bara\s+)?dö\b`,
			`\b(?:vill|orkar|kan)\s+inte\s+leva\b`,
		}},
		{Name: TopicBilling, Patterns: []string{
			`\bre-?fund\w*`, `\brefnd\w*`, `\brefound\w*`, `\brefudn\w*`, `\breimburs\w*`,
			`\bcharge\s?-?backs?\b`, `\bchargback\w*`,
			`\b(?:double|twice|two\s+times|multiple\s+times|2x)[ -]?(?:charged|billed|debited|charge|billing|payment)\b`,
			`\b(?:charged|billed|debited|paid|taken)\s+(?:me\s+)?(?:twice|double|two\s+times|2\s+times|multiple\s+times)\b`,
			`\bdisput\w*\s+(?:a\s+|an\s+|the\s+|this\s+|that\s+|my\s+)?(?:charge|payment|transaction|invoice|bill)`,
			`\bover-?charg\w*`,
			`\bwrong(?:ly)?\s+(?:charged|billed|amount|charge|invoice)\b`,
			`\bunauthori[sz]ed\s+(?:charge|payment|transaction|debit)`,
			`\b(?:my|the)\s+money\s+back\b`,
			`återbetal\w*`,
			`\bpengar(?:na)?\s+tillbaka\b`, `\btillbaka\s+(?:mina\s+)?pengar(?:na)?\b`,
			`\bdubbel\s?-?(?:dragning|dragen|dragit|debiter|fakturer|betal)\w*`,
			`\b(?:dragit|dragits|dragen|dragna|debiterad|debiterat|debiterats|fakturerad|fakturerat|betalat|betalt)\s+(?:pengar\s+)?(?:dubbelt|två\s+gånger|2\s+gånger)\b`,
			`\bfelaktig\w*\s+(?:faktura|fakturan|fakturor|debitering|debiteringen|dragning|belopp|debiterad|fakturerad|dragen)`,
			`\bfel\s+(?:på\s+)?(?:fakturan|belopp|summa)\b`,
			`\bbestrid\w*`,
			`\breklamera\w*\s+(?:en\s+|min\s+)?(?:betalning|dragning|debitering|faktura)`,
		}},
		{Name: TopicLegal, Patterns: []string{
			// A lawyer is a threat only when the visitor brings one in: "talk
			// to my lawyer", "my lawyer will contact you", not "a joke about
			// a lawyer" or "share my location with my lawyer".
			`\b(?:talk\w*|speak\w*|consult\w*|contact(?:ing|ed)?|call(?:ing|ed)?|see|seeing|ask\w*|go\w*\s+to|get\w*|involv\w*|inform\w*|notify\w*|tell\w*|(?:hand|pass|send|forward|give|show|take|turn)\w*\s+(?:this|it|that|the\s+matter|the\s+case|everything)\s+(?:over\s+|on\s+)?to)\s+(?:to\s+|with\s+)?(?:my|our)\s+` + lawyerWord,
			`\b(?:hir\w*|retain\w*|get\w*|involv\w*|engag\w*|contact\w*|consult\w*)\s+(?:a|an)\s+` + lawyerWord + `\s+(?:involved|on\s+(?:this|it|you)|against\s+you)`,
			`\b(?:hir\w*|retain\w*|engag\w*)\s+(?:a|an)\s+` + lawyerWord,
			`\b(?:i'?ll|i\s+will|i'?m\s+(?:going\s+to|gonna|getting|hiring|calling|contacting)|i\s+am\s+(?:going\s+to|getting|hiring|calling|contacting)|we'?ll|we\s+will|we'?re\s+(?:going\s+to|gonna|getting|hiring)|we\s+are\s+(?:going\s+to|getting|hiring))\s+(?:get\s+|hire\s+|call\s+|contact\s+|consult\s+|(?:talk|speak)\s+(?:to|with)\s+)?(?:a|an|my|our)\s+` + lawyerWord,
			`\b(?:my|our)\s+` + lawyerWord + `\s+(?:will|'ll|shall|is\s+going\s+to|are\s+going\s+to|gonna|is\s+gonna|would\s+like\s+to\s+(?:speak|talk)|is\s+(?:already\s+)?(?:aware|involved|looking|handling|on\s+it)|are\s+(?:already\s+)?(?:aware|involved|looking|handling|on\s+it)|has\s+been\s+(?:informed|contacted|notified))\b`,
			`\b(?:hear|hearing)\s+from\s+(?:my|our)\s+` + lawyerWord,
			`\blawyer(?:ed|ing)?\s+up\b`,
			`\blegal\s+(?:action|steps|proceedings|claim|dispute|measures)\b`,
			`\blaw\s?suits?\b`, `\blitigat\w*`,
			`\bsue\s+(?:you|u|your|them|the|this|andon|y'?all|for)\b`,
			`\b(?:will|gonna|going\s+to|i'?ll|to|could|can|shall|might)\s+sue\b`,
			`\b(?:suing|sued)\b`,
			`\b(?:to|in|into)\s+court\b`, `\bcourt\s+(?:case|order|action)\b`,
			`\bsmall\s+claims\b`, `\bcease\s+and\s+desist\b`,
			`\breport\s+(?:you|this|it|your\s+company)\s+to\s+the\s+(?:police|authorities)\b`,
			`\bpolice\s+report\b`,
			`\b(?:kontakt\w*|prat\w*\s+med|tala\w*\s+med|ring\w*|rådfråga\w*|fråga\w*|gå\w*\s+till|vänd\w*\s+mig\s+till|involver\w*|koppla\w*\s+in|(?:skicka\w*|lämna\w*|överlämna\w*|ta\w*)\s+(?:det\s+(?:här\s+)?|detta\s+|ärendet\s+)?(?:vidare\s+)?till)\s+(?:min|mitt|mina|vår|vårt|våra)\s+` + svLawyerWord,
			`\b(?:anlita\w*|skaffa\w*|koppla\w*\s+in|involver\w*|ta\w*\s+hjälp\s+av)\s+(?:en|ett)\s+` + svLawyerWord,
			`\b(?:min|mitt|mina|vår|vårt|våra)\s+` + svLawyerWord + `\s+(?:kommer|ska|skall|tänker|hör\s+av\s+sig|kontaktar|är\s+(?:redan\s+)?(?:informerad|inkopplad|involverad)|har\s+(?:redan\s+)?(?:informerats|kontaktats))\b`,
			`\bhöra\s+(?:av|från)\s+(?:min|mitt|vår|vårt)\s+` + svLawyerWord,
			`\bstämm(?:a|er|de|t)\s+(?:er|dig|eder|bolaget|företaget|andon|ert|honom|henne|dem)\b`,
			`\b(?:ska|skall|kommer\s+att|tänker|vill|hotar\s+att|överväger\s+att)\s+stämma\b`,
			`\bstämning\s+mot\b`,
			`\bpolisanm\w*`,
			`\banmäl\w*\s+(?:er\s+|dig\s+|detta\s+|det\s+här\s+|företaget\s+)?(?:till|hos)\s+(?:polisen|arn|konsumentverket)\b`,
			`\breklamationsnämnden\b`,
			`\bdomstol\w*`, `\brättegång\w*`, `\btingsrätt\w*`,
			`\b(?:rättsliga|juridiska)\s+(?:åtgärder|steg)\b`,
		}},
		{Name: TopicSecurity, Patterns: []string{
			`\bhack(?:ed|er|ers|ing|d)\b`, `\bhaked\b`,
			`\bcompromised\b`,
			`\b(?:some\s?one|somebody|a\s+stranger|someone\s+else|somebody\s+else)\s+(?:\w+\s+){0,2}(?:logged|log|signed|sign|broke|broken|accessed|access|got\s+into|gotten\s+into|hijacked|took\s+over|taken\s+over|stole|stolen|changed|is\s+using|using|used)\b.{0,20}\b(?:my|our)\s+(?:account|profile|login|password|e-?mail)`,
			`\b(?:unauthori[sz]ed|suspicious|strange|unknown|unrecogni[sz]ed)\s+(?:access|login|log-?in|sign-?in|activity|logins|device)`,
			`\baccount\s+(?:was\s+|has\s+been\s+|got\s+|is\s+)?(?:taken\s+over|hijacked|stolen|breached)\b`,
			`\b(?:hijacked|stolen|breached)\s+account\b`,
			`\bphish\w*`, `\bdata\s?breach\w*`, `\bbreach(?:ed|es)?\b`,
			`\bvulnerabilit\w*`,
			`\bsecurity\s+(?:hole|flaw|bug|issue|incident|problem|breach|report|researcher|disclosure)`,
			`\bresponsible\s+disclosure\b`, `\bbug\s+bounty\b`,
			`\b(?:stolen|leaked)\s+(?:password|credentials|data|card|account)`,
			`\b(?:password|credentials|data|card)\s+(?:was|were|has\s+been|have\s+been|got)\s+(?:stolen|leaked)\b`,
			`\bfraud\w*`, `\bscam(?:s|med|mer|mers|ming)?\b`, `\bidentity\s+theft\b`,
			`\bhackad\w*`, `\bhackats?\b`, `\bhackare\w*`, `\bhackade\w*`,
			`\bkapa(?:t|d|de|des|ts)\b`, `\bkapa\w*\s+(?:mitt|mina|vårt)\s+konto`,
			`intrång\w*`,
			`\b(?:någon|nån|okänd\w*|främling\w*)\s+(?:\w+\s+){0,2}(?:loggat|loggade|loggar|tagit|tog|kommit|kom|använt|använder|ändrat|ändrade|varit)\s+(?:\w+\s+){0,2}(?:mitt|vårt|mina)\s+(?:konto|konton|inlogg\w*|lösenord)`,
			`nätfiske\w*`, `\bsäkerhetshål\w*`, `\bsårbarhet\w*`, `\bsäkerhetsbrist\w*`,
			`\bsäkerhetsincident\w*`, `\bdataläck\w*`,
			`\b(?:lösenord\w*|uppgifter\w*|data|kort(?:et)?)\s+(?:har\s+)?(?:läckt|stulits|blivit\s+stulen|blivit\s+stulna|blivit\s+stulet)\b`,
			`\bbedrägeri\w*`, `\bbedragare\b`, `\bid-?stöld\w*`, `\bidentitetsstöld\w*`,
			`\bobehörig\w*\s+(?:inloggning|åtkomst|access|användning)`,
			`\bmisstänkt\w*\s+(?:inloggning|aktivitet)`,
			`\bstul(?:et|na|en)\s+(?:konto|kort|uppgifter|lösenord)`,
		}},
		{Name: TopicAccountDeletion, Patterns: []string{
			`\b(?:delete|deleting|remove|removing|close|closing|deactivate|deactivating|terminate|terminating|cancel|cancell?ing|erase|erasing|wipe|wiping)\s+(?:(?:my|our)\s+)?(?:whole\s+|entire\s+)?(?:account|acount|accout|profile)\b`,
			`\b(?:delete|remove|erase|wipe|purge|destroy|forget)\w*\s+(?:all\s+)?(?:of\s+)?(?:my|our)\s+(?:personal\s+)?(?:data|information|info|details|records|history|conversations?|chat\s+history|messages)\b`,
			`\bright\s+to\s+(?:be\s+forgotten|erasure|deletion)\b`,
			`\bgdpr[- ]?(?:request|deletion|erasure|removal|access\s+request|begäran|förfrågan|ärende|radering|utdrag|krav)`,
			`\b(?:data\s+subject|subject\s+access)\s+(?:access\s+)?request\b`, `\bdsar\b`,
			`\b(?:what|which)\s+(?:personal\s+)?(?:data|information)\s+do\s+you\s+(?:have|hold|store|keep)\s+(?:on|about)\s+me\b`,
			`\b(?:radera|raderar|(?:ta|tar)\s+(?:(?:jag|man|vi|ni|du)\s+)?bort|avsluta|avslutar|stäng|stänga|stänger|(?:säga|säger)\s+(?:(?:jag|man|vi|ni|du)\s+)?upp|avaktivera|avaktiverar|inaktivera|inaktiverar)\s+(?:(?:jag|man|vi|ni|du)\s+)?(?:(?:mitt|vårt)\s+(?:hela\s+)?(?:konto|kontot|användarkonto|profil)|konto)\b`,
			`\b(?:radera|raderar|(?:ta|tar)\s+(?:(?:jag|man|vi|ni|du)\s+)?bort|rensa|rensar|glöm|glömma|glömmer)\s+(?:(?:jag|man|vi|ni|du)\s+)?(?:alla\s+)?(?:mina|våra)\s+(?:person)?(?:uppgifter|data|information|personuppgifter|konversationer|meddelanden)\b`,
			`\bradering\s+av\s+(?:mina\s+)?(?:person)?uppgifter`,
			`\bbegär\w*\s+radering\b`,
			`\brätt(?:en)?\s+att\s+bli\s+(?:glömd|bortglömd|raderad)\b`,
			`\bregisterutdrag\w*`,
			`\bvilka\s+(?:person)?uppgifter\s+(?:har|sparar|lagrar)\s+ni\s+(?:om|på)\s+mig\b`,
		}},
		{Name: TopicComplaint, Patterns: []string{
			`\b(?:make|file|lodge|submit|raise|register|log|write)\w*\s+(?:a\s+|an\s+)?(?:formal\s+|official\s+)?complaint`,
			`\bcomplaint\s+(?:about|against|regarding|on)\b`,
			`\bcomplain\w*\s+(?:about|to|regarding)\b`,
			`\b(?:want|wish|need|like|going)\s+to\s+complain\b`,
			`\bthis\s+is\s+a\s+complaint\b`, `\bi'?m\s+complaining\b`, `\bi\s+am\s+complaining\b`,
			`\b(?:rude|impolite|disrespectful|unprofessional|condescending|arrogant|unfriendly|hostile|racist|sexist)\s+(?:\w+\s+)?(?:agent|staff|person|employee|representative|rep|support|service|man|woman|guy|lady|colleague|advisor|operator|people|behaviou?r|treatment|response)`,
			`\b(?:agent|staff|employee|representative|rep|person|support|advisor|operator|colleague|he|she|they)\s+(?:was|were|is|are|has\s+been|have\s+been)\s+(?:so\s+|very\s+|really\s+|extremely\s+|incredibly\s+)?(?:rude|impolite|disrespectful|unprofessional|condescending|arrogant|unfriendly|hostile|racist|sexist)\b`,
			`\b(?:terrible|awful|horrible|horrendous|appalling|disgraceful|atrocious|pathetic|lousy|abysmal|worst|shocking|unacceptable|disgusting)\s+(?:customer\s+)?(?:service|support|treatment)\b`,
			`\b(?:lämna|göra|gör|framföra|skicka|anmäla|skriva|ha)\w*\s+(?:in\s+)?(?:ett\s+)?(?:formellt\s+)?klagomål`,
			`\bklagomål\s+(?:på|mot|om|angående|gällande)\b`,
			`\bvill\s+klaga\b`, `\bklaga(?:r|de|t)?\s+(?:på|över)\b`, `\bdet\s+här\s+är\s+ett\s+klagomål\b`,
			`\b(?:otrevlig|oförskämd|nonchalant|arrogant|respektlös|oprofessionell|dryg|elak)\w*\s+(?:\w+\s+)?(?:personal|handläggare|agent|support|medarbetare|kundtjänst|kundservice|bemötande|person|kille|tjej|anställd|säljare)\w*`,
			`\b(?:personalen|handläggaren|agenten|supporten|medarbetaren|kundtjänsten|han|hon|de|dom)\s+(?:var|är|har\s+varit)\s+(?:(?:så|väldigt|extremt|otroligt|riktigt|helt)\s+)?(?:jätte)?(?:otrevlig|oförskämd|nonchalant|arrogant|respektlös|oprofessionell|dryg|elak)\w*`,
			`\b(?:support|supporten|service|servicen|kundtjänst\w*|kundservice\w*|bemötande\w*|personal\w*)\s+(?:är|var)\s+(?:ju\s+)?(?:så\s+|helt\s+|riktigt\s+)?(?:jätte)?(?:usel|uselt|urusel|uruselt|värdelös|värdelöst|dålig|dåligt|katastrofal|katastrofalt|bedrövlig|bedrövligt|skandalös|skandalöst|oacceptabel|oacceptabelt|under\s+all\s+kritik)\b`,
			`\b(?:support|service|staff|agents?|team)\s+(?:is|was|are|were|has\s+been|have\s+been)\s+(?:so\s+|really\s+|absolutely\s+|just\s+)?(?:terrible|awful|horrible|appalling|disgraceful|atrocious|pathetic|lousy|abysmal|shocking|unacceptable|disgusting|a\s+joke)\b`,
			`\b(?:dålig|dåligt|usel|uselt|urusel|uruselt|sämsta|katastrofal|katastrofalt|bedrövlig|bedrövligt|skandalös|skandalöst|oacceptabel|oacceptabelt|värdelös|värdelöst)\s+(?:kund)?(?:service|tjänst|bemötande|support|kundtjänst)\w*`,
		}},
	}
}

// Words for the lawyer a visitor may threaten to bring in. They are building
// blocks of the legal patterns, never patterns on their own: "a joke about a
// lawyer" is no threat.
const (
	lawyerWord   = `(?:lawyers?|attorneys?|solicitors?|legal\s+(?:team|counsel|department|representatives?|advisers?|advisors?))\b`
	svLawyerWord = `(?:advokat\w*|jurist\w*|ombud\w*|juridisk\w*\s+(?:rådgivare|ombud))\b`
)

// Building blocks of the asked-for-a-person patterns: a determiner and
// adjective, then a word for a person. They are kept apart from a verb of
// request in the patterns below, because "agent" and "human" are also words of
// the product ("the agent console", "a human agent on my team").
const (
	enDet    = `(?:(?:a|an|the|some|your|one\s+of\s+your|any|another)\s+)?(?:(?:real|live|actual|human|proper|genuine|physical|other|different)\s+)?`
	enPerson = `(?:human(?:\s+being)?s?|humam|hooman|huamn|humna|person|persn|prson|people|agent|agnet|agant|some\s?one|somebody|somone|anyone|anybody|representative|representitive|represenative|reprasentative|rep|operator|staff(?:\s+member)?|employee|manager|supervisor|(?:customer\s+)?(?:support|service|care)(?:\s+(?:team|person|rep|representative|agent|staff|desk))?|help\s?desk|service\s+desk)`
	svDet    = `(?:(?:en|ett|någon|nån|er|era|din|eran|ert|annan)\s+)?(?:(?:riktig|riktiga|verklig|verkliga|levande|äkta|mänsklig|mänskliga|fysisk|annan)\s+)?`
	svPerson = `(?:man+[ie]?s+k\w*|mansklig\w*|person(?:en|er|erna)?|persom|personal(?:en)?|handl[aä]g+are\w*|agent(?:en|er|erna)?|någon(?:\s+annan)?|nån(?:\s+annan)?|kundtjänst\w*|kundservice\w*|kundsupport\w*|support(?:en)?|medarbetare\w*|anställd\w*|chef(?:en)?|operatör\w*)`
)

// humanRequestPatterns need the intent of a request: a verb of talking,
// connecting or wanting next to a person, or a message that is nothing but
// "human please". Rules.Check also refuses a match that is about somebody
// else ("can my visitors talk to an agent?") or that names a product thing
// ("agent console").
var humanRequestPatterns = []string{
	`\b(?:talk|talking|speak|speaking|chat|chatting|communicate|tlak|tallk|speek|spaek)\s+(?:to|with|w/?)\s+` + enDet + enPerson + `\b`,
	`\b(?:connect|transfer|put|pass|hand|forward|redirect|send|switch|escalate|route)\w*\s+me\s+(?:through\s+|over\s+|on\s+|back\s+)?(?:to|with)\s+` + enDet + enPerson + `\b`,
	`\bput\s+me\s+through\b`,
	`\b(?:get|give|find|bring|fetch|send|call)\s+me\s+` + enDet + enPerson + `\b`,
	`\b(?:need|want|wanna|'d\s+like|would\s+like|request|prefer|demand|require|get)\s+(?:to\s+(?:have|get|see)\s+)?(?:a|an|some)\s+(?:(?:real|live|actual|proper)\s+)?(?:human(?:\s+being)?|person|representative|operator|agent)\b`,
	`\b(?:real|live|actual)\s+(?:person|human|agent|being|representative|operator)\s+(?:please|pls|plz|now)\b`,
	`\b(?:human|person|agent|operator|representative)\s+(?:please|pls|plz)\b`,
	`\bplease\s+(?:a\s+)?(?:human|real\s+person|live\s+agent|person|agent|operator)\s*[.!]*$`,
	`^(?:(?:i\s+)?(?:want|need)\s+)?(?:an?\s+)?(?:(?:real|live|actual)\s+)?(?:human(?:\s+being)?|person|agent|operator|representative|rep|customer\s+service|live\s+chat)(?:\s+(?:please|pls|plz|now|asap))*\s*[.!?]*$`,
	`\b(?:human|person|some\s?one|somebody|anyone|anybody|agent|people|one)\s+(?:i|we)\s+(?:can|could|may)\s+(?:talk|speak|chat)\b`,
	`\b(?:is|are)\s+there\s+(?:a|an|any|some)\s+(?:real\s+|live\s+|actual\s+)?(?:humans?|persons?|people|agents?|one)\s+(?:here|there|available|around|online)\b`,
	`\bhelp\s+from\s+(?:a|an|some|one\s+of\s+your)\s+(?:real\s+|live\s+|actual\s+)?(?:humans?|persons?|people|agents?|representatives?)\b`,
	`\b(?:contact|reach|e-?mail)\s+(?:(?:a|an|the|your)\s+)?(?:(?:real|live|actual)\s+)?(?:customer\s+)?(?:support|service|care|human|person|agent|representative|staff|some\s?one|somebody|operator)\b`,
	`\b(?:call|phone|ring)\s+(?:(?:the|your)\s+)?(?:customer\s+)?(?:support|service|care)\b`,
	`\b(?:call|phone|ring)\s+me\s+back\b`,
	`\b(?:can|could|would|will|please)\s+(?:some\s?one|somebody|a\s+person|an?\s+agent)\s+(?:call|phone|ring)\s+me\b`,

	`\b(?:prata|pratar|pratat|tala|talar|snacka|snackar|chatta|chattar|prat|parata|prta)\s+(?:med|me|mé)\s+` + svDet + svPerson + `\b`,
	`\bkoppla\w*\s+(?:mig\s+|mej\s+|över\s+mig\s+)?(?:vidare\s+)?(?:till|med)\s+` + svDet + svPerson + `\b`,
	`\bkoppla\w*\s+(?:mig|mej)\s+vidare\b`,
	`\bkoppla\w*\s+in\s+(?:en|någon|nån)\s+(?:riktig\s+)?(?:människa|person|handläggare|man+[ie]?s+k\w*)`,
	`\b(?:vill|behöver|måste|önskar|kan\s+jag\s+få|får\s+jag|vill\s+ha|ge\s+mig)\s+(?:ha\s+)?(?:kontakt\s+med\s+|tag\s+i\s+|tag\s+på\s+|tala\s+med\s+)?(?:en|någon|nån)\s+(?:(?:riktig|verklig|levande|äkta|mänsklig)\s+)?(?:person|handläggare|agent|operatör|man+[ie]?s+k\w*)\b`,
	`^(?:(?:jag\s+)?(?:vill\s+ha|behöver)\s+)?(?:en\s+)?(?:(?:riktig|levande|verklig|äkta)\s+)?(?:person|handläggare|handlägare|kundtjänst|agent|operatör|man+[ie]?s+k\w*)(?:\s+(?:tack|snälla|nu|tack\s+så\s+mycket))*\s*[.!?]*$`,
	`\b(?:handläggare|person|agent|man+[ie]?s+k\w*)\s+(?:tack|snälla|snäll)\b`,
	`\bsnälla\s+(?:en\s+)?(?:handläggare|riktig\s+person|man+[ie]?s+k\w*)`,
	`\b(?:person|någon|nån|handläggare|man+[ie]?s+k\w*)\s+(?:jag|man|vi)\s+kan\s+(?:prata|tala|chatta|snacka)\b`,
	`\bfinns\s+det\s+(?:en|någon|nån)\s+(?:riktig\s+|levande\s+)?(?:person|handläggare|man+[ie]?s+k\w*)\s+(?:här|där|på\s+plats|tillgänglig)`,
	`\bkontakt(?:a|ar)?\s+(?:(?:jag|man|vi)\s+)?(?:med\s+)?(?:er\s+|din\s+|eran\s+)?(?:kundtjänst\w*|kundservice\w*|support\w*|en\s+handläggare|en\s+man+[ie]?s+k\w*|någon|nån|en\s+person)`,
	`\b(?:komma\s+i\s+kontakt\s+med|få\s+tag\s+på|få\s+tag\s+i|nå)\s+(?:en\s+)?(?:kundtjänst\w*|kundservice\w*|support\w*|handläggare|man+[ie]?s+k\w*|person|någon|nån)\b`,
	`\b(?:kan|skulle|vill|snälla)\s+(?:ni|du|någon|nån)\s+ringa\s+(?:upp\s+)?mig\b`,
	`\bring(?:a)?\s+upp\s+mig\b`,
	`\bhjälp\s+(?:av|från)\s+` + svDet + `(?:man+[ie]?s+k\w*|person(?:en)?|handl[aä]g+are\w*|kundtjänst\w*|kundservice\w*|personal(?:en)?)\b`,
}

// thirdPartyWords, standing before a request in the same clause with no "I"
// after them, make it a question about someone else: "how can my customers
// talk to an agent?" is a product question, not a request.
var thirdPartyWords = setOf(
	"visitor", "visitors", "customer", "customers", "user", "users", "client", "clients",
	"member", "members", "colleague", "colleagues", "agents", "people", "they", "he", "she",
	"team", "teammates", "bot", "chatbot", "widget",
	"besokare", "besokaren", "besokarna", "kunder", "kunden", "kunderna", "anvandare",
	"anvandaren", "anvandarna", "medlemmar", "kollegor", "teamet", "agenterna", "agenter",
	"de", "dom", "boten", "widgeten", "han", "hon",
)

// firstPersonWords cancel a third party that came before them:
// "the bot is useless, I want to talk to a human".
var firstPersonWords = setOf("i", "me", "my", "we", "us", "i'm", "i'd", "jag", "mig", "mej", "vi", "oss")

// productWords right after a matched person make it a product thing:
// "speak to the agent console", "get an agent seat".
var productWords = setOf(
	"console", "dashboard", "app", "seat", "seats", "role", "roles", "account", "accounts",
	"view", "panel", "inbox", "license", "licence", "licenses", "permission", "permissions",
	"settings", "login", "interface", "ui", "side", "mode", "status", "availability",
	"feature", "api", "handoff", "handover", "queue", "konsol", "konsolen", "vy", "vyn",
	"licens", "roll", "rollen", "behorighet", "installningar", "lage", "appen",
)

// frustrationPatterns say outright that the bot is not helping. They speak
// to the bot ("you don't understand") or about its answer ("that doesn't
// help"); the visitor's own confusion ("I don't understand how to ...") is a
// question for the knowledge base.
var frustrationPatterns = []string{
	`\b(?:that|this|it|you|that'?s|it'?s|thats|its)\s*(?:does\s*n'?t|doesnt|does\s+not|did\s*n'?t|didnt|did\s+not|is\s*n'?t|isnt|is\s+not|are\s*n'?t|arent|are\s+not|'?s\s+not|'?re\s+not|re\s+not)\s+(?:really\s+|very\s+)?(?:help|helping|helpful|answer\w*\s+my\s+question)\b`,
	`\b(?:that|you|your\s+answer|the\s+answer|this\s+answer|that\s+answer)\s*(?:does\s*n'?t|doesnt|does\s+not|did\s*n'?t|didnt|did\s+not)\s+make\s+(?:any\s+)?sense\b`,
	`\b(?:this|that)\s*(?:is\s*n'?t|isnt|is\s+not|'?s\s+not|does\s*n'?t|doesnt|does\s+not)\s+(?:working|work)\b`,
	`\bnot\s+(?:very\s+|at\s+all\s+)?helpful\b`, `\bunhelpful\b`, `\bno\s+help\s+(?:at\s+all|whatsoever)\b`, `\bnot\s+helping\b`,
	`\buseless\b`, `\bpointless\b`, `\bworthless\b`, `\bwaste\s+of\s+(?:my\s+)?time\b`,
	`\bnot\s+what\s+i\s+(?:asked|meant|wanted|said|am\s+looking\s+for|'?m\s+looking\s+for)\b`,
	`\bthat'?s\s+not\s+my\s+question\b`,
	`\bi\s+(?:already|just)\s+(?:asked|said|told\s+you|wrote)\b`,
	`\bdid\s*(?:n'?t|\s+not)\s+(?:answer|read)\s+my\s+question\b`,
	`(?:^|[.!?,;]\s*|\b(?:just|please|pls|plz|can't\s+you|cant\s+you)\s+)(?:answer|read)\s+my\s+(?:question|message)\b`,
	`\byou\s+(?:don'?t|do\s+not|didn'?t|did\s+not|aren'?t|are\s+not|never)\s+(?:understand\w*|get\s+it|listen\w*|help\w*)\b`,
	`\byou'?re\s+not\s+(?:listening|understanding|helping|getting\s+it)\b`,
	`\b(?:stupid|dumb|useless|idiot|idiotic|terrible|awful|crappy|shitty|pathetic)\s+(?:bot|robot|machine|chatbot|ai|thing)\b`,
	`\bwtf\b`,
	`\b(?:that|this|your|the)\s+(?:answer\s+|reply\s+|response\s+)?makes\s+no\s+sense\b`,
	`\bfor\s+the\s+(?:third|fourth|fifth|\d+(?:rd|th))\s+time\b`,
	`(?:^|[.!?,;]\s*)for\s+the\s+(?:last|second)\s+time\b`, `\bfor\s+the\s+(?:last|second)\s+time\s*[.!?]*$`,
	`\bthis\s+is\s+ridiculous\b`,
	`\b(?:wrong|incorrect)\s+answer\b`,
	`\bthat'?s\s+(?:wrong|not\s+(?:right|correct))\b`,

	`\b(?:det|detta|du|den\s+här|det\s+här|svaret)\s+(?:hjälper|hjälpte|hjälp)\s+(?:mig\s+)?(?:ju\s+)?(?:inte|ej|inget|noll)\b`,
	`\b(?:hjälper|hjälpte)\s+(?:mig\s+)?(?:inte|ej)\b`,
	`\b(?:inte|ej)\s+(?:till\s+)?(?:någon\s+)?hjälp\b`, `\bingen\s+hjälp\s+alls\b`,
	`\bvärdelös\w*`, `\boanvändbar\w*`, `\bmeningslös\w*`, `\bslöseri\s+med\s+(?:min\s+)?tid\b`,
	`\bdu\s+(?:förstår|fattar|lyssnar|begriper)\s+(?:ju\s+)?(?:inte|ingenting|inget)\b`,
	`\b(?:förstår|fattar)\s+du\s+inte\b`,
	`\binte\s+(?:det|vad)\s+jag\s+(?:frågade|menade|undrade|sa|skrev)\b`,
	`\bdet\s+var\s+inte\s+(?:det|vad)\s+jag\b`,
	`\bjag\s+har\s+(?:ju\s+)?redan\s+(?:frågat|sagt|skrivit)\b`,
	`\bsvara\s+på\s+(?:min|fråga|frågan)\b`,
	`\b(?:dum|dumma|korkad|korkade|usel|idiotisk)\s+(?:bot|robot|chattbot|chatbot|maskin|ai)\b`,
	`\b(?:detta|det\s+här|den\s+här)\s+(?:fungerar|funkar)\s+(?:ju\s+)?inte\b`,
	`\bfel\s+svar\b`, `\bsvaret\s+(?:är|var)\s+(?:ju\s+)?(?:helt\s+)?(?:fel|obegripligt)\b`,
	`\bför\s+(?:tredje|andra|sista|fjärde)\s+gången\b`,
}
