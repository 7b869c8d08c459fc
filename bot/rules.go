package bot

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode"

	"github.com/andon-chat/andon/internal/locale"
)

// Reason codes of escalations. The rule names that RulesConfig.Disabled
// accepts are the same strings, plus "sensitive:"+topic for each topic.
const (
	ReasonAskedForHuman    = "asked_for_human"
	ReasonCard             = "personal_data:card"
	ReasonPersonnummer     = "personal_data:personnummer"
	ReasonIBAN             = "personal_data:iban"
	ReasonRepeat           = "frustration:repeat"
	ReasonFrustrationWords = "frustration:words"
	ReasonShouting         = "frustration:shouting"
	ReasonSelfHarm         = familySensitive + ":" + TopicSelfHarm
	ReasonNegativeFeedback = "negative_feedback" // set by NegativeFeedback, not a rule
	ReasonLowConfidence    = "low_confidence"    // set by the decision after retrieval, not a rule
)

// Families of reason codes: Disabled may name a whole family.
const (
	familySensitive    = "sensitive"
	familyPersonalData = "personal_data"
	familyFrustration  = "frustration"
)

// Frustration thresholds.
const (
	repeatLookback    = 3   // compare with this many of the visitor's latest questions
	repeatMinTokens   = 3   // "ok", "yes", "no thanks" are not a repeated question
	repeatJaccard     = 0.8 // share of words two messages have in common
	shoutingMinLetter = 12  // "HELLO" and "GDPR DPA" are not shouting
	shoutingUpper     = 0.7 // share of upper-case letters that reads as shouting
)

// RulesConfig configures the escalation rules that run before retrieval.
type RulesConfig struct {
	// Sensitive replaces the default topics when it is not empty.
	Sensitive []Topic `toml:"sensitive" json:"sensitive,omitempty"`
	// Disabled names rules to switch off: a reason code such as
	// "frustration:shouting" or "sensitive:complaint", or a whole family
	// ("frustration", "personal_data", "sensitive").
	Disabled []string `toml:"disabled" json:"disabled,omitempty"`
}

// DefaultRulesConfig is what a deployment gets without configuration: every
// rule on, with the default sensitive topics.
func DefaultRulesConfig() RulesConfig {
	return RulesConfig{Sensitive: DefaultTopics()}
}

// Rules decides, before any retrieval, whether a visitor's message must go to
// a person. It is safe for concurrent use: it holds only compiled patterns.
type Rules struct {
	rules []rule
	teams map[string]string // reason → team, from the topics
}

// rule is one named check; detail says what matched without quoting
// personal data, for the person who picks up the conversation.
type rule struct {
	name  string
	check func(t Turn, folded string) (detail string, ok bool)
}

// pattern is a compiled pattern with the literals of which any match must
// contain one. Checking those with strings.Contains first skips nearly every
// regular expression on nearly every message: a few hundred patterns run one
// by one cost milliseconds, too much before every answer.
type pattern struct {
	src  string
	re   *regexp.Regexp
	need []string // nil when no literal is required: always run re
}

// mayMatch is false only when the pattern cannot match folded.
func (p pattern) mayMatch(folded string) bool {
	if p.need == nil {
		return true
	}
	for _, lit := range p.need {
		if strings.Contains(folded, lit) {
			return true
		}
	}
	return false
}

