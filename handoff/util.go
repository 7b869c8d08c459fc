package handoff

import (
	"encoding/json"
	"fmt"

	"github.com/andon-chat/andon/bot"
)

func jsonMarshal(v any) (json.RawMessage, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("couldn't encode: %w", err)
	}
	return raw, nil
}

// langOf is a locale's language code ("sv-SE" → "sv").
func langOf(locale string) string { return bot.NormalizeLang(locale) }
