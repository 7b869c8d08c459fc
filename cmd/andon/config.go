package main

import (
	"fmt"
	"io"

	"github.com/andon-chat/andon/config"
)

// runConfig implements `andon config check FILE` and `andon config example`.
func runConfig(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: andon config check FILE | andon config example")
		return 2
	}
	switch args[0] {
	case "example":
		fmt.Fprint(stdout, config.Example())
		return 0
	case "check":
		if len(args) != 2 {
			fmt.Fprintln(stderr, "usage: andon config check FILE")
			return 2
		}
		if _, err := config.Load(args[1]); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "%s: ok\n", args[1])
		return 0
	default:
		fmt.Fprintf(stderr, "andon config: unknown subcommand %q (want check or example)\n", args[0])
		return 2
	}
}
