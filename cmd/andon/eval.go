package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/eval"
	"github.com/andon-chat/andon/ollama"
)

// runEval implements `andon eval`: score the real decision on a labelled
// question set against a throw-away knowledge base.
func runEval(args []string, stdout, stderr io.Writer) int {
	def := config.Defaults().Bot
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o eval.Options
	fs.StringVar(&o.KB, "kb", "", "knowledge base file or folder (any ingest format)")
	fs.StringVar(&o.Questions, "questions", "", "labelled questions (text,label CSV or JSONL; label oos = out of scope)")
	fs.BoolVar(&o.JSON, "json", false, "print one JSON object instead of a table")
	fs.BoolVar(&o.Sweep, "sweep", false, "print the deflection / wrong-answer / oos-recall curve over the answer threshold")
	fs.BoolVar(&o.Calibrate, "calibrate", false, "propose thresholds for --target and print them as TOML")
	fs.Float64Var(&o.TargetWrongRate, "target", 0.05, "target wrong-answer rate for --calibrate")
	fs.Float64Var(&o.AnswerThreshold, "answer-threshold", def.AnswerThreshold, "bot.answer_threshold")
	fs.Float64Var(&o.ClarifyThreshold, "clarify-threshold", def.ClarifyThreshold, "bot.clarify_threshold")
	fs.Float64Var(&o.ClarifyMargin, "clarify-margin", def.ClarifyMargin, "bot.clarify_margin")
	embedder := fs.String("embedder", "builtin", `"builtin", or "ollama:MODEL" to compare an Ollama embedding model`)
	ollamaURL := fs.String("ollama-url", config.Defaults().Ollama.URL, "Ollama server for --embedder ollama:MODEL")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.KB == "" || o.Questions == "" {
		fmt.Fprintln(stderr, "usage: andon eval --kb FILE --questions FILE [--json] [--sweep] [--calibrate [--target 0.05]]")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	switch model, ok := strings.CutPrefix(*embedder, "ollama:"); {
	case *embedder == "builtin":
	case ok && model != "":
		// Unlike serve, eval does not fall back: the comparison is the point.
		emb, err := ollama.NewEmbedder(ctx, ollama.EmbedderOptions{URL: *ollamaURL, Model: model})
		if err != nil {
			fmt.Fprintln(stderr, "andon eval:", err)
			return 1
		}
		o.Embedder = emb
	default:
		fmt.Fprintf(stderr, "andon eval: --embedder %q: want \"builtin\" or \"ollama:MODEL\", e.g. ollama:nomic-embed-text\n", *embedder)
		return 2
	}
	if err := eval.Run(ctx, o, stdout); err != nil {
		fmt.Fprintln(stderr, "andon eval:", err)
		return 1
	}
	return 0
}
