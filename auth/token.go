package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// randomToken is 32 random bytes, base64url: the secret in a cookie or link.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails since Go 1.24
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokenID is what the store keeps of a token: its SHA-256 in hex. Tokens
// carry 256 random bits, so a plain hash is enough (no salt, no stretching)
// and lets the store look the token up.
func tokenID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// csrfToken derives the CSRF token of a session: a forged cross-site
// request carries the cookie but cannot read this value, and it needs no
// storage of its own.
func (s *Service) csrfToken(sessionID string) string {
	m := hmac.New(sha256.New, s.opts.Secret)
	m.Write([]byte("andon csrf\x00"))
	m.Write([]byte(sessionID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validCSRF compares a presented token with the session's in constant time.
func (s *Service) validCSRF(sessionID, presented string) bool {
	return presented != "" && hmac.Equal([]byte(presented), []byte(s.csrfToken(sessionID)))
}
