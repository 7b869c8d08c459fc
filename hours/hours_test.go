package hours_test

import (
	"testing"
	"time"

	"github.com/andon-chat/andon/hours"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

var (
	office = hours.Spec{
		Name:     "billing",
		Timezone: "Europe/Stockholm",
		Hours: map[string]string{
			"mon": "09:00-17:00", "tue": "09:00-17:00", "wed": "08:00-12:00,13:00-17:00",
			"thu": "09:00-17:00", "fri": "09:00-15:00", "sat": "20:00-24:00",
		},
		Holidays: []string{"2026-12-24", "2026-12-25"},
	}
	// night opens inside the hours that daylight saving skips or repeats.
	night = hours.Spec{Name: "night", Timezone: "Europe/Stockholm", Hours: map[string]string{"sun": "02:30-05:00"}}
	ny    = hours.Spec{Name: "ny", Timezone: "America/New_York", Hours: map[string]string{"sun": "02:00-04:00"}}
	// always has no hours: open except on its holiday.
	always = hours.Spec{Name: "always", Holidays: []string{"2026-12-25"}}
)

func TestOpen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		team hours.Spec
		at   string
		want bool
	}{
		{"before opening (CET is UTC+1)", office, "2026-11-30T07:59:00Z", false},
		{"at opening", office, "2026-11-30T08:00:00Z", true},
		{"last minute", office, "2026-11-30T15:59:59Z", true},
		{"at closing", office, "2026-11-30T16:00:00Z", false},
		{"the same instant in another zone", office, "2026-11-30T10:30:00+02:00", true},
		{"lunch break", office, "2026-12-02T11:30:00Z", false},
		{"after lunch", office, "2026-12-02T12:00:00Z", true},
		{"early on the split day", office, "2026-12-02T07:00:00Z", true},
		{"sunday is left out", office, "2026-11-29T12:00:00Z", false},
		{"until midnight", office, "2026-11-28T22:59:00Z", true},
		{"holiday", office, "2026-12-24T10:00:00Z", false},
		{"summer time (CEST is UTC+2)", office, "2026-06-01T07:30:00Z", true},
		{"summer time before opening", office, "2026-06-01T06:30:00Z", false},
		{"after the spring change, 09:00 CEST", office, "2026-03-30T07:00:00Z", true},
		{"before the spring change, 08:00 UTC is 09:00 CET", office, "2026-03-23T07:30:00Z", false},
		{"inside the skipped hour's range", night, "2026-03-29T01:30:00Z", true},
		{"repeated hour, first pass", night, "2026-10-25T00:40:00Z", true},
		{"repeated hour, second pass", night, "2026-10-25T01:40:00Z", true},
		{"no hours is always open", always, "2026-11-29T03:00:00Z", true},
		{"no hours but a holiday", always, "2026-12-25T12:00:00Z", false},
		{"bad zone counts as open", hours.Spec{Timezone: "Mars/Olympus", Hours: map[string]string{"mon": "09:00-10:00"}}, "2026-11-29T03:00:00Z", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := hours.Open(tt.team, utc(tt.at)); got != tt.want {
				t.Errorf("hours.Open(%s, %s) = %v, want %v", tt.team.Name, tt.at, got, tt.want)
			}
		})
	}
}

