// Package hours answers when a team works: whether its business hours are
// open at an instant and, when they are not, when they open next, so that a
// visitor outside hours hears "we're back Monday 09:00" instead of a wait
// that will not come true.
//
// Hours are wall-clock times in the team's time zone ([[team]] timezone,
// UTC when empty), so a team that opens at 09:00 opens at 09:00 local time
// on both sides of a daylight saving change. A range that starts inside the
// hour skipped in spring opens when the clocks jump; in the hour repeated in
// autumn a range is open during both passes. Holidays (dates in the team's
// zone) close the whole day. A team without hours is always open, except on
// its holidays.
package hours

import (
	"fmt"
	"time"

	// The zone database is embedded: the binary may run where there is no
	// /usr/share/zoneinfo (distroless).
	_ "time/tzdata"
)

// horizon bounds the search for the next opening: a year and a little, so
// that a long list of holidays cannot make NextOpen loop, and a team whose
// every open day is a holiday is reported as never opening.
const horizon = 400

// Schedule is a team's business hours, parsed once. Build it with Compile;
// the zero value is always open in UTC.
type Schedule struct {
	loc      *time.Location
	days     [7][]Span       // by time.Weekday
	any      bool            // some hours are set; false means always open
	holidays map[string]bool // HolidayLayout dates
}

// Spec is a team's business hours as written: its time zone (an IANA
// name, "" for UTC), opening hours by weekday key ("mon": "09:00-17:00";
// none at all means always open) and holiday dates (HolidayLayout).
type Spec struct {
	Name     string
	Timezone string
	Hours    map[string]string
	Holidays []string
}

// Compile parses the team's time zone, hours and holidays. A team that
// config.Validate accepted always compiles.
func Compile(t Spec) (Schedule, error) {
	loc := time.UTC
	if t.Timezone != "" {
		l, err := time.LoadLocation(t.Timezone)
		if err != nil {
			return Schedule{}, fmt.Errorf("couldn't load time zone %q: %w", t.Timezone, err)
		}
		loc = l
	}
	s := Schedule{loc: loc, holidays: make(map[string]bool, len(t.Holidays))}
	for day, text := range t.Hours {
		wd, ok := ParseWeekday(day)
		if !ok {
			return Schedule{}, fmt.Errorf("couldn't read the hours of team %q: %q is not a weekday (mon, tue, ...)", t.Name, day)
		}
		spans, err := ParseDayHours(text)
		if err != nil {
			return Schedule{}, fmt.Errorf("couldn't read the hours of team %q on %s: %w", t.Name, day, err)
		}
		s.days[wd] = spans
		s.any = true
	}
	for _, h := range t.Holidays {
		d, err := time.Parse(HolidayLayout, h)
		if err != nil {
			return Schedule{}, fmt.Errorf("couldn't read holiday %q of team %q: %w", h, t.Name, err)
		}
		s.holidays[d.Format(HolidayLayout)] = true
	}
	return s, nil
}

// Open reports whether the team's hours are open at the instant at. A team
// whose hours cannot be read (a config that skipped validation) counts as
// open, so that visitors are never told nobody works when the schedule is
// merely unknown.
func Open(t Spec, at time.Time) bool {
	s, err := Compile(t)
	if err != nil {
		return true
	}
	return s.Open(at)
}

// NextOpen returns when the team's hours next open: at itself when they are
// open now, else the first instant after at. It reports false when they do
// not open within about a year, or cannot be read.
func NextOpen(t Spec, at time.Time) (time.Time, bool) {
	s, err := Compile(t)
	if err != nil {
		return time.Time{}, false
	}
	return s.NextOpen(at)
}

// Location is the time zone the hours are written in, for showing an
// opening time the way the team's own page would.
func (s Schedule) Location() *time.Location {
	if s.loc == nil {
		return time.UTC
	}
	return s.loc
}

// Open reports whether the hours are open at the instant at.
func (s Schedule) Open(at time.Time) bool {
	local := at.In(s.Location())
	if s.holidays[local.Format(HolidayLayout)] {
		return false
	}
	if !s.any {
		return true
	}
	m := local.Hour()*60 + local.Minute()
	for _, sp := range s.days[local.Weekday()] {
		if m >= sp.Start && m < sp.End {
			return true
		}
	}
	return false
}

// NextOpen returns at when the hours are open at at, else the first instant
// after at when they open; false when that is not within about a year.
func (s Schedule) NextOpen(at time.Time) (time.Time, bool) {
	if s.Open(at) {
		return at, true
	}
	loc := s.Location()
	local := at.In(loc)
	y, mo, d := local.Date()
	for i := range horizon {
		day := time.Date(y, mo, d+i, 12, 0, 0, 0, loc) // noon: never in a DST gap
		if s.holidays[day.Format(HolidayLayout)] {
			continue
		}
		spans := s.days[day.Weekday()]
		if !s.any {
			spans = []Span{{Start: 0, End: 24 * 60}}
		}
		for _, sp := range spans {
			if t, ok := s.opening(day, sp.Start, at); ok {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// opening returns the first instant not before at whose wall clock on day
// reads minute (after midnight), or the moment the clocks jump past it when
// that wall time is skipped by a daylight saving change.
func (s Schedule) opening(day time.Time, minute int, at time.Time) (time.Time, bool) {
	loc := s.Location()
	y, mo, d := day.Date()
	t := time.Date(y, mo, d, minute/60, minute%60, 0, 0, loc)
	if wall := t.Hour()*60 + t.Minute(); t.Day() != d || wall != minute {
		// Skipped: the clocks jumped over minute. time.Date normalised to
		// one side of the jump; the jump itself is where the hours open.
		start, end := t.ZoneBounds()
		if t.Day() == d && wall > minute || t.Day() != d && t.After(day) {
			t = start
		} else {
			t = end
		}
		if t.IsZero() {
			return time.Time{}, false
		}
	} else if earlier, ok := earlierPass(t); ok {
		// Repeated: the same wall time also happened an hour (or so)
		// before, in the summer offset; take the first pass not before at.
		if !earlier.Before(at) {
			t = earlier
		}
	}
	if t.Before(at) {
		return time.Time{}, false
	}
	return t, true
}

// earlierPass returns the earlier instant with the same wall clock as t,
// when t lies in the hour repeated after clocks were set back.
func earlierPass(t time.Time) (time.Time, bool) {
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return time.Time{}, false
	}
	_, off := t.Zone()
	_, prevOff := start.Add(-time.Nanosecond).Zone()
	if prevOff <= off {
		return time.Time{}, false
	}
	e := t.Add(-time.Duration(prevOff-off) * time.Second)
	if !e.Before(start) || e.Hour() != t.Hour() || e.Minute() != t.Minute() || e.Day() != t.Day() {
		return time.Time{}, false
	}
	return e, true
}
