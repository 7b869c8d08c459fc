package handoff

import (
	"encoding/json"
	"fmt"
)

func jsonMarshal(v any) (json.RawMessage, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("couldn't encode: %w", err)
	}
	return raw, nil
}
