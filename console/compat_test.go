package console

import (
	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/notify"
)

// What app passes as Options.Knowledge and Options.Notify must keep
// fitting the console's interfaces.
var (
	_ ArticleSearch = (*knowledge.Base)(nil)
	_ DeliveryLog   = (*notify.Dispatcher)(nil)
)
