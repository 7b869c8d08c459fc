package store

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// idEncoding is lowercase base32 without padding: 16 bytes become 26
// characters that are safe in URLs, file names and log lines.
var idEncoding = base32.NewEncoding(strings.ToLower("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")).WithPadding(base32.NoPadding)

// NewID returns a random 128-bit identifier for a conversation (26 lowercase
// base32 characters). It comes from crypto/rand so that an id cannot be
// guessed from another one; the resume token, not the id, is the secret.
func NewID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails since Go 1.24: it crashes the program instead
	return idEncoding.EncodeToString(b[:])
}
