package auth

import (
	"context"
	"errors"
	"github.com/andon-chat/andon/internal/apierr"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/andon-chat/andon/store"
)

// NewUser is a user to add. Without Password the user gets a one-time
// invitation link to choose one.
type NewUser struct {
	Email     string
	Name      string
	Role      string
	Teams     []string
	Password  string
	CreatedBy string // the admin's user id, "" for the CLI
}

// UserChange is a partial update of a user; nil fields stay as they are.
type UserChange struct {
	Name     *string   `json:"name,omitempty"`
	Role     *string   `json:"role,omitempty"`
	Teams    *[]string `json:"teams,omitempty"`
	Disabled *bool     `json:"disabled,omitempty"`
}

// Users returns every user (disabled ones included, Disabled says so), for
// the transfer dialog, presence and the users page.
func (s *Service) Users(ctx context.Context) ([]store.User, error) {
	us, err := s.st.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	for i := range us {
		us[i] = public(us[i])
	}
	return us, nil
}

// User returns one user, or an *Error with code not_found.
func (s *Service) User(ctx context.Context, id string) (store.User, error) {
	u, err := s.st.User(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, errorf(http.StatusNotFound, apierr.CodeNotFound, "There is no user with id %q.", id)
	}
	if err != nil {
		return store.User{}, err
	}
	return public(u), nil
}

// UserByEmail returns the user with this e-mail, or an *Error with code
// not_found.
func (s *Service) UserByEmail(ctx context.Context, email string) (store.User, error) {
	u, err := s.st.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, errorf(http.StatusNotFound, apierr.CodeNotFound, "There is no user with e-mail %q.", email)
	}
	if err != nil {
		return store.User{}, err
	}
	return public(u), nil
}

// public is u as it may leave the server: secrets are json:"-" already,
// and Teams is never null.
func public(u store.User) store.User {
	if u.Teams == nil {
		u.Teams = []string{}
	}
	return u
}

// AddUser creates a user and returns, when no password was given, the
// one-time invitation link (built on PublicURL or LocalURL).
func (s *Service) AddUser(ctx context.Context, in NewUser) (store.User, string, error) {
	return s.addUser(ctx, in, s.baseURL(nil))
}

func (s *Service) addUser(ctx context.Context, in NewUser, base string) (store.User, string, error) {
	email, err := normalizeEmail(in.Email)
	if err != nil {
		return store.User{}, "", err
	}
	if !ValidRole(in.Role) {
		return store.User{}, "", errorf(http.StatusBadRequest, apierr.CodeInvalidRole, "The role %q is not one of %s.", in.Role, strings.Join(Roles, ", "))
	}
	teams, err := s.checkTeams(in.Teams)
	if err != nil {
		return store.User{}, "", err
	}
	u := store.User{
		ID:    store.NewID(),
		Email: email,
		Name:  strings.TrimSpace(in.Name),
		Role:  in.Role,
		Teams: teams,
	}
	if u.Name == "" {
		u.Name = nameFromEmail(email)
	}
	if in.Password != "" {
		if e := checkPassword(in.Password, email, u.Name); e != nil {
			return store.User{}, "", e
		}
		if u.PasswordHash, err = s.hash(ctx, in.Password); err != nil {
			return store.User{}, "", err
		}
	}
	now := s.now()
	u.CreatedAt, u.UpdatedAt = now, now
	if err := s.st.CreateUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrExists) {
			return store.User{}, "", errorf(http.StatusConflict, apierr.CodeEmailTaken, "A user with e-mail %s already exists.", email)
		}
		return store.User{}, "", err
	}
	stored, err := s.st.User(ctx, u.ID)
	if err != nil {
		return store.User{}, "", err
	}
	s.log.InfoContext(ctx, "user added", "user", u.ID, "email", email, "role", u.Role, "by", in.CreatedBy)
	if in.Password != "" {
		return public(stored), "", nil
	}
	link, _, err := s.newLink(ctx, store.InviteNew, u.ID, in.CreatedBy, base)
	if err != nil {
		return store.User{}, "", err
	}
	return public(stored), link, nil
}

