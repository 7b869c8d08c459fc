// Package auth is who may use the console: users with roles, argon2id
// passwords, sessions in HttpOnly SameSite cookies (only a hash of the
// token is stored), CSRF tokens derived from the session, login rate limits
// and lockout, and one-time links for the first admin, invitations and
// password resets. There is never a default password: with no users,
// EnsureSetup makes a one-time setup link.
package auth

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andon-chat/andon/internal/keyrate"
	"github.com/andon-chat/andon/store"
)

// User is a console user as the rest of andon sees it.
type User = store.User

// Roles. An admin may do everything an agent or editor may.
const (
	RoleAdmin  = store.AdminRole // users, settings, delivery log, and everything else
	RoleAgent  = "agent"         // conversations
	RoleEditor = "editor"        // the knowledge base
)

// Roles lists the valid roles, for validation and the users page.
var Roles = []string{RoleAdmin, RoleAgent, RoleEditor}

// ValidRole reports whether role is one of Roles.
func ValidRole(role string) bool { return slices.Contains(Roles, role) }

// Allows reports whether a user with userRole may do what needs `needed`.
// Admin allows all; an empty needed means any logged-in user.
func Allows(userRole, needed string) bool {
	return needed == "" || userRole == RoleAdmin || userRole == needed
}

// Rate is a token bucket: Burst attempts at once, then one per Every.
type Rate struct {
	Every time.Duration
	Burst int
}

// Options configure New. Store and Secret are required; everything else
// has a default.
type Options struct {
	Store store.Users
	// Secret derives CSRF tokens from sessions (HMAC-SHA256); at least 16
	// bytes, stable across restarts (the server's secret).
	Secret []byte
	// PublicURL is where people reach the server ("https://chat.example.com");
	// links are built on it, and cookies are Secure when it is https. Empty
	// means "the request's origin".
	PublicURL string
	// LocalURL is the base of links made outside a request (EnsureSetup and
	// the CLI) when PublicURL is empty, e.g. "http://localhost:8080".
	LocalURL string
	// Teams are the known team names; when not empty, a user's teams must
	// be among them.
	Teams []string
	// OnUserChange, when set, is called with a user after an admin changed
	// them (name, role, teams, disabled), so that who is on duty is told
	// at once rather than at the agent's next login, and after sessions of
	// the user ended (logout, logout-all, a password change), so that open
	// consoles re-check theirs now. It must not block.
	OnUserChange func(store.User)
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed (for the per-IP limit and links).
	TrustedProxies []netip.Prefix
	Logger         *slog.Logger
	// Now is the clock (tests move it); nil is time.Now.
	Now func() time.Time
	// Params are argon2id's costs for new hashes; zero is DefaultParams.
	Params Params

	SessionIdle time.Duration // a session unused this long ends; default 12h
	SessionMax  time.Duration // a session ends this long after login however active; default 7 days
	InviteTTL   time.Duration // invitation links; default 7 days
	ResetTTL    time.Duration // password reset links; default 24h
	SetupTTL    time.Duration // the first-admin setup link; default 24h

	MaxFailures int           // failed logins in a row that lock an account; default 5
	LockFor     time.Duration // how long the lock lasts; default 15m
	PerIP       Rate          // login and setup attempts per client IP; default 20 at once, then 1 per 6s
	PerEmail    Rate          // login attempts per e-mail; default 10 at once, then 1 per 30s
}

// Service is the auth service. It is safe for concurrent use.
type Service struct {
	opts    Options
	st      store.Users
	log     *slog.Logger
	now     func() time.Time
	public  *url.URL // nil when PublicURL is empty
	secure  bool     // public URL is https: cookies always Secure
	teams   []string
	perIP   *keyrate.Limiter
	perMail *keyrate.Limiter
	ghosts  *ghostLocks // failures of e-mails without an account

	dummyOnce sync.Once
	dummyHash string // verified against when the e-mail is unknown, so both take as long

	lastSweep atomic.Int64 // unix micros of the last expired-session sweep

	hashing chan struct{} // semaphore: argon2id runs at once (see hash)
}

// New checks opts and returns the service.
func New(opts Options) (*Service, error) {
	if opts.Store == nil {
		return nil, errors.New("couldn't start auth: no user store")
	}
	if len(opts.Secret) < 16 {
		return nil, fmt.Errorf("couldn't start auth: the secret has %d bytes, want at least 16", len(opts.Secret))
	}
	s := &Service{opts: opts, st: opts.Store, log: opts.Logger, now: opts.Now, teams: opts.Teams}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if opts.PublicURL != "" {
		u, err := url.Parse(strings.TrimRight(opts.PublicURL, "/"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("couldn't start auth: public URL %q is not an http(s) URL", opts.PublicURL)
		}
		s.public = u
		s.secure = u.Scheme == "https"
	}
	d := &s.opts
	setDefault(&d.SessionIdle, 12*time.Hour)
	setDefault(&d.SessionMax, 7*24*time.Hour)
	setDefault(&d.InviteTTL, 7*24*time.Hour)
	setDefault(&d.ResetTTL, 24*time.Hour)
	setDefault(&d.SetupTTL, 24*time.Hour)
	setDefault(&d.LockFor, 15*time.Minute)
	if d.MaxFailures <= 0 {
		d.MaxFailures = 5
	}
	if d.PerIP.Every <= 0 || d.PerIP.Burst <= 0 {
		d.PerIP = Rate{Every: 6 * time.Second, Burst: 20}
	}
	if d.PerEmail.Every <= 0 || d.PerEmail.Burst <= 0 {
		d.PerEmail = Rate{Every: 30 * time.Second, Burst: 10}
	}
	if d.Params == (Params{}) {
		d.Params = DefaultParams
	}
	if d.Params.Memory == 0 || d.Params.Time == 0 || d.Params.Threads == 0 {
		return nil, fmt.Errorf("couldn't start auth: incomplete argon2id parameters %+v", d.Params)
	}
	s.hashing = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))
	s.perIP = keyrate.New(d.PerIP.Every, d.PerIP.Burst, 0)
	s.perMail = keyrate.New(d.PerEmail.Every, d.PerEmail.Burst, 0)
	s.ghosts = newGhostLocks(maxGhosts)
	return s, nil
}

func setDefault(d *time.Duration, v time.Duration) {
	if *d <= 0 {
		*d = v
	}
}

// dummy returns a hash with the configured parameters that no password
// matches, made once.
func (s *Service) dummy() string {
	s.dummyOnce.Do(func() {
		h, err := HashPassword(string(randomToken()), s.opts.Params)
		if err != nil {
			panic(err) // parameters were checked in New
		}
		s.dummyHash = h
	})
	return s.dummyHash
}
