package postgres

import (
	"database/sql"

	"encoding/json"
	"fmt"
	"time"
)

// Times are stored as BIGINT microseconds since the Unix epoch: portable,
// ordered, and the precision PostgreSQL keeps, so both stores return the same
// value for the same input.

// storedTime is t as the store keeps it: UTC, whole microseconds, and now
// when t is zero.
func storedTime(t time.Time, now func() time.Time) time.Time {
	if t.IsZero() {
		t = now()
	}
	return t.UTC().Truncate(time.Microsecond)
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

// JSON columns are TEXT holding JSON, NULL when the Go value is empty, so
// that nil and empty read back the same way (as nil).

// jsonColumn encodes v for a JSON column; empty is NULL.
func jsonColumn[T any](v T, empty bool) (any, error) {
	if empty {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// rawJSONColumn checks raw and stores it as given; empty is NULL. It refuses
// what is not JSON, as a PostgreSQL jsonb column would.
func rawJSONColumn(raw json.RawMessage) (any, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	if !json.Valid(raw) {
		return nil, fmt.Errorf("not valid JSON: %.40q", raw)
	}
	return string(raw), nil
}

// decodeJSON reads a JSON column into v; NULL leaves v alone.
func decodeJSON(col nullString, v any) error {
	if !col.Valid || col.String == "" {
		return nil
	}
	return json.Unmarshal([]byte(col.String), v)
}

// rawJSON reads a JSON column as it was stored; NULL is nil.
func rawJSON(col nullString) json.RawMessage {
	if !col.Valid || col.String == "" {
		return nil
	}
	return json.RawMessage(col.String)
}

// nullable turns "" into NULL, for columns where NULL means "none given".
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullString is a nullable TEXT column.
type nullString = sql.NullString
