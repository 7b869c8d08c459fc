package auth

import (
	"context"
	"errors"
	"github.com/andon-chat/andon/internal/apierr"
	"net/http"
	"strings"
	"time"

	"github.com/andon-chat/andon/internal/locale"
	"github.com/andon-chat/andon/store"
)

// Routes mounts the login and user API on mux (Go 1.22 patterns):
//
//	POST  /api/login            {email, password}        → {user, csrf_token} + session cookie
//	POST  /api/logout                                    → {ok}
//	POST  /api/logout-all                                → {ended}  (every session of the user)
//	GET   /api/me                                        → {user, csrf_token}
//	POST  /api/setup/check      {token}                  → TokenInfo
//	POST  /api/setup            {token, email?, name, password} → {user, csrf_token} + cookie
//	POST  /api/password         {current, new}           → {user, csrf_token}
//	GET   /api/users                                     → {users}            (admin)
//	POST  /api/users            {email, name, role, teams} → {user, invite_url} (admin)
//	PATCH /api/users/{id}       {name?, role?, teams?, disabled?} → {user}   (admin)
//	POST  /api/users/{id}/reset                          → {reset_url, expires_at} (admin)
func (s *Service) Routes(mux *http.ServeMux) {
	mux.Handle("POST /api/login", s.handle(s.login))
	mux.Handle("POST /api/logout", s.Require("", s.handle(s.logout)))
	mux.Handle("POST /api/logout-all", s.Require("", s.handle(s.logoutAll)))
	mux.Handle("GET /api/me", s.Require("", s.handle(s.me)))
	mux.Handle("POST /api/setup/check", s.handle(s.setupCheck))
	mux.Handle("POST /api/setup", s.handle(s.setup))
	mux.Handle("POST /api/password", s.Require("", s.handle(s.changePassword)))
	mux.Handle("GET /api/users", s.Require(RoleAdmin, s.handle(s.listUsers)))
	mux.Handle("POST /api/users", s.Require(RoleAdmin, s.handle(s.createUser)))
	mux.Handle("PATCH /api/users/{id}", s.Require(RoleAdmin, s.handle(s.patchUser)))
	mux.Handle("POST /api/users/{id}/reset", s.Require(RoleAdmin, s.handle(s.resetUser)))
}

// handle turns a handler that returns an error into an http.Handler; the
// error becomes the JSON error body.
func (s *Service) handle(fn func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// sessionBody is what login, setup, me and a password change answer.
type sessionBody struct {
	User      store.User `json:"user"`
	CSRFToken string     `json:"csrf_token"`
}

func authedFrom(ctx context.Context) authed {
	a, _ := ctx.Value(ctxKey{}).(authed)
	return a
}

func (s *Service) login(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkOrigin(r); err != nil {
		return err
	}
	var req struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Email) == "" || req.Password == "" {
		return errorf(http.StatusBadRequest, apierr.CodeBadRequest, "Enter your e-mail address and password.")
	}
	u, device, err := s.checkLogin(r, req.Email, req.Password)
	if err != nil {
		return err
	}
	sess, err := s.startSession(w, r, u)
	if err != nil {
		return err
	}
	s.setKnownDevice(w, r, u.Email, device)
	s.log.InfoContext(r.Context(), "logged in", "user", u.ID, "ip", sess.IP, "known_device", device != "")
	writeJSON(w, http.StatusOK, sessionBody{User: public(u), CSRFToken: s.csrfToken(sess.ID)})
	return nil
}

