package config

import _ "embed"

//go:embed example.toml
var example string

// Example returns a complete, commented configuration file that sets every
// key to its default (optional ones are shown commented out). It is what
// `andon config example` prints; a test keeps it equal to Defaults.
func Example() string {
	return example
}