// UpdateUser applies ch to user id. It refuses to demote or disable the
// last active admin (code last_admin), so the console can never lock
// everyone out, also when admins change each other at the same moment.
func (s *Service) UpdateUser(ctx context.Context, id string, ch UserChange) (store.User, error) {
	u, err := s.User(ctx, id)
	if err != nil {
		return store.User{}, err
	}
	if ch.Name != nil {
		name := strings.TrimSpace(*ch.Name)
		if name == "" {
			return store.User{}, errorf(http.StatusBadRequest, apierr.CodeBadRequest, "The name must not be empty.")
		}
		u.Name = name
	}
	if ch.Role != nil {
		if !ValidRole(*ch.Role) {
			return store.User{}, errorf(http.StatusBadRequest, apierr.CodeInvalidRole, "The role %q is not one of %s.", *ch.Role, strings.Join(Roles, ", "))
		}
		u.Role = *ch.Role
	}
	if ch.Teams != nil {
		if u.Teams, err = s.checkTeams(*ch.Teams); err != nil {
			return store.User{}, err
		}
	}
	if ch.Disabled != nil {
		u.Disabled = *ch.Disabled
	}
	// The store refuses to leave no active admin in the same operation as
	// the write, so two admins demoting each other at once cannot both win.
	if err := s.st.UpdateUser(ctx, u); err != nil {
		switch {
		case errors.Is(err, store.ErrNotFound):
			return store.User{}, errorf(http.StatusNotFound, apierr.CodeNotFound, "There is no user with id %q.", id)
		case errors.Is(err, store.ErrLastAdmin):
			return store.User{}, errorf(http.StatusConflict, apierr.CodeLastAdmin, "%s is the last active admin: make someone else admin first.", u.Email)
		}
		return store.User{}, err
	}
	s.log.InfoContext(ctx, "user changed", "user", u.ID, "role", u.Role, "disabled", u.Disabled)
	u, err = s.User(ctx, id)
	if err == nil && s.opts.OnUserChange != nil {
		s.opts.OnUserChange(u)
	}
	return u, err
}

// SetDisabled disables (ending every session) or enables a user.
func (s *Service) SetDisabled(ctx context.Context, id string, disabled bool) (store.User, error) {
	return s.UpdateUser(ctx, id, UserChange{Disabled: &disabled})
}

// ResetLink makes a one-time password reset link for user id (replacing
// any earlier link) and returns it with its expiry. The user's password
// stays valid until the link is used.
func (s *Service) ResetLink(ctx context.Context, id, createdBy string) (string, time.Time, error) {
	return s.resetLink(ctx, id, createdBy, s.baseURL(nil))
}

func (s *Service) resetLink(ctx context.Context, id, createdBy, base string) (string, time.Time, error) {
	u, err := s.User(ctx, id)
	if err != nil {
		return "", time.Time{}, err
	}
	if u.Disabled {
		return "", time.Time{}, errorf(http.StatusConflict, apierr.CodeUserDisabled, "%s is disabled: enable the account before sending a reset link.", u.Email)
	}
	kind := store.InviteReset
	if !u.HasPassword {
		kind = store.InviteNew // never accepted: a fresh invitation
	}
	return s.newLink(ctx, kind, id, createdBy, base)
}

// newLink stores a one-time token and returns its link.
func (s *Service) newLink(ctx context.Context, kind, userID, createdBy, base string) (string, time.Time, error) {
	ttl := map[string]time.Duration{
		store.InviteSetup: s.opts.SetupTTL,
		store.InviteNew:   s.opts.InviteTTL,
		store.InviteReset: s.opts.ResetTTL,
	}[kind]
	token := randomToken()
	now := s.now()
	inv := store.Invite{
		ID:        tokenID(token),
		Kind:      kind,
		UserID:    userID,
		CreatedBy: createdBy,
		CreatedAt: now,
		ExpiresAt: now.Add(ttl),
	}
	if err := s.st.CreateInvite(ctx, inv); err != nil {
		return "", time.Time{}, err
	}
	return link(base, token), inv.ExpiresAt, nil
}

// link puts the token in the URL fragment, which browsers never send to a
// server, so it stays out of access logs and Referer headers.
func link(base, token string) string {
	return strings.TrimRight(base, "/") + "/console/#setup=" + token
}

// baseURL is where links point: the public URL, else the request's origin,
// else LocalURL.
func (s *Service) baseURL(r *http.Request) string {
	switch {
	case s.public != nil:
		return s.public.String()
	case r != nil && r.Host != "":
		scheme := "http"
		if s.isTLS(r) {
			scheme = "https"
		}
		return scheme + "://" + r.Host
	}
	return s.opts.LocalURL
}

func (s *Service) checkTeams(teams []string) ([]string, error) {
	var out []string
	for _, t := range teams {
		t = strings.TrimSpace(t)
		if t == "" || slices.Contains(out, t) {
			continue
		}
		if len(s.teams) > 0 && !slices.Contains(s.teams, t) {
			return nil, errorf(http.StatusBadRequest, apierr.CodeInvalidTeam, "There is no team %q; the teams are %s.", t, strings.Join(s.teams, ", "))
		}
		out = append(out, t)
	}
	return out, nil
}

func normalizeEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return "", errorf(http.StatusBadRequest, apierr.CodeInvalidEmail, "Enter an e-mail address: it is the login.")
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || !strings.Contains(email, "@") {
		return "", errorf(http.StatusBadRequest, apierr.CodeInvalidEmail, "%q is not an e-mail address like anna@example.com.", email)
	}
	return email, nil
}

// nameFromEmail is a first display name until the user picks one: the part
// before @, capitalised ("anna.berg@x" → "Anna.berg").
func nameFromEmail(email string) string {
	local, _, _ := strings.Cut(email, "@")
	if local == "" {
		return email
	}
	return strings.ToUpper(local[:1]) + local[1:]
}
