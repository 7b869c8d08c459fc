package console

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/lang"
	"github.com/andon-chat/andon/store"
)

type cannedJSON struct {
	Name string `json:"name"`
	Lang string `json:"lang,omitempty"`
	Text string `json:"text"`
}

// getCanned lists the canned replies; with conversation_id, those in the
// visitor's language (and those for any language) with their variables
// filled for that conversation and the signed-in agent.
func (s *Server) getCanned(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	ctx := r.Context()
	out := []cannedJSON{}
	id := r.URL.Query().Get("conversation_id")
	if id == "" {
		for _, c := range s.cfg.Canned {
			out = append(out, cannedJSON(c))
		}
		writeJSON(w, http.StatusOK, map[string]any{"replies": out})
		return nil
	}
	conv, err := s.hub.Conversation(ctx, id)
	if err != nil {
		return err
	}
	vars := cannedVars(conv, a.Name, s.siteTitle(conv.Site))
	for _, c := range forLanguage(s.cfg.Canned, lang.Normalize(conv.Locale)) {
		out = append(out, cannedJSON{Name: c.Name, Lang: c.Lang, Text: fillVars(c.Text, vars)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"replies": out})
	return nil
}

func (s *Server) siteTitle(name string) string {
	if title := s.cfg.SiteTitles[name]; title != "" {
		return title
	}
	return name
}

// forLanguage keeps the replies in language l and those for any language;
// when l is unknown or no reply is in it, all of them.
func forLanguage(all []Canned, l string) []Canned {
	if l == "" {
		return all
	}
	var out []Canned
	matched := false
	for _, c := range all {
		cl := lang.Normalize(c.Lang)
		if c.Lang == "" || cl == l {
			out = append(out, c)
			matched = matched || cl == l
		}
	}
	if !matched {
		return all
	}
	return out
}

// cannedVars are the values of the variables a canned reply may use.
func cannedVars(c store.Conversation, agentName, site string) map[string]string {
	first, _, _ := strings.Cut(strings.TrimSpace(agentName), " ")
	email := c.Email
	if email == "" {
		email = c.Attributes["email"]
	}
	v := map[string]string{
		"visitor.name":     c.Attributes["name"],
		"visitor.email":    email,
		"agent.name":       agentName,
		"agent.first_name": first,
		"site":             site,
	}
	for k, val := range c.Attributes {
		v["attributes."+k] = val
	}
	return v
}

var (
	varPattern = regexp.MustCompile(`\{\{\s*([a-zA-Z0-9_.\-]+)\s*\}\}`)
	// A variable left empty must not leave "Hi ," behind.
	spaceBeforePunct = regexp.MustCompile(` +([,.!?;:])`)
	doubleSpace      = regexp.MustCompile(`  +`)
)

// fillVars replaces {{name}} with its value; an unknown or empty variable
// becomes nothing, so that no braces reach a visitor.
func fillVars(text string, vars map[string]string) string {
	out := varPattern.ReplaceAllStringFunc(text, func(m string) string {
		return vars[varPattern.FindStringSubmatch(m)[1]]
	})
	if out == text {
		return out
	}
	out = spaceBeforePunct.ReplaceAllString(out, "$1")
	return doubleSpace.ReplaceAllString(out, " ")
}
