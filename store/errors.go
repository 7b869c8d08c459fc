package store

import "errors"

// ErrExists is returned by CreateConversation when a conversation with the
// same ID is already stored, so that a caller can tell a clash (pick a new
// ID) from a failing store.
var ErrExists = errors.New("already exists")
