package hours

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// HolidayLayout is how [[team]] holidays are written: "2026-12-24".
const HolidayLayout = "2006-01-02"

// Span is one opening range of a day in a team's time zone, in minutes after
// local midnight: Start is included, End is not. End may be 24*60 (written
// "24:00") for "until midnight".
type Span struct {
	Start, End int
}

// weekdayKeys are the keys of [[team]] hours, indexed by time.Weekday.
var weekdayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// ParseWeekday returns the weekday an hours key names ("mon" → Monday).
func ParseWeekday(key string) (time.Weekday, bool) {
	for i, k := range weekdayKeys {
		if k == key {
			return time.Weekday(i), true
		}
	}
	return 0, false
}

// ParseDayHours reads one day's opening hours, "09:00-17:00" or several
// ranges "08:00-12:00,13:00-17:00", and returns them in order. Each range
// must start before it ends (a range past midnight is written as two, one
// on each day) and ranges must not overlap.
func ParseDayHours(s string) ([]Span, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf(`must be opening hours such as "09:00-17:00" (leave the day out to close it)`)
	}
	var spans []Span
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		from, to, ok := strings.Cut(part, "-")
		if !ok {
			return nil, fmt.Errorf(`%q must be a range HH:MM-HH:MM, such as "09:00-17:00"`, part)
		}
		start, err := clock(strings.TrimSpace(from), false)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", part, err)
		}
		end, err := clock(strings.TrimSpace(to), true)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", part, err)
		}
		if start >= end {
			return nil, fmt.Errorf("%q must start before it ends (a range past midnight is two ranges, one on each day)", part)
		}
		spans = append(spans, Span{Start: start, End: end})
	}
	for i := range spans {
		for j := range i {
			if spans[i].Start < spans[j].End && spans[j].Start < spans[i].End {
				return nil, fmt.Errorf("%s overlaps %s", spanString(spans[i]), spanString(spans[j]))
			}
		}
	}
	slices.SortFunc(spans, func(a, b Span) int { return a.Start - b.Start })
	return spans, nil
}

// clock reads HH:MM as minutes after midnight; 24:00 only as an end.
func clock(s string, end bool) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, fmt.Errorf("%q is not a time HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && (mm != 0 || !end)) {
		return 0, fmt.Errorf("%q is not a time between 00:00 and 24:00", s)
	}
	return hh*60 + mm, nil
}

func spanString(s Span) string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.Start/60, s.Start%60, s.End/60, s.End%60)
}
