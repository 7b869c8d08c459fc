package widget

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

var (
	errBadToken     = errors.New("resume token is not valid")
	errTokenExpired = errors.New("resume token has expired")
)

// tokens issues and checks resume tokens: base64url(payload) "."
// base64url(HMAC-SHA256(secret, payload)) where payload is
// "v1\n" site "\n" conversation id "\n" expiry (Unix seconds). The site is
// inside so that a token of one site cannot open another's conversation.
type tokens struct {
	secret []byte
	ttl    time.Duration
}

func (t tokens) issue(site, conversationID string, now time.Time) string {
	payload := "v1\n" + site + "\n" + conversationID + "\n" + strconv.FormatInt(now.Add(t.ttl).Unix(), 10)
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(t.mac([]byte(payload)))
}

func (t tokens) mac(payload []byte) []byte {
	m := hmac.New(sha256.New, t.secret)
	m.Write(payload)
	return m.Sum(nil)
}

// verify returns the conversation id of a token issued for site, or
// errBadToken (forged, damaged, another site's) or errTokenExpired.
func (t tokens) verify(site, token string, now time.Time) (string, error) {
	enc := base64.RawURLEncoding
	p64, m64, ok := strings.Cut(token, ".")
	if !ok {
		return "", errBadToken
	}
	payload, err1 := enc.DecodeString(p64)
	sum, err2 := enc.DecodeString(m64)
	if err1 != nil || err2 != nil || !hmac.Equal(sum, t.mac(payload)) {
		return "", errBadToken
	}
	parts := strings.Split(string(payload), "\n")
	if len(parts) != 4 || parts[0] != "v1" || parts[2] == "" {
		return "", errBadToken
	}
	if parts[1] != site {
		return "", errBadToken
	}
	exp, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil {
		return "", errBadToken
	}
	if now.Unix() >= exp {
		return "", errTokenExpired
	}
	return parts[2], nil
}
