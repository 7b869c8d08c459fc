package app

import "github.com/andon-chat/andon/knowledge"

// Knowledge gives app_test the knowledge base, to ask it questions.
func (a *App) Knowledge() *knowledge.Base { return a.kb }