// NewRules compiles the rules of cfg. It returns every problem at once: a
// topic without a name or patterns, a duplicate topic, a pattern that does
// not compile, a disabled rule that does not exist.
func NewRules(cfg RulesConfig) (*Rules, error) {
	topics := cfg.Sensitive
	if len(topics) == 0 {
		topics = DefaultTopics()
	}
	var errs []error
	r := &Rules{teams: map[string]string{}}

	type compiledTopic struct {
		name     string
		patterns []pattern
	}
	var compiled []compiledTopic
	seen := map[string]bool{}
	for i, tp := range topics {
		name := strings.TrimSpace(tp.Name)
		switch {
		case name == "":
			errs = append(errs, fmt.Errorf("sensitive topic %d has no name", i+1))
			continue
		case !validTopicName(name):
			errs = append(errs, fmt.Errorf("sensitive topic %q: name must be lower-case letters, digits and _", name))
			continue
		case seen[name]:
			errs = append(errs, fmt.Errorf("sensitive topic %q is defined twice", name))
			continue
		case len(tp.Patterns) == 0:
			errs = append(errs, fmt.Errorf("sensitive topic %q has no patterns", name))
			continue
		}
		seen[name] = true
		ps, err := compilePatterns(tp.Patterns)
		if err != nil {
			errs = append(errs, fmt.Errorf("sensitive topic %q: %w", name, err))
			continue
		}
		compiled = append(compiled, compiledTopic{name: name, patterns: ps})
		r.teams[familySensitive+":"+name] = tp.Team
	}
	human, err := compilePatterns(humanRequestPatterns)
	if err != nil {
		errs = append(errs, fmt.Errorf("built-in human request patterns: %w", err))
	}
	frustration, err := compilePatterns(frustrationPatterns)
	if err != nil {
		errs = append(errs, fmt.Errorf("built-in frustration patterns: %w", err))
	}

	// Self-harm goes first whatever the order in the configuration: its
	// reply is the one that must not be replaced by another.
	var all []rule
	for _, ct := range compiled {
		if ct.name == TopicSelfHarm {
			all = append(all, rule{familySensitive + ":" + ct.name, matchAny(ct.patterns)})
		}
	}
	all = append(all,
		rule{ReasonIBAN, checkData(hasIBAN, "an IBAN with a valid checksum")},
		rule{ReasonCard, checkData(hasCardNumber, "a card number that passes Luhn")},
		rule{ReasonPersonnummer, checkData(hasPersonnummer, "a personnummer with a valid check digit")},
	)
	for _, ct := range compiled {
		switch ct.name {
		case TopicSelfHarm:
		case TopicAccountDeletion:
			all = append(all, rule{familySensitive + ":" + ct.name, matchUnless(ct.patterns, effectQuestion)})
		case TopicSecurity:
			all = append(all, rule{familySensitive + ":" + ct.name, matchUnless(ct.patterns, priceQuestion)})
		default:
			all = append(all, rule{familySensitive + ":" + ct.name, matchAny(ct.patterns)})
		}
	}
	all = append(all,
		rule{ReasonAskedForHuman, matchRequest(human)},
		rule{ReasonFrustrationWords, matchAny(frustration)},
		rule{ReasonRepeat, checkRepeat},
		rule{ReasonShouting, checkShouting},
	)

	disabled := map[string]bool{}
	for _, d := range cfg.Disabled {
		d = strings.TrimSpace(d)
		if !knownRule(all, d) && !seen[strings.TrimPrefix(d, familySensitive+":")] {
			errs = append(errs, fmt.Errorf("unknown rule %q in disabled (known: %s)", d, strings.Join(ruleNames(all), ", ")))
			continue
		}
		disabled[d] = true
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("couldn't build escalation rules: %w", errors.Join(errs...))
	}
	for _, ru := range all {
		family, _, _ := strings.Cut(ru.name, ":")
		if !disabled[ru.name] && !disabled[family] {
			r.rules = append(r.rules, ru)
		}
	}
	return r, nil
}

// Check runs every enabled rule on the visitor's message, the most serious
// first (self-harm, personal data, sensitive topics, a request for a person,
// frustration). When one fires it returns an Escalate decision with the
// reason code, the rule with what it matched (`asked_for_human: "talk to a
// human"`; never the personal data itself), and a reply in the visitor's
// language.
func (r *Rules) Check(t Turn) (Decision, bool) {
	folded := foldText(t.Text)
	for _, ru := range r.rules {
		detail, ok := ru.check(t, folded)
		if !ok {
			continue
		}
		lang := t.Lang()
		return Decision{
			Action: Escalate,
			Reason: ru.name,
			Rule:   ru.name + ": " + detail,
			Reply:  EscalationReply(lang, ru.name),
			Lang:   lang,
		}, true
	}
	return Decision{}, false
}

// Team is the team configured for a reason's topic ("sensitive:billing" →
// "billing-team"), or "" for the default queue.
func (r *Rules) Team(reason string) string {
	return r.teams[reason]
}

// Names lists the enabled rules in the order Check runs them.
func (r *Rules) Names() []string {
	return ruleNames(r.rules)
}

