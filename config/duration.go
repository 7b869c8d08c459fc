package config

import (
	"fmt"
	"strings"
	"time"
)

// Duration is a time.Duration written in TOML as a string such as "30s",
// "5m" or "720h". A bare integer is refused: "30" could mean seconds or
// nanoseconds, and guessing wrong makes a timeout a million times too short.
type Duration time.Duration

// Duration returns d as the standard library type.
func (d Duration) Duration() time.Duration { return time.Duration(d) }

// String writes d the way people write it: "5m" rather than "5m0s".
func (d Duration) String() string {
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// UnmarshalText reads a Go duration string ("30s", "1h30m").
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := parseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes d so that UnmarshalText reads it back unchanged.
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

func parseDuration(s string) (time.Duration, error) {
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q (write it like \"30s\", \"5m\" or \"1h30m\")", s)
	}
	return v, nil
}
