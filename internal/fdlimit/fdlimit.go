// Package fdlimit raises the soft open-file limit: every WebSocket is a
// descriptor, and ten thousand idle visitors need ten thousand of them.
package fdlimit

import (
	"fmt"
	"syscall"
)

// Raise lifts the soft limit to the hard one and returns the new limit.
func Raise() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("couldn't read the open-file limit: %w", err)
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			return 0, fmt.Errorf("couldn't raise the open-file limit: %w", err)
		}
	}
	return lim.Cur, nil
}

// Current returns the soft open-file limit.
func Current() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("couldn't read the open-file limit: %w", err)
	}
	return lim.Cur, nil
}