// NegativeFeedback is the decision after a thumbs-down on a bot answer: the
// visitor has said the answer did not help, so a person takes over.
func NegativeFeedback(lang string) Decision {
	l := localeLang(lang)
	if l == "" {
		l = LangEnglish
	}
	return Decision{
		Action: Escalate,
		Reason: ReasonNegativeFeedback,
		Rule:   ReasonNegativeFeedback + ": thumbs-down on an answer",
		Reply:  EscalationReply(l, ReasonNegativeFeedback),
		Lang:   l,
	}
}

func compilePatterns(srcs []string) ([]pattern, error) {
	var errs []error
	ps := make([]pattern, 0, len(srcs))
	for _, src := range srcs {
		if strings.TrimSpace(src) == "" {
			errs = append(errs, errors.New("empty pattern"))
			continue
		}
		parsed, err := syntax.Parse(foldPattern(src), syntax.Perl|syntax.FoldCase)
		if err != nil {
			errs = append(errs, fmt.Errorf("couldn't compile pattern %q: %w", src, err))
			continue
		}
		lowerLiterals(parsed)
		parsed = parsed.Simplify()
		re, err := regexp.Compile(parsed.String())
		if err != nil {
			errs = append(errs, fmt.Errorf("couldn't compile pattern %q: %w", src, err))
			continue
		}
		ps = append(ps, pattern{src: src, re: re, need: literalsOf(parsed)})
	}
	return ps, errors.Join(errs...)
}

// lowerLiterals turns case-insensitive literals into lower-case ones. The
// text is lower-cased before matching, so the case folding that (?i) does for
// every rune of every literal is wasted work; character classes keep both
// cases, which is harmless.
func lowerLiterals(re *syntax.Regexp) {
	if re.Op == syntax.OpLiteral && re.Flags&syntax.FoldCase != 0 {
		for i, r := range re.Rune {
			re.Rune[i] = unicode.ToLower(r)
		}
		re.Flags &^= syntax.FoldCase
	}
	for _, sub := range re.Sub {
		lowerLiterals(sub)
	}
}

// literalsOf returns strings one of which every match of re contains, or
// nil when it finds none.
func literalsOf(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(re.Rune))}
	case syntax.OpCapture, syntax.OpPlus:
		return literalsOf(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return literalsOf(re.Sub[0])
		}
	case syntax.OpConcat:
		// Every part must match: the one with the longest shortest literal
		// filters best.
		var best []string
		for _, sub := range re.Sub {
			if lits := literalsOf(sub); lits != nil && (best == nil || shortest(lits) > shortest(best)) {
				best = lits
			}
		}
		return best
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			lits := literalsOf(sub)
			if lits == nil {
				return nil
			}
			all = append(all, lits...)
		}
		return all
	}
	return nil
}

func shortest(lits []string) int {
	n := len(lits[0])
	for _, l := range lits[1:] {
		n = min(n, len(l))
	}
	return n
}

func validTopicName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func knownRule(all []rule, name string) bool {
	for _, ru := range all {
		family, _, _ := strings.Cut(ru.name, ":")
		if ru.name == name || family == name {
			return true
		}
	}
	return false
}

func ruleNames(rs []rule) []string {
	names := make([]string, 0, len(rs))
	for _, ru := range rs {
		names = append(names, ru.name)
	}
	return names
}

func matchAny(ps []pattern) func(Turn, string) (string, bool) {
	return func(_ Turn, folded string) (string, bool) {
		for _, p := range ps {
			if !p.mayMatch(folded) {
				continue
			}
			if loc := p.re.FindStringIndex(folded); loc != nil {
				return matched(folded, loc), true
			}
		}
		return "", false
	}
}

// matchUnless is matchAny skipping a match whose clause so far makes it a
// question about something else. For account deletion that is a deletion
// asked about as the effect of something else: "will updating delete my
// data?" is a product question, "can you delete my data?" a request. For
// security it is a price: "what does a stolen card replacement cost?".
func matchUnless(ps []pattern, skip func(before string) bool) func(Turn, string) (string, bool) {
	return func(_ Turn, folded string) (string, bool) {
		for _, p := range ps {
			if !p.mayMatch(folded) {
				continue
			}
			for _, loc := range p.re.FindAllStringIndex(folded, -1) {
				if !skip(folded[:loc[0]]) {
					return matched(folded, loc), true
				}
			}
		}
		return "", false
	}
}