func TestNextOpen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		team hours.Spec
		at   string
		want string // RFC 3339 in UTC; "" for never
	}{
		{"open now", office, "2026-11-30T09:00:00Z", "2026-11-30T09:00:00Z"},
		{"later today", office, "2026-11-30T06:00:00Z", "2026-11-30T08:00:00Z"},
		{"after lunch", office, "2026-12-02T11:15:00Z", "2026-12-02T12:00:00Z"},
		{"friday evening to saturday evening", office, "2026-11-27T15:00:00Z", "2026-11-28T19:00:00Z"},
		{"saturday night to monday", office, "2026-11-28T23:00:00Z", "2026-11-30T08:00:00Z"},
		{"over the holidays", office, "2026-12-23T17:00:00Z", "2026-12-26T19:00:00Z"},
		{"over the spring change", office, "2026-03-28T23:30:00Z", "2026-03-30T07:00:00Z"},
		{"over the autumn change", office, "2026-10-24T23:30:00Z", "2026-10-26T08:00:00Z"},
		{"opens in the skipped hour: when the clocks jump", night, "2026-03-28T20:00:00Z", "2026-03-29T01:00:00Z"},
		{"skipped hour where Go normalises backwards", ny, "2026-03-07T20:00:00Z", "2026-03-08T07:00:00Z"},
		{"opens in the repeated hour: the first pass", night, "2026-10-24T20:00:00Z", "2026-10-25T00:30:00Z"},
		{"between the two passes: the second", night, "2026-10-25T01:10:00Z", "2026-10-25T01:30:00Z"},
		{"always open: after the holiday at midnight", always, "2026-12-25T08:00:00Z", "2026-12-26T00:00:00Z"},
		{"never", mondaysOff(), "2026-11-24T12:00:00Z", ""},
		{"bad hours", hours.Spec{Hours: map[string]string{"mon": "9-5"}}, "2026-11-24T12:00:00Z", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := hours.NextOpen(tt.team, utc(tt.at))
			switch {
			case tt.want == "" && ok:
				t.Errorf("hours.NextOpen(%s, %s) = %s, want never", tt.team.Name, tt.at, got.UTC().Format(time.RFC3339))
			case tt.want != "" && (!ok || !got.Equal(utc(tt.want))):
				t.Errorf("hours.NextOpen(%s, %s) = %s, %v, want %s", tt.team.Name, tt.at, got.UTC().Format(time.RFC3339), ok, tt.want)
			case ok && !hours.Open(tt.team, got):
				t.Errorf("hours.NextOpen(%s, %s) = %s, when the team is not open", tt.team.Name, tt.at, got.UTC().Format(time.RFC3339))
			}
		})
	}
}

// mondaysOff opens on Mondays only and takes every Monday of the next
// years off.
func mondaysOff() hours.Spec {
	team := hours.Spec{Name: "mondays", Hours: map[string]string{"mon": "09:00-10:00"}}
	for d := utc("2026-11-30T00:00:00Z"); d.Year() < 2029; d = d.AddDate(0, 0, 7) {
		team.Holidays = append(team.Holidays, d.Format(hours.HolidayLayout))
	}
	return team
}

// TestNextOpenIsFirst checks minute by minute over a week with both kinds of
// day, and over both daylight saving changes, that nothing opens between at
// and hours.NextOpen(at).
func TestNextOpenIsFirst(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		team  hours.Spec
		start string
		days  int
	}{
		{office, "2026-11-27T00:00:00Z", 7},
		{office, "2026-12-23T00:00:00Z", 4},
		{night, "2026-03-28T12:00:00Z", 1},
		{night, "2026-10-24T12:00:00Z", 1},
		{ny, "2026-03-07T12:00:00Z", 1},
	} {
		s, err := hours.Compile(tc.team)
		if err != nil {
			t.Fatal(err)
		}
		start := utc(tc.start)
		end := start.AddDate(0, 0, tc.days)
		for at := start; at.Before(end); at = at.Add(5 * time.Minute) {
			next, ok := s.NextOpen(at)
			if !ok {
				t.Fatalf("%s: hours.NextOpen(%s) found nothing", tc.team.Name, at)
			}
			for m := at; m.Before(next) && m.Before(end); m = m.Add(time.Minute) {
				if s.Open(m) {
					t.Fatalf("%s: hours.NextOpen(%s) = %s, but open at %s", tc.team.Name, at, next, m)
				}
			}
		}
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	for _, team := range []hours.Spec{
		{Name: "a", Timezone: "Nowhere/Town"},
		{Name: "b", Hours: map[string]string{"monday": "09:00-17:00"}},
		{Name: "c", Hours: map[string]string{"mon": "17:00-09:00"}},
		{Name: "d", Holidays: []string{"24/12/2026"}},
	} {
		if _, err := hours.Compile(team); err == nil {
			t.Errorf("hours.Compile(%+v) succeeded", team)
		}
	}
}
