package app

import "github.com/andon-chat/andon/knowledge"

// Knowledge gives app_test the knowledge base, to ask it questions.
func (a *App) Knowledge() *knowledge.Base { return a.kb }

// WaitEmbedderSwitch waits until a background re-embedding has ended.
func (a *App) WaitEmbedderSwitch() {
	if a.embedSwitch != nil {
		<-a.embedSwitch.finished
	}
}