// checkLogin applies the limits, then checks the password, and returns the
// user and the known device the browser logged in from ("" for a new one).
// Three limits keep guessing slow without letting a stranger lock a person
// out:
//
//   - per client IP, over every account (PerIP);
//   - per account and source, growing delays after a few failures
//     (PairFailures, PairDelay, PairMaxDelay); the source is the known
//     device when the browser has the account's cookie, else the address,
//     so nobody else's failures slow a person's own browser down;
//   - per account from every source that is neither a known device nor an
//     address the account logged in from before, together (PerAccount),
//     far higher: guessing from many addresses still runs dry, and the
//     user is mailed about it (Alerts).
//
// The order matters: limits before argon2 (refused attempts cost no CPU);
// an e-mail without an account goes through the same limits and the same
// argon2 work as one with, so the answers do not tell which have one; the
// disabled flag only after the right password.
func (s *Service) checkLogin(r *http.Request, email, password string) (store.User, string, error) {
	ctx := r.Context()
	now := s.now()
	ip := s.clientIP(r).String()
	if ok, next := s.perIP.Allow(ip, now); !ok {
		return store.User{}, "", rateLimited(now, next, "auth.limit.address")
	}
	if len(password) > maxPasswordBytes {
		return store.User{}, "", errorf(http.StatusBadRequest, apierr.CodeBadRequest, "The password is longer than %d bytes.", maxPasswordBytes)
	}
	account := strings.ToLower(strings.TrimSpace(email))
	device := s.knownDevice(r, account)
	pair := account + "\x00ip:" + ip
	if device != "" {
		pair = account + "\x00device:" + device
	}
	if until := s.pairs.wait(pair, now); !until.IsZero() {
		return store.User{}, "", rateLimited(now, until, "auth.limit.account")
	}
	u, err := s.st.UserByEmail(ctx, account)
	known := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.User{}, "", err
	}
	addrKey := account + "\x00" + ip
	fromKnown := device != "" || s.knownAddrs.known(addrKey, now)
	if !fromKnown {
		if blocked, until := s.perAccount.Blocked(account, now); blocked {
			if known {
				s.alertAttack(u, now)
			}
			return store.User{}, "", rateLimited(now, until, "auth.limit.many_addresses")
		}
	}
	// Locked only by wrong current passwords at POST /api/password, by
	// someone holding a session of this account (see changePassword).
	if known && now.Before(u.LockedUntil) {
		return store.User{}, "", locked(u.LockedUntil, now)
	}
	hash := u.PasswordHash
	if hash == "" {
		hash = s.dummy() // no such user, or invited and never set a password: nothing matches
	}
	ok, err := s.verify(ctx, hash, password)
	if err != nil {
		return store.User{}, "", err
	}
	if !ok || u.PasswordHash == "" {
		s.pairs.failed(pair, now)
		if !fromKnown {
			s.perAccount.Allow(account, now)
		}
		if known {
			s.log.WarnContext(ctx, "failed login", "user", u.ID, "ip", ip, "known_device", device != "")
		}
		return store.User{}, "", say(http.StatusUnauthorized, apierr.CodeInvalidCredentials, "auth.login.wrong")
	}
	s.pairs.succeeded(pair)
	if u.Disabled {
		return store.User{}, "", say(http.StatusForbidden, apierr.CodeUserDisabled, "auth.login.disabled")
	}
	if err := s.st.LoginSucceeded(ctx, u.ID, now); err != nil {
		return store.User{}, "", err
	}
	s.knownAddrs.add(addrKey, now)
	u.FailedLogins, u.LockedUntil, u.LastLoginAt = 0, time.Time{}, now
	return u, device, nil
}

func locked(until, now time.Time) *Error {
	at := until.UTC().Format("15:04 UTC")
	e := say(http.StatusLocked, apierr.CodeLocked, "auth.locked", at, waitFor(until.Sub(now)))
	e.Until = until
	return e
}

// rateLimited is a 429 until until: key's text with the wait filled in.
func rateLimited(now, until time.Time, key string) *Error {
	e := say(http.StatusTooManyRequests, apierr.CodeRateLimited, key, waitFor(until.Sub(now)))
	e.Until = until
	return e
}

// say is an error a person reads at login: key's text (internal/locale)
// in each console language, args filled in; a waitFor is written in each
// language's words.
func say(status int, code, key string, args ...any) *Error {
	e := &Error{Status: status, Code: code, Messages: map[string]string{}}
	for _, l := range locale.Languages() {
		largs := make([]any, len(args))
		for i, a := range args {
			if w, ok := a.(waitFor); ok {
				a = w.text(l)
			}
			largs[i] = a
		}
		e.Messages[l] = locale.Text(l, key, largs...)
	}
	e.Message = e.Messages[locale.Default]
	return e
}

// waitFor is a wait as a person reads it: "40 seconds", "12 minutes".
type waitFor time.Duration

func (w waitFor) text(lang string) string {
	secs, mins := waitParts(time.Duration(w))
	switch {
	case mins > 0:
		return locale.Text(lang, "auth.wait.minutes", mins)
	case secs == 1:
		return locale.Text(lang, "auth.wait.second")
	}
	return locale.Text(lang, "auth.wait.seconds", secs)
}

// waitParts rounds d up to whole seconds under two minutes (mins 0), else
// to whole minutes.
func waitParts(d time.Duration) (secs, mins int) {
	if d < 2*time.Minute {
		return max(1, int((d+time.Second-1)/time.Second)), 0
	}
	return 0, int((d + time.Minute - 1) / time.Minute)
}

func (s *Service) logout(w http.ResponseWriter, r *http.Request) error {
	a := authedFrom(r.Context())
	if err := s.st.DeleteSession(r.Context(), a.session.ID); err != nil {
		return err
	}
	s.clearCookie(w, r)
	s.sessionsEnded(a.user)
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	return nil
}

func (s *Service) logoutAll(w http.ResponseWriter, r *http.Request) error {
	a := authedFrom(r.Context())
	n, err := s.st.DeleteUserSessions(r.Context(), a.user.ID, "")
	if err != nil {
		return err
	}
	s.clearCookie(w, r)
	s.sessionsEnded(a.user)
	s.log.InfoContext(r.Context(), "logged out everywhere", "user", a.user.ID, "sessions", n)
	writeJSON(w, http.StatusOK, map[string]int{"ended": n})
	return nil
}

