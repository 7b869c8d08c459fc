package sqlite

import (
	"testing"

	"github.com/andon-chat/andon/store/storetest"
)

func TestHandoffConformance(t *testing.T) {
	t.Parallel()
	storetest.RunHandoffs(t, func(t *testing.T) storetest.HandoffStore { return openTest(t, Options{}) })
}
