// Command andon is the self-hosted support chat: one binary with
// subcommands. main only parses arguments and wires packages together.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `andon — a support chat widget that answers from your knowledge base
and pulls the cord to a person when it should.

Usage:
  andon serve   [--config FILE] [--addr HOST:PORT] [--data DIR]
  andon ingest  [--config FILE] [--data DIR] [--dry-run] PATH...
  andon ingest  [--config FILE] [--data DIR] [--dry-run] [--allow-private] --site URL | --urls FILE
  andon export  [--config FILE] [--data DIR] --out DIR|FILE.zip
  andon eval    --kb FILE --questions FILE [--json] [--sweep] [--calibrate [--target 0.05]]
  andon bench   idle|messages [flags]   (load tests over loopback; see andon bench -h)
  andon config  check FILE | example
  andon user    add|list|reset|disable|enable [flags]   (console users; see andon user help)
  andon version
`

// run executes one subcommand and returns the process exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(rest, stdout, stderr)
	case "ingest":
		return runIngest(rest, stdout, stderr)
	case "export":
		return runExport(rest, stdout, stderr)
	case "eval":
		return runEval(rest, stdout, stderr)
	case "bench":
		return runBench(rest, stdout, stderr)
	case "config":
		return runConfig(rest, stdout, stderr)
	case "user":
		return runUser(rest, stdin, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "andon", version())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "andon: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}