// sessionsEnded tells OnUserChange that sessions of u ended, so that the
// agent sockets opened with them close now, not at their next keep-alive.
func (s *Service) sessionsEnded(u store.User) {
	if s.opts.OnUserChange != nil {
		s.opts.OnUserChange(u)
	}
}

func (s *Service) me(w http.ResponseWriter, r *http.Request) error {
	a := authedFrom(r.Context())
	writeJSON(w, http.StatusOK, sessionBody{User: public(a.user), CSRFToken: s.csrfToken(a.session.ID)})
	return nil
}

// allowSetupAttempt applies the per-IP limit to the unauthenticated link
// routes, so they cannot be used to hammer the store.
func (s *Service) allowSetupAttempt(r *http.Request) error {
	now := s.now()
	if ok, next := s.perIP.Allow(s.clientIP(r).String(), now); !ok {
		return rateLimited(now, next, "auth.limit.attempts")
	}
	return nil
}

func (s *Service) setupCheck(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkOrigin(r); err != nil {
		return err
	}
	if err := s.allowSetupAttempt(r); err != nil {
		return err
	}
	var req struct {
		Token string `json:"token"`
	}
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	_, info, err := s.tokenInfo(r.Context(), req.Token)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, info)
	return nil
}

func (s *Service) setup(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkOrigin(r); err != nil {
		return err
	}
	if err := s.allowSetupAttempt(r); err != nil {
		return err
	}
	var req SetupRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	u, err := s.Accept(r.Context(), req)
	if err != nil {
		return err
	}
	sess, err := s.startSession(w, r, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sessionBody{User: u, CSRFToken: s.csrfToken(sess.ID)})
	return nil
}

func (s *Service) changePassword(w http.ResponseWriter, r *http.Request) error {
	a := authedFrom(r.Context())
	var req struct {
		Current string `json:"current"`
		New     string `json:"new"`
	}
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	if len(req.Current) > maxPasswordBytes {
		return errorf(http.StatusBadRequest, apierr.CodeBadRequest, "The current password is longer than %d bytes.", maxPasswordBytes)
	}
	// Guesses are counted like failed logins and, like logins, refused
	// while the account is locked: a stolen session must not become a way
	// to guess the password without the lockout. The user is read again
	// here, not taken from the session check, so the lock is the latest.
	now := s.now()
	u, err := s.st.User(r.Context(), a.user.ID)
	if err != nil {
		return err
	}
	if now.Before(u.LockedUntil) {
		return locked(u.LockedUntil, now)
	}
	ok, err := s.verify(r.Context(), u.PasswordHash, req.Current)
	if err != nil {
		return err
	}
	if !ok {
		after, err := s.st.LoginFailed(r.Context(), u.ID, now, s.opts.MaxFailures, s.opts.LockFor)
		if err != nil {
			return err
		}
		s.log.WarnContext(r.Context(), "wrong current password", "user", u.ID, "ip", s.clientIP(r).String())
		if now.Before(after.LockedUntil) {
			s.log.WarnContext(r.Context(), "account locked", "user", u.ID, "until", after.LockedUntil)
			return locked(after.LockedUntil, now)
		}
		return errorf(http.StatusForbidden, apierr.CodeWrongPassword, "The current password is wrong.")
	}
	if e := checkPassword(req.New, u.Email, u.Name); e != nil {
		return e
	}
	hash, err := s.hash(r.Context(), req.New)
	if err != nil {
		return err
	}
	// Every other session ends: whoever else knew the old password is out.
	if err := s.st.SetPassword(r.Context(), a.user.ID, hash, a.session.ID); err != nil {
		return err
	}
	s.sessionsEnded(a.user)
	s.log.InfoContext(r.Context(), "password changed", "user", a.user.ID)
	writeJSON(w, http.StatusOK, sessionBody{User: public(a.user), CSRFToken: s.csrfToken(a.session.ID)})
	return nil
}

func (s *Service) listUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := s.Users(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": us})
	return nil
}

func (s *Service) createUser(w http.ResponseWriter, r *http.Request) error {
	a := authedFrom(r.Context())
	var req struct {
		Email string   `json:"email"`
		Name  string   `json:"name"`
		Role  string   `json:"role"`
		Teams []string `json:"teams"`
	}
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	u, link, err := s.addUser(r.Context(), NewUser{Email: req.Email, Name: req.Name, Role: req.Role, Teams: req.Teams, CreatedBy: a.user.ID}, s.baseURL(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"user": u, "invite_url": link})
	return nil
}

func (s *Service) patchUser(w http.ResponseWriter, r *http.Request) error {
	var ch UserChange
	if err := decodeBody(r, &ch); err != nil {
		return err
	}
	u, err := s.UpdateUser(r.Context(), r.PathValue("id"), ch)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": u})
	return nil
}

func (s *Service) resetUser(w http.ResponseWriter, r *http.Request) error {
	a := authedFrom(r.Context())
	link, expires, err := s.resetLink(r.Context(), r.PathValue("id"), a.user.ID, s.baseURL(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"reset_url": link, "expires_at": expires.UTC()})
	return nil
}
