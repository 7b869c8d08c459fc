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

	// MaxFailures wrong current passwords in a row at POST /api/password
	// (someone holding a session) lock the account for LockFor; default 5
	// and 15m. Logins are never locked by count: see the Pair and
	// PerAccount limits.
	MaxFailures int
	LockFor     time.Duration
	PerIP       Rate // login and setup attempts per client IP; default 20 at once, then 1 per 6s

	// PairFailures failed logins in a row to one account from one source
	// (an address, or a known device) cost nothing; after that each one
	// doubles the wait before the next try from that pair, starting at
	// PairDelay, up to PairMaxDelay. Defaults 5, 1s and 15m.
	PairFailures int
	PairDelay    time.Duration
	PairMaxDelay time.Duration
	// PerAccount limits the failed logins to one account from every
	// source that is not a known device together: far above what one
	// person types, it is what stops guessing from many addresses.
	// Default 100 at once, then 1 per 36s (100 an hour).
	PerAccount Rate
	// DeviceTTL is how long a browser that logged in stays a known device
	// of the account (not slowed by PerAccount), and an address it logged
	// in from a known address (in memory, until a restart); default 180 days.
	DeviceTTL time.Duration
	// Alerts mails a user whose account hits PerAccount, at most once per
	// AlertEvery (default 24h); nil sends nothing (no [smtp]).
	Alerts     Mailer
	AlertEvery time.Duration
}

// Service is the auth service. It is safe for concurrent use.
type Service struct {
	opts       Options
	st         store.Users
	log        *slog.Logger
	now        func() time.Time
	public     *url.URL // nil when PublicURL is empty
	secure     bool     // public URL is https: cookies always Secure
	teams      []string
	perIP      *keyrate.Limiter
	pairs      *pairGuard       // failures per (account, source)
	knownAddrs *knownAddresses  // (account, IP) pairs that logged in
	perAccount *keyrate.Limiter // failures per account from unknown devices
	alerted    *keyrate.Limiter // accounts whose user was mailed an alert lately
	alerting   chan struct{}    // semaphore: alert mails being sent

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
	if d.PairFailures <= 0 {
		d.PairFailures = 5
	}
	setDefault(&d.PairDelay, time.Second)
	setDefault(&d.PairMaxDelay, 15*time.Minute)
	if d.PerAccount.Every <= 0 || d.PerAccount.Burst <= 0 {
		d.PerAccount = Rate{Every: 36 * time.Second, Burst: 100}
	}
	setDefault(&d.DeviceTTL, 180*24*time.Hour)
	setDefault(&d.AlertEvery, 24*time.Hour)
	if d.Params == (Params{}) {
		d.Params = DefaultParams
	}
	if d.Params.Memory == 0 || d.Params.Time == 0 || d.Params.Threads == 0 {
		return nil, fmt.Errorf("couldn't start auth: incomplete argon2id parameters %+v", d.Params)
	}
	s.hashing = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))
	s.perIP = keyrate.New(d.PerIP.Every, d.PerIP.Burst, 0)
	s.pairs = newPairGuard(maxPairs, d.PairFailures, d.PairDelay, d.PairMaxDelay)
	s.knownAddrs = newKnownAddresses(maxPairs, d.DeviceTTL)
	// Accounts are keyed by e-mail, known or not (see pairGuard); the
	// per-IP limit bounds how fast new keys come.
	s.perAccount = keyrate.New(d.PerAccount.Every, d.PerAccount.Burst, 0)
	s.alerted = keyrate.New(d.AlertEvery, 1, 10000)
	s.alerting = make(chan struct{}, maxAlertsInFlight)
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
