package auth

import (
	"context"
	"errors"
	"fmt"
	"github.com/andon-chat/andon/internal/apierr"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/andon-chat/andon/internal/clientip"
	"github.com/andon-chat/andon/store"
)

// CookieName is the session cookie.
const CookieName = "andon_session"

// CSRFHeader carries the csrf_token of /api/login or /api/me on every
// state-changing request.
const CSRFHeader = "X-CSRF-Token"

// touchEvery bounds how often a session's LastSeenAt is written: not on
// every request, but often enough for an idle timeout counted in hours.
const touchEvery = time.Minute

type ctxKey struct{}

// authed is what Require puts in a request's context.
type authed struct {
	user    store.User
	session store.Session
}

// UserFrom returns the logged-in user that Require put in ctx.
func UserFrom(ctx context.Context) (store.User, bool) {
	a, ok := ctx.Value(ctxKey{}).(authed)
	return a.user, ok
}

// CSRFToken returns the CSRF token of the request's session (set by
// Require), for handlers that hand it to a client, e.g. in a WebSocket hello.
func (s *Service) CSRFToken(ctx context.Context) string {
	a, ok := ctx.Value(ctxKey{}).(authed)
	if !ok {
		return ""
	}
	return s.csrfToken(a.session.ID)
}

func withAuthed(ctx context.Context, a authed) context.Context {
	return context.WithValue(ctx, ctxKey{}, a)
}

// Authenticate returns the user of the request's session cookie, checking
// that the request comes from the console's own origin when it says where
// it comes from. The agent WebSocket calls it before upgrading. Errors are
// *Error (401 or 403).
func (s *Service) Authenticate(r *http.Request) (store.User, error) {
	if err := s.checkOrigin(r); err != nil {
		return store.User{}, err
	}
	a, err := s.session(r)
	if err != nil {
		return store.User{}, err
	}
	return a.user, nil
}

// SessionToken returns the session token of the request's cookie ("" when
// there is none), for a long-lived connection to re-check with Check.
func SessionToken(r *http.Request) string {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return ""
	}
	return c.Value
}

// Check re-checks a session by its token (the cookie's value, see
// SessionToken) and returns its user as stored now. A long-lived
// connection such as the agent WebSocket, authenticated once at its start,
// calls it again and again so that it ends with the session: after a
// logout, logout-all, expiry, or when the user is disabled. The role is
// the caller's to check against the returned user. Like a request, a check
// counts as use of the session (idle expiry starts over, written at most
// once a minute). Errors are *Error (401) when the session is over; others
// are the store's.
func (s *Service) Check(ctx context.Context, sessionToken string) (store.User, error) {
	a, err := s.sessionByToken(ctx, sessionToken)
	if err != nil {
		return store.User{}, err
	}
	return a.user, nil
}

// session finds the request's session and its user, ending it when it has
// expired or its user is disabled.
func (s *Service) session(r *http.Request) (authed, error) {
	return s.sessionByToken(r.Context(), SessionToken(r))
}

func (s *Service) sessionByToken(ctx context.Context, token string) (authed, error) {
	if token == "" {
		return authed{}, errorf(http.StatusUnauthorized, apierr.CodeUnauthorized, "Log in first: this request has no session cookie.")
	}
	id := tokenID(token)
	sess, err := s.st.Session(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return authed{}, errorf(http.StatusUnauthorized, apierr.CodeUnauthorized, "Your session has ended (logged out, or ended from another device); log in again.")
	}
	if err != nil {
		return authed{}, err
	}
	now := s.now()
	switch {
	case !now.Before(sess.ExpiresAt):
		s.endSession(ctx, id)
		return authed{}, errorf(http.StatusUnauthorized, apierr.CodeUnauthorized, "Your session has expired (sessions last at most %s); log in again.", human(s.opts.SessionMax))
	case now.Sub(sess.LastSeenAt) >= s.opts.SessionIdle:
		s.endSession(ctx, id)
		return authed{}, errorf(http.StatusUnauthorized, apierr.CodeUnauthorized, "Your session expired after %s without activity; log in again.", human(s.opts.SessionIdle))
	}
	u, err := s.st.User(ctx, sess.UserID)
	if errors.Is(err, store.ErrNotFound) {
		s.endSession(ctx, id)
		return authed{}, errorf(http.StatusUnauthorized, apierr.CodeUnauthorized, "Your user no longer exists; log in again.")
	}
	if err != nil {
		return authed{}, err
	}
	if u.Disabled {
		s.endSession(ctx, id)
		return authed{}, errorf(http.StatusUnauthorized, apierr.CodeUserDisabled, "Your account has been disabled; ask an admin.")
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		if err := s.st.TouchSession(ctx, id, now); err != nil && !errors.Is(err, store.ErrNotFound) {
			s.log.WarnContext(ctx, "couldn't touch session", "user", u.ID, "err", err)
		}
		sess.LastSeenAt = now
	}
	return authed{user: u, session: sess}, nil
}

func (s *Service) endSession(ctx context.Context, id string) {
	if err := s.st.DeleteSession(ctx, id); err != nil {
		s.log.WarnContext(ctx, "couldn't delete session", "err", err)
	}
}

