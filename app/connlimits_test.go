package app

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/andon-chat/andon/config"
)

// TestConnLimitsKeepDescriptorsInReserve: the general connections get what
// the open-file limit leaves after both reserves, never more; a limit too
// small for the reserves is an error at start, not a hang later.
func TestConnLimitsKeepDescriptorsInReserve(t *testing.T) {
	t.Parallel()
	l := config.Defaults().Limits
	l.ReservedDescriptors, l.ReservedConnections = 50, 16
	log := slog.New(slog.DiscardHandler)
	for _, tt := range []struct {
		configured int
		nofile     uint64
		want       int
	}{
		{0, 1024, 1024 - 66},
		{100, 1024, 100},
		{5000, 1024, 1024 - 66},
		{0, 1 << 62, 1 << 40},
	} {
		l.MaxHTTPConnections = tt.configured
		o, err := connLimits(l, tt.nofile, log)
		if err != nil || o.Total != tt.want || o.Reserve != 16 || o.PerIP != l.MaxHTTPConnectionsPerIP {
			t.Errorf("max %d, nofile %d: %+v %v, want total %d", tt.configured, tt.nofile, o, err, tt.want)
		}
	}
	if _, err := connLimits(l, 60, log); err == nil || !strings.Contains(err.Error(), "ulimit -n") {
		t.Errorf("open-file limit 60 with 66 reserved: %v", err)
	}
}