// priceQuestion is true when the clause before a match asks what something
// costs: "what does the bank charge for lost or stolen card replacements?"
// asks about a fee, "my card was stolen, what does a new one cost?" reports
// a theft first.
func priceQuestion(before string) bool {
	if i := strings.LastIndexAny(before, ".!?;"); i >= 0 {
		before = before[i+1:]
	}
	ws := words(before)
	for i, w := range ws {
		switch {
		case priceWords[w]:
			return true
		case i+1 < len(ws) && (w == "how" && ws[i+1] == "much" || w == "hur" && ws[i+1] == "mycket"):
			return true
		case (w == "charge" || w == "charges") && chargeVerb(ws[max(0, i-3):i]):
			// The verb ("what does the bank charge"), not the transaction
			// ("this costco charge looks fraudulent").
			return true
		}
	}
	return false
}

// chargeVerb is true when the words before "charge" make it a verb: "what
// does the bank charge", "do you charge".
func chargeVerb(prev []string) bool {
	for _, w := range prev {
		if chargeSubjects[w] {
			return true
		}
	}
	return false
}

var chargeSubjects = setOf("do", "does", "did", "will", "would", "you", "they", "we", "u", "y'all")

var priceWords = setOf(
	"fee", "fees", "cost", "costs", "price", "prices", "pricing",
	"avgift", "avgiften", "avgifter", "kostar", "kostnad", "kostnaden", "pris", "priset",
)

// effectQuestion looks at the clause before a match for its last auxiliary
// verb: when the subject after it is not a person ("will updating ...",
// "does the update ..."), the visitor asks what something does.
func effectQuestion(before string) bool {
	if i := strings.LastIndexAny(before, ".!?;,:"); i >= 0 {
		before = before[i+1:]
	}
	ws := words(before)
	for i := len(ws) - 2; i >= 0; i-- {
		if auxiliaries[ws[i]] {
			return !personSubjects[ws[i+1]]
		}
	}
	return false
}

var (
	auxiliaries    = setOf("will", "would", "does", "do", "did", "can", "could", "might", "may", "should", "won't", "doesn't")
	personSubjects = setOf("i", "you", "u", "we", "someone", "somebody", "anyone", "anybody", "ya", "y'all", "one", "please", "pls")
)

func checkData(has func(string) bool, what string) func(Turn, string) (string, bool) {
	return func(t Turn, _ string) (string, bool) {
		if has(t.Text) {
			return "the message contains " + what, true
		}
		return "", false
	}
}

// matchRequest matches the asked-for-a-person patterns, skipping matches
// about a third party or a product thing.
func matchRequest(ps []pattern) func(Turn, string) (string, bool) {
	return func(_ Turn, folded string) (string, bool) {
		for _, p := range ps {
			if !p.mayMatch(folded) {
				continue
			}
			for _, loc := range p.re.FindAllStringIndex(folded, -1) {
				before := folded[:loc[0]]
				match, after := folded[loc[0]:loc[1]], folded[loc[1]:]
				if aboutSomeoneElse(before) || askingWhoIsThere(before) || askingWhetherNeeded(before) ||
					nounUse(before, match) || productThingAfter(after) || errandFor(match, after) {
					continue
				}
				return matched(folded, loc), true
			}
		}
		return "", false
	}
}

// matched quotes what a pattern matched, which tells the person who picks up
// more than the pattern's source would.
func matched(folded string, loc []int) string {
	return strconv.Quote(strings.TrimSpace(folded[loc[0]:loc[1]]))
}

// aboutSomeoneElse looks at the clause before a match: a third party with no
// first person after it ("can my customers talk to ...") means the visitor
// asks about others.
func aboutSomeoneElse(before string) bool {
	if i := strings.LastIndexAny(before, ".!?;,:"); i >= 0 {
		before = before[i+1:]
	}
	third := false
	for _, w := range words(before) {
		switch {
		case thirdPartyWords[w]:
			third = true
		case firstPersonWords[w]:
			third = false
		}
	}
	return third
}

