package console

import "github.com/andon-chat/andon/handoff"

// Settings are the console's part of the configuration, in its own terms;
// app maps them from the TOML schema.
type Settings struct {
	// Canned are the canned replies agents insert.
	Canned []Canned
	// SiteTitles are the sites' titles by name ("" is the default site's),
	// for the {site} variable of canned replies.
	SiteTitles map[string]string
	// Teams are the teams one can transfer to, with their hours.
	Teams []handoff.Team
	// Categories are what a resolution may be tagged with.
	Categories []string
}

// Canned is one canned reply.
type Canned struct {
	// Name is the shortcut shown and typed ("/refund").
	Name string
	// Lang is the language of the text ("en", "sv"); empty means any.
	Lang string
	// Text is the reply, with variables such as {agent}.
	Text string
}
