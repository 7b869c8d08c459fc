package sqlite

import (
	"testing"

	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/storetest"
)

func TestIncidentsConformance(t *testing.T) {
	t.Parallel()
	storetest.RunIncidents(t, func(t *testing.T) store.Incidents { return openTest(t, Options{}) })
}