// askingWhoIsThere spots "am I speaking with a real person?" and "are you
// a bot or a real person?": questions about the bot, which the knowledge
// base can answer, not requests.
func askingWhoIsThere(before string) bool {
	ws := words(before)
	for len(ws) > 0 && leadWords[ws[len(ws)-1]] {
		ws = ws[:len(ws)-1]
	}
	if len(ws) < 2 {
		return false
	}
	switch ws[len(ws)-2] + " " + ws[len(ws)-1] {
	case "am i", "are we", "is this", "is it", "are you", "was i", "was it",
		"bot or", "ai or", "robot or", "machine or", "chatbot or":
		return true
	}
	return false
}

// askingWhetherNeeded spots "do I have to contact someone to use my points?"
// and "should I contact support if ...": the visitor asks whether a person is
// needed for something, which the knowledge base answers, rather than asking
// this chat for one. "can I talk to someone" and "I need to talk to someone"
// stay requests: only an inverted "do I need to", "should I", "must I" (or
// Swedish "behöver jag", "måste jag", "ska jag", "bör jag") right before the
// request counts.
func askingWhetherNeeded(before string) bool {
	ws := words(before)
	n := len(ws)
	at := func(i int) string {
		if i < 0 || i >= n {
			return ""
		}
		return ws[i]
	}
	// An inverted modal: "should I (also) contact ...", "must we speak
	// to ...", Swedish "behöver jag (också) kontakta ..."
	for back := 2; back <= 3; back++ {
		if whether.inverted[at(n-back)] && whether.subjects[at(n-back+1)] && (back == 2 || whether.fillers[at(n-1)]) {
			return true
		}
	}
	// "do I (have|need) to contact ...", "do I (really) need to ...", "am I
	// required to ...", "is it necessary to ..."
	if at(n-1) != "to" {
		return false
	}
	rest := ws[:n-1]
	if k := len(rest); k >= 3 && whether.be[rest[k-3]] && whether.subjects[rest[k-2]] && whether.needed[rest[k-1]] {
		return true
	}
	if len(rest) == 0 || (rest[len(rest)-1] != "have" && rest[len(rest)-1] != "need" && rest[len(rest)-1] != "got") {
		return false
	}
	rest = rest[:len(rest)-1]
	if len(rest) > 0 && whether.fillers[rest[len(rest)-1]] {
		rest = rest[:len(rest)-1]
	}
	return len(rest) >= 2 && whether.aux[rest[len(rest)-2]] && whether.subjects[rest[len(rest)-1]]
}

// whether holds the words of askingWhetherNeeded, every language's, from
// the word lists next to the catalogue (internal/locale/words).
var whether = struct{ inverted, aux, subjects, fillers, be, needed map[string]bool }{
	locale.Words("whether.inverted"), locale.Words("whether.aux"), locale.Words("whether.subjects"),
	locale.Words("whether.fillers"), locale.Words("whether.be"), locale.Words("whether.needed"),
}

// errandFor spots "find me someone who can deal with my car": an indefinite
// person fetched for a task elsewhere, not for this conversation. "get me
// someone who can help" and "find me someone to talk to" stay requests.
func errandFor(match, after string) bool {
	verb, _, _ := strings.Cut(match, " ")
	if !errandVerbs[verb] {
		return false
	}
	ws := words(match)
	if len(ws) == 0 || !indefinitePersons[ws[len(ws)-1]] {
		return false
	}
	next := words(after)
	if len(next) == 0 || !relativeWords[next[0]] {
		return false
	}
	for _, w := range next[1:min(len(next), 6)] {
		if helpWords[w] {
			return false
		}
	}
	return true
}

var (
	errandVerbs       = setOf("get", "give", "find", "bring", "fetch", "send", "call")
	indefinitePersons = setOf("someone", "somebody", "somone", "anyone", "anybody", "one")
	relativeWords     = setOf("who", "that", "to", "which", "for")
	helpWords         = setOf("help", "helps", "assist", "talk", "speak", "chat", "answer", "explain", "me", "understand")
)

// nounUse spots "transfer a chat to another agent": after a determiner,
// "chat" and "talk" are things, not the visitor asking to talk.
func nounUse(before, match string) bool {
	verb, _, _ := strings.Cut(match, " ")
	if verb != "chat" && verb != "talk" && verb != "prat" {
		return false
	}
	ws := words(before)
	return len(ws) > 0 && determiners[ws[len(ws)-1]]
}

var determiners = setOf("a", "an", "the", "this", "that", "each", "every", "any", "one", "en", "ett", "varje")

