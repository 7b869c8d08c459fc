package sqlite

import (
	"testing"

	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/storetest"
)

func TestUsersConformance(t *testing.T) {
	t.Parallel()
	storetest.RunUsers(t, func(t *testing.T) store.Users { return openTest(t, Options{}) })
}