// Require serves h only to a logged-in user whose role allows `role` (""
// means any role): 401 without a valid session, 403 for the wrong role, and
// on any method but GET, HEAD and OPTIONS, 403 when the X-CSRF-Token header
// is missing or wrong or the Origin is another site. h finds the user with
// UserFrom.
func (s *Service) Require(role string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := s.check(r, role)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		h.ServeHTTP(w, r.WithContext(withAuthed(r.Context(), a)))
	})
}

func (s *Service) check(r *http.Request, role string) (authed, error) {
	a, err := s.session(r)
	if err != nil {
		return authed{}, err
	}
	if !Allows(a.user.Role, role) {
		return authed{}, errorf(http.StatusForbidden, apierr.CodeForbidden, "This needs the %s role; you are %s %s.", role, article(a.user.Role), a.user.Role)
	}
	if !safeMethod(r.Method) {
		if err := s.checkOrigin(r); err != nil {
			return authed{}, err
		}
		presented := r.Header.Get(CSRFHeader)
		if presented == "" {
			return authed{}, errorf(http.StatusForbidden, apierr.CodeCSRF, "The %s header is missing: send the csrf_token from /api/login or /api/me with every change.", CSRFHeader)
		}
		if !s.validCSRF(a.session.ID, presented) {
			return authed{}, errorf(http.StatusForbidden, apierr.CodeCSRF, "The %s header does not match this session: fetch /api/me for the current token.", CSRFHeader)
		}
	}
	return a, nil
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// checkOrigin refuses a request whose Origin header names another site
// than the console's: the public URL, or the Host the request was sent to
// reached over the request's own scheme. An origin is the triple scheme,
// host and port (RFC 6454), so http://chat.example.com is not
// https://chat.example.com and :8081 is not :8080; a default port written
// out equals the one left out. A request without Origin (curl, old
// browsers on GET) passes: the cookie's SameSite=Strict and the CSRF
// header are the other locks.
func (s *Service) checkOrigin(r *http.Request) error {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return nil
	}
	if got, ok := originOf(origin); ok {
		if s.public != nil {
			if want, _ := originOf(s.public.Scheme + "://" + s.public.Host); got == want {
				return nil
			}
		}
		scheme := "http"
		if s.isTLS(r) {
			scheme = "https"
		}
		if want, ok := originOf(scheme + "://" + r.Host); ok && got == want {
			return nil
		}
	}
	return errorf(http.StatusForbidden, apierr.CodeBadOrigin, "Requests from %q are refused: the console only accepts requests from its own site.", origin)
}

// originOf normalises an http(s) origin to "scheme://host:port" in lower
// case with the port always written, or false when it is not one.
func originOf(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", false
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port), true
}

// startSession creates a session for u and sets its cookie.
func (s *Service) startSession(w http.ResponseWriter, r *http.Request, u store.User) (store.Session, error) {
	token := randomToken()
	now := s.now()
	sess := store.Session{
		ID:         tokenID(token),
		UserID:     u.ID,
		CreatedAt:  now,
		LastSeenAt: now,
		ExpiresAt:  now.Add(s.opts.SessionMax),
		IP:         s.clientIP(r).String(),
		UserAgent:  truncate(r.UserAgent(), 256),
	}
	if err := s.st.CreateSession(r.Context(), sess); err != nil {
		return store.Session{}, err
	}
	http.SetCookie(w, s.cookie(r, token, sess.ExpiresAt))
	s.sweep(r.Context(), now)
	return sess, nil
}

// cookie is the session cookie: HttpOnly (scripts cannot read it),
// SameSite=Strict (other sites' requests do not carry it), Secure when the
// console is reached over TLS.
func (s *Service) cookie(r *http.Request, token string, expires time.Time) *http.Cookie {
	c := &http.Cookie{
		Name:     CookieName,
		Value:    token,
		Path:     "/",
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
		Secure:   s.secure || s.isTLS(r),
	}
	if token == "" {
		c.MaxAge = -1
	} else {
		c.Expires = expires.UTC()
		c.MaxAge = max(1, int(expires.Sub(s.now()).Seconds()))
	}
	return c
}

func (s *Service) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, s.cookie(r, "", time.Time{}))
}

// sweep removes long-expired sessions and tokens at most once an hour, on
// the way of a login: no background goroutine to start and stop.
func (s *Service) sweep(ctx context.Context, now time.Time) {
	last := s.lastSweep.Load()
	if now.UnixMicro()-last < time.Hour.Microseconds() || !s.lastSweep.CompareAndSwap(last, now.UnixMicro()) {
		return
	}
	if _, err := s.st.DeleteExpiredSessions(ctx, now); err != nil {
		s.log.WarnContext(ctx, "couldn't delete expired sessions", "err", err)
	}
}

// isTLS reports whether the client reached us over TLS, directly or through
// a trusted proxy that says so.
func (s *Service) isTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return s.fromTrustedProxy(r) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (s *Service) fromTrustedProxy(r *http.Request) bool {
	return clientip.ViaTrustedProxy(r, s.opts.TrustedProxies)
}

// clientIP is the TCP peer, or when that is a trusted proxy, the nearest
// X-Forwarded-For entry that is not one (as the widget counts visitors).
func (s *Service) clientIP(r *http.Request) netip.Addr {
	return clientip.Of(r, s.opts.TrustedProxies)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// human writes a duration the way a person says it: "12 hours", "7 days".
func human(d time.Duration) string {
	switch {
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	case d >= 2*time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%d hours", d/time.Hour)
	case d >= 2*time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
	return d.String()
}

func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}
