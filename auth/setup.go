package auth

import (
	"context"
	"errors"
	"github.com/andon-chat/andon/internal/apierr"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/andon-chat/andon/store"
)

// EnsureSetup returns "" when users exist; otherwise it makes a one-time
// link with which the first person becomes admin (app logs it at start).
// andon never ships a default password. Each call makes a new link; any
// of them works once, and only while no user exists.
func (s *Service) EnsureSetup(ctx context.Context) (string, error) {
	n, err := s.st.CountUsers(ctx)
	if err != nil {
		return "", err
	}
	if n > 0 {
		return "", nil
	}
	l, _, err := s.newLink(ctx, store.InviteSetup, "", "", s.baseURL(nil))
	return l, err
}

// TokenInfo describes a one-time link to the setup page before it is used:
// whether it is a first-admin setup (the page then asks for an e-mail), an
// invitation or a reset, and for whom.
type TokenInfo struct {
	Kind      string    `json:"kind"` // "setup", "invite" or "reset"
	Email     string    `json:"email,omitempty"`
	Name      string    `json:"name,omitempty"`
	ExpiresAt time.Time `json:"expires_at"`
}

// tokenInfo looks a link's token up and explains what is wrong with it.
func (s *Service) tokenInfo(ctx context.Context, token string) (store.Invite, TokenInfo, error) {
	if token == "" {
		return store.Invite{}, TokenInfo{}, errorf(http.StatusBadRequest, apierr.CodeBadRequest, "The token is missing: open the link you were given.")
	}
	inv, err := s.st.Invite(ctx, tokenID(token))
	if errors.Is(err, store.ErrNotFound) {
		return store.Invite{}, TokenInfo{}, errorf(http.StatusNotFound, apierr.CodeTokenInvalid, "This link is not valid: it may be mistyped or replaced by a newer one. Ask an admin for a new link.")
	}
	if err != nil {
		return store.Invite{}, TokenInfo{}, err
	}
	if err := tokenState(inv, s.now()); err != nil {
		return store.Invite{}, TokenInfo{}, err
	}
	info := TokenInfo{Kind: inv.Kind, ExpiresAt: inv.ExpiresAt}
	if inv.UserID != "" {
		u, err := s.User(ctx, inv.UserID)
		if err != nil {
			return store.Invite{}, TokenInfo{}, err
		}
		if u.Disabled {
			return store.Invite{}, TokenInfo{}, errorf(http.StatusForbidden, apierr.CodeUserDisabled, "The account %s is disabled; ask an admin.", u.Email)
		}
		info.Email, info.Name = u.Email, u.Name
	} else if n, err := s.st.CountUsers(ctx); err != nil {
		return store.Invite{}, TokenInfo{}, err
	} else if n > 0 {
		return store.Invite{}, TokenInfo{}, errorf(http.StatusGone, apierr.CodeTokenUsed, "Setup is already done: the first admin exists. Log in, or ask an admin for an invitation.")
	}
	return inv, info, nil
}

func tokenState(inv store.Invite, now time.Time) error {
	if !inv.UsedAt.IsZero() {
		return errorf(http.StatusGone, apierr.CodeTokenUsed, "This link was already used (on %s); each link works once. Ask an admin for a new one.", inv.UsedAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if !now.Before(inv.ExpiresAt) {
		return errorf(http.StatusGone, apierr.CodeTokenExpired, "This link expired on %s. Ask an admin for a new one.", inv.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	return nil
}

// SetupRequest accepts a one-time link: the first admin's setup (Email
// required), an invitation or a password reset.
type SetupRequest struct {
	Token    string `json:"token"`
	Email    string `json:"email,omitempty"`
	Name     string `json:"name,omitempty"`
	Password string `json:"password"`
}

// Accept uses a one-time link and returns the user it set a password for
// (or created). Of concurrent uses of one token exactly one succeeds; the
// others get token_used.
func (s *Service) Accept(ctx context.Context, req SetupRequest) (store.User, error) {
	inv, info, err := s.tokenInfo(ctx, req.Token)
	if err != nil {
		return store.User{}, err
	}
	use := store.InviteUse{Name: strings.TrimSpace(req.Name), At: s.now()}
	email := info.Email
	if inv.Kind == store.InviteSetup {
		if email, err = normalizeEmail(req.Email); err != nil {
			return store.User{}, err
		}
		name := use.Name
		if name == "" {
			name = nameFromEmail(email)
		}
		use.NewUser = store.User{ID: store.NewID(), Email: email, Name: name, Role: RoleAdmin}
	}
	if e := checkPassword(req.Password, email, use.Name+" "+info.Name+" "+use.NewUser.Name); e != nil {
		return store.User{}, e
	}
	if use.PasswordHash, err = s.hash(ctx, req.Password); err != nil {
		return store.User{}, err
	}
	u, err := s.st.UseInvite(ctx, inv.ID, use)
	switch {
	case errors.Is(err, store.ErrTokenUsed):
		return store.User{}, errorf(http.StatusGone, apierr.CodeTokenUsed, "This link was just used; each link works once. Ask an admin for a new one.")
	case errors.Is(err, store.ErrTokenExpired):
		return store.User{}, errorf(http.StatusGone, apierr.CodeTokenExpired, "This link has expired. Ask an admin for a new one.")
	case errors.Is(err, store.ErrUserDisabled):
		return store.User{}, errorf(http.StatusForbidden, apierr.CodeUserDisabled, "The account %s is disabled; ask an admin.", email)
	case errors.Is(err, store.ErrNotFound):
		return store.User{}, errorf(http.StatusNotFound, apierr.CodeTokenInvalid, "This link is not valid any more: a newer one replaced it.")
	case errors.Is(err, store.ErrExists):
		return store.User{}, errorf(http.StatusConflict, apierr.CodeEmailTaken, "A user with e-mail %s already exists.", email)
	case err != nil:
		return store.User{}, err
	}
	s.log.InfoContext(ctx, "one-time link used", "kind", inv.Kind, "user", u.ID, "email", u.Email)
	return public(u), nil
}

// LocalURL turns a listen address into the base of links made outside a
// request (EnsureSetup, the CLI) when no public URL is configured:
// ":8080" and "0.0.0.0:8080" become "http://localhost:8080".
func LocalURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
