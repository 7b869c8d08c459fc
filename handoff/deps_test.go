package handoff_test

import (
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/notify"
	"github.com/andon-chat/andon/store/sqlite"
)

// What app wires into the desk implements what the desk consumes.
var (
	_ handoff.Notifier      = (*notify.Dispatcher)(nil)
	_ handoff.VisitorMailer = (*notify.Dispatcher)(nil)
	_ handoff.Learner       = (*knowledge.Base)(nil)
	_ handoff.HandoffStore  = (*sqlite.Store)(nil)
)