// leadWords may stand between "am I talking to" and the person.
var leadWords = setOf("a", "an", "the", "real", "live", "actual", "en", "ett", "riktig", "levande")

func productThingAfter(after string) bool {
	ws := words(after)
	return len(ws) > 0 && productWords[ws[0]]
}

func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
}

// checkRepeat fires when the visitor sends (almost) the same question as one
// of their latest questions: the answer they got did not help. Short
// messages in between ("ok", "what?") neither count as questions nor push
// the earlier one out of reach.
func checkRepeat(t Turn, folded string) (string, bool) {
	cur := tokenSet(folded)
	if len(cur) < repeatMinTokens || isSmallTalk(t.Text) {
		return "", false
	}
	compared := 0
	for back := 1; back <= len(t.History) && compared < repeatLookback; back++ {
		prev := tokenSet(foldText(t.History[len(t.History)-back]))
		if len(prev) < repeatMinTokens {
			continue
		}
		compared++
		if j := jaccard(cur, prev); j >= repeatJaccard {
			return fmt.Sprintf("%.2f word overlap with the message %d back", j, back), true
		}
	}
	return "", false
}

func tokenSet(folded string) map[string]bool {
	set := map[string]bool{}
	for _, w := range words(folded) {
		set[strings.Trim(w, "'")] = true
	}
	delete(set, "")
	return set
}

func jaccard(a, b map[string]bool) float64 {
	inter := 0
	for w := range a {
		if b[w] {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

// checkShouting fires on a run of exclamation marks, or on a message mostly
// in capitals, long enough not to be an acronym, that also carries a sign of
// anger: repeated punctuation, "why", "still", "not working", "where is my",
// an insult. Capitals alone are how some people type: "HOW DO I TRANSFER
// MONEY?" is a question for the knowledge base.
func checkShouting(t Turn, folded string) (string, bool) {
	if strings.Contains(t.Text, "!!!") || strings.Contains(t.Text, "!!1") || strings.Contains(t.Text, "?!?!") || strings.Contains(t.Text, "!?!?") {
		return "a run of exclamation marks", true
	}
	upper, cased := 0, 0
	for _, r := range t.Text {
		switch {
		case unicode.IsUpper(r):
			upper++
			cased++
		case unicode.IsLower(r):
			cased++
		}
	}
	if cased < shoutingMinLetter || float64(upper) < shoutingUpper*float64(cased) {
		return "", false
	}
	if sign, ok := angerSign(folded); ok {
		return fmt.Sprintf("%d of %d letters in capitals, with %s", upper, cased, sign), true
	}
	return "", false
}

// angerSign finds what turns capitals into shouting: repeated punctuation
// or a word of impatience. It returns what it found, for the person who
// picks up.
func angerSign(folded string) (string, bool) {
	for _, p := range angerPunctuation {
		if strings.Contains(folded, p) {
			return strconv.Quote(p), true
		}
	}
	ws := words(folded)
	for i, w := range ws {
		if angerWords[w] {
			return strconv.Quote(w), true
		}
		for n := 2; n <= 3 && i+n <= len(ws); n++ {
			if phrase := strings.Join(ws[i:i+n], " "); angerPhrases[phrase] {
				return strconv.Quote(phrase), true
			}
		}
	}
	return "", false
}

var (
	angerPunctuation = []string{"!!", "??", "?!", "!?"}
	angerWords       = setOf(
		"why", "still", "again", "already", "never", "nobody", "wtf", "ridiculous", "useless",
		"stupid", "idiot", "idiots", "unacceptable", "pathetic", "terrible", "awful",
		"worst", "scam", "broken", "damn", "hell", "crap", "shit",
		"varfor", "fortfarande", "igen", "redan", "aldrig", "ingen", "ingenting", "vardelos",
		"vardelost", "oacceptabelt", "skandal", "skandalost", "patetiskt", "uselt", "samst",
		"idioter", "fan", "helvete", "trasig", "trasigt",
	)
	angerPhrases = setOf(
		"not working", "doesn't work", "don't work", "isn't working", "not work", "no one",
		"not helping", "not answering", "where is my", "where's my", "where are my",
		"fungerar inte", "funkar inte", "svarar inte", "hjalper inte", "var ar min",
		"var ar mitt", "var ar mina",
	)
)
