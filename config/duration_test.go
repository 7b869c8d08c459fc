package config

import (
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"
)

func TestDurationText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    time.Duration
		text string
	}{
		{30 * time.Second, "30s"},
		{5 * time.Minute, "5m"},
		{90 * time.Minute, "1h30m"},
		{720 * time.Hour, "720h"},
		{time.Hour + time.Second, "1h0m1s"},
		{1500 * time.Millisecond, "1.5s"},
		{0, "0s"},
	}
	for _, tt := range tests {
		b, err := Duration(tt.d).MarshalText()
		if err != nil || string(b) != tt.text {
			t.Errorf("MarshalText(%v) = %q, %v; want %q", tt.d, b, err, tt.text)
		}
		var d Duration
		if err := d.UnmarshalText([]byte(tt.text)); err != nil || d.Duration() != tt.d {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", tt.text, d.Duration(), err, tt.d)
		}
	}
	var d Duration
	for _, bad := range []string{"30", "", "soon", "5 m"} {
		if err := d.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("UnmarshalText(%q) accepted %v", bad, d)
		}
	}
}

// TestDurationTOML checks the round trip through go-toml itself.
func TestDurationTOML(t *testing.T) {
	t.Parallel()
	type doc struct {
		Timeout Duration `toml:"timeout"`
	}
	b, err := toml.Marshal(doc{Timeout: Duration(5 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), "timeout = '5m'\n"; got != want {
		t.Errorf("Marshal = %q, want %q", got, want)
	}
	var back doc
	if err := toml.Unmarshal(b, &back); err != nil || back.Timeout.Duration() != 5*time.Minute {
		t.Errorf("Unmarshal(%q) = %v, %v", b, back.Timeout, err)
	}
}
