package config

import (
	"fmt"
	"time"

	// The binary is static and may run on an image without
	// /usr/share/zoneinfo (distroless); embedding the zone database keeps
	// team time zones loadable there for validation (package hours embeds
	// it too, for the schedules).
	_ "time/tzdata"
)

// Location returns the team's time zone; an empty Timezone is UTC.
func (t Team) Location() (*time.Location, error) {
	if t.Timezone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(t.Timezone)
	if err != nil {
		return nil, fmt.Errorf("couldn't load time zone %q: %w", t.Timezone, err)
	}
	return loc, nil
}
