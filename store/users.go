package store

import (
	"context"
	"errors"
	"time"
)

// Errors of the user store, so that the auth service can tell the person at
// the login form exactly what went wrong with their link.
var (
	// ErrTokenUsed is returned by UseInvite when the token was already used
	// (also by another request racing this one), or when a first-admin
	// setup token is used after a user exists.
	ErrTokenUsed = errors.New("token already used")
	// ErrTokenExpired is returned by UseInvite when the token's time is up.
	ErrTokenExpired = errors.New("token expired")
	// ErrUserDisabled is returned by UseInvite when the token's user has
	// been disabled since the link was made.
	ErrUserDisabled = errors.New("user disabled")
	// ErrLastAdmin is returned by UpdateUser when the change would demote
	// or disable the last active admin: the check and the write are one
	// operation, so admins changing each other at once cannot both pass it.
	ErrLastAdmin = errors.New("the last active admin")
)

// AdminRole is the role the store keeps at least one active user in (see
// UpdateUser); it is auth.RoleAdmin.
const AdminRole = "admin"

// Kinds of one-time tokens (Invite.Kind).
const (
	// InviteSetup creates the first admin; it has no user yet.
	InviteSetup = "setup"
	// InviteNew lets an invited user choose their first password.
	InviteNew = "invite"
	// InviteReset lets a user choose a new password.
	InviteReset = "reset"
)

// User is a person who works in the console: an admin, agent or editor.
// PasswordHash and the lockout fields never leave the server (json:"-").
type User struct {
	ID    string   `json:"id"`
	Email string   `json:"email"` // stored lowercased; unique
	Name  string   `json:"name"`
	Role  string   `json:"role"` // "admin", "agent" or "editor" (see package auth)
	Teams []string `json:"teams"`
	// Disabled users cannot log in and their sessions are ended.
	Disabled bool `json:"disabled"`
	// HasPassword is false until an invite is accepted (read-only: it
	// mirrors PasswordHash != "").
	HasPassword bool `json:"has_password"`

	PasswordHash string `json:"-"` // argon2id, encoded with its parameters and salt
	// FailedLogins counts failed password attempts since the last success
	// or lockout; LockedUntil is when a lockout ends (zero: not locked).
	FailedLogins int       `json:"-"`
	LockedUntil  time.Time `json:"-"`

	LastLoginAt time.Time `json:"last_login_at,omitzero"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Session is one logged-in browser. The cookie holds a random token; the
// store keeps only ID, the token's SHA-256, so a copy of the database does
// not log anyone in.
type Session struct {
	ID         string    `json:"-"`
	UserID     string    `json:"user_id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"` // moved at most about once a minute
	ExpiresAt  time.Time `json:"expires_at"`   // absolute end, however active
	IP         string    `json:"ip,omitempty"`
	UserAgent  string    `json:"user_agent,omitempty"`
}

// Invite is a one-time link token: first-admin setup, an invitation or a
// password reset. Like sessions, only the token's SHA-256 (ID) is stored.
type Invite struct {
	ID        string    `json:"-"`
	Kind      string    `json:"kind"`              // InviteSetup, InviteNew or InviteReset
	UserID    string    `json:"user_id,omitempty"` // "" for InviteSetup
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	UsedAt    time.Time `json:"used_at,omitzero"`
}

// InviteUse is what accepting an invite writes.
type InviteUse struct {
	// PasswordHash becomes the user's password (required).
	PasswordHash string
	// Name replaces the user's name when not empty.
	Name string
	// NewUser is the first admin that an InviteSetup token creates (ID,
	// Email, Name, Role, Teams); ignored for other kinds.
	NewUser User
	// At is when it happens; the token must not have expired by then.
	At time.Time
}

// Users is where console users, their sessions and their one-time tokens
// live. It is a separate interface from Store so that a deployment's
// store can grow it without touching conversations.
type Users interface {
	// CreateUser stores u (ID set by the caller, Email lowercased by the
	// store). A used ID or e-mail is ErrExists.
	CreateUser(ctx context.Context, u User) error
	// User returns one user or ErrNotFound.
	User(ctx context.Context, id string) (User, error)
	// UserByEmail finds a user by e-mail, case-insensitively, or ErrNotFound.
	UserByEmail(ctx context.Context, email string) (User, error)
	// ListUsers returns every user, ordered by e-mail.
	ListUsers(ctx context.Context) ([]User, error)
	// CountUsers returns how many users exist (disabled ones included).
	CountUsers(ctx context.Context) (int, error)
	// UpdateUser stores u's Name, Role, Teams and Disabled. Disabling a
	// user deletes all their sessions in the same transaction. A change
	// that would leave no active admin (AdminRole, not disabled) where u
	// was one is refused with ErrLastAdmin, atomically with the write.
	UpdateUser(ctx context.Context, u User) error
	// SetPassword stores a new password hash, clears a lockout and deletes
	// the user's sessions except keepSession ("" deletes all).
	SetPassword(ctx context.Context, userID, hash, keepSession string) error
	// LoginFailed counts one failed password attempt at `at`; the
	// maxFailures-th failure in a row locks the account until at+lockFor
	// and starts the count over. It returns the user as updated. The count
	// is atomic: concurrent failures are all counted.
	LoginFailed(ctx context.Context, userID string, at time.Time, maxFailures int, lockFor time.Duration) (User, error)
	// LoginSucceeded clears the failure count and records the login time.
	LoginSucceeded(ctx context.Context, userID string, at time.Time) error

	// CreateSession stores s (ID is the token hash).
	CreateSession(ctx context.Context, s Session) error
	// Session returns one session or ErrNotFound (it does not check expiry).
	Session(ctx context.Context, id string) (Session, error)
	// TouchSession moves LastSeenAt (idle expiry counts from it).
	TouchSession(ctx context.Context, id string, at time.Time) error
	// DeleteSession ends one session; an unknown id is not an error.
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions ends every session of the user except
	// keepSession ("" ends all) and returns how many it ended.
	DeleteUserSessions(ctx context.Context, userID, keepSession string) (int, error)
	// DeleteExpiredSessions removes sessions whose ExpiresAt is before
	// `before`, and invites that expired before it, returning how many
	// sessions it removed.
	DeleteExpiredSessions(ctx context.Context, before time.Time) (int, error)

	// CreateInvite stores a one-time token. An InviteNew or InviteReset
	// token replaces the user's earlier unused tokens (only the newest link
	// works).
	CreateInvite(ctx context.Context, inv Invite) error
	// Invite returns a token's record or ErrNotFound.
	Invite(ctx context.Context, id string) (Invite, error)
	// UseInvite accepts token id atomically: it must be unused (else
	// ErrTokenUsed) and unexpired at use.At (else ErrTokenExpired); it is
	// marked used, and in the same transaction the password is set, the
	// lockout cleared and the user's other sessions deleted, or, for
	// InviteSetup, use.NewUser is created, but only while no user exists
	// (else ErrTokenUsed). When many requests race for one token exactly
	// one succeeds. It returns the user as stored.
	UseInvite(ctx context.Context, id string, use InviteUse) (User, error)
}
