package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
)

// RunUsers runs the store.Users conformance suite. open must return a new,
// empty store for each call and close it when t ends. Beyond the interface's
// doc comments it fixes: e-mails are stored lowercased and looked up
// case-insensitively; HasPassword mirrors PasswordHash; nil and empty Teams
// both read back empty; unknown users, sessions and tokens are ErrNotFound.
func RunUsers(t *testing.T, open func(t *testing.T) store.Users) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Users)
	}{
		{"UserRoundTrip", testUserRoundTrip},
		{"UserDuplicate", testUserDuplicate},
		{"UserNotFound", testUserNotFound},
		{"UpdateUserDisablingEndsSessions", testUpdateUser},
		{"UpdateUserKeepsLastAdmin", testUpdateUserKeepsLastAdmin},
		{"UpdateUserLastAdminRace", testUpdateUserLastAdminRace},
		{"SetPasswordKeepsOneSession", testSetPassword},
		{"LoginFailedLocks", testLoginFailedLocks},
		{"ConcurrentLoginFailuresAllCount", testConcurrentLoginFailures},
		{"Sessions", testSessions},
		{"DeleteExpired", testDeleteExpired},
		{"InviteRoundTrip", testInviteRoundTrip},
		{"NewInviteReplacesOld", testNewInviteReplacesOld},
		{"UseInviteOnce", testUseInviteOnce},
		{"UseInviteRace", testUseInviteRace},
		{"UseInviteExpired", testUseInviteExpired},
		{"UseInviteDisabled", testUseInviteDisabled},
		{"SetupCreatesFirstUserOnly", testSetupFirstUserOnly},
		{"ResetEndsSessionsAndLockout", testResetEndsSessions},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

// userAt is a fixed clock for the suite, so expiry is never a matter of
// how fast the machine is.
var userAt = time.Date(2026, 11, 26, 22, 0, 0, 0, time.UTC)

func addUser(t *testing.T, s store.Users, email, role string) store.User {
	t.Helper()
	u := store.User{ID: store.NewID(), Email: email, Name: "N " + email, Role: role, PasswordHash: "$argon2id$hash-of-" + email, CreatedAt: userAt}
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	got, err := s.User(t.Context(), u.ID)
	if err != nil {
		t.Fatalf("User(%s): %v", u.ID, err)
	}
	return got
}

func addSession(t *testing.T, s store.Users, userID string) store.Session {
	t.Helper()
	sess := store.Session{ID: store.NewID(), UserID: userID, CreatedAt: userAt, LastSeenAt: userAt, ExpiresAt: userAt.Add(24 * time.Hour), IP: "192.0.2.1", UserAgent: "test"}
	if err := s.CreateSession(t.Context(), sess); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	return sess
}

func addInvite(t *testing.T, s store.Users, kind, userID string, ttl time.Duration) store.Invite {
	t.Helper()
	inv := store.Invite{ID: store.NewID(), Kind: kind, UserID: userID, CreatedBy: "admin-1", CreatedAt: userAt, ExpiresAt: userAt.Add(ttl)}
	if err := s.CreateInvite(t.Context(), inv); err != nil {
		t.Fatalf("CreateInvite(%s): %v", kind, err)
	}
	return inv
}

func sessionGone(t *testing.T, s store.Users, id string) bool {
	t.Helper()
	_, err := s.Session(t.Context(), id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Session: %v", err)
	}
	return err != nil
}

func testUserRoundTrip(t *testing.T, s store.Users) {
	ctx := t.Context()
	if n, err := s.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("CountUsers on an empty store = %d, %v", n, err)
	}
	in := store.User{ID: store.NewID(), Email: "  Anna.Berg@Example.COM ", Name: "Anna", Role: "agent", Teams: []string{"billing", "technical"}, PasswordHash: "$argon2id$x", CreatedAt: userAt}
	if err := s.CreateUser(ctx, in); err != nil {
		t.Fatal(err)
	}
	addUser(t, s, "bo@example.com", "admin")
	noPass := store.User{ID: store.NewID(), Email: "cid@example.com", Role: "editor", CreatedAt: userAt}
	if err := s.CreateUser(ctx, noPass); err != nil {
		t.Fatal(err)
	}

	for _, lookup := range []func() (store.User, error){
		func() (store.User, error) { return s.User(ctx, in.ID) },
		func() (store.User, error) { return s.UserByEmail(ctx, "anna.berg@example.com") },
		func() (store.User, error) { return s.UserByEmail(ctx, " ANNA.BERG@example.com") },
	} {
		got, err := lookup()
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != in.ID || got.Email != "anna.berg@example.com" || got.Name != "Anna" || got.Role != "agent" ||
			!slices.Equal(got.Teams, in.Teams) || got.PasswordHash != in.PasswordHash || !got.HasPassword || got.Disabled ||
			!sameTime(got.CreatedAt, userAt) || !sameTime(got.UpdatedAt, userAt) || !got.LastLoginAt.IsZero() || !got.LockedUntil.IsZero() {
			t.Fatalf("read back %+v, stored %+v", got, in)
		}
	}
	if got, err := s.User(ctx, noPass.ID); err != nil || got.HasPassword || len(got.Teams) != 0 {
		t.Fatalf("user without password or teams = %+v, %v", got, err)
	}
	us, err := s.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var emails []string
	for _, u := range us {
		emails = append(emails, u.Email)
	}
	if want := []string{"anna.berg@example.com", "bo@example.com", "cid@example.com"}; !slices.Equal(emails, want) {
		t.Fatalf("ListUsers = %v, want %v (ordered by e-mail)", emails, want)
	}
	if n, err := s.CountUsers(ctx); err != nil || n != 3 {
		t.Fatalf("CountUsers = %d, %v; want 3", n, err)
	}
}

func testUserDuplicate(t *testing.T, s store.Users) {
	ctx := t.Context()
	u := addUser(t, s, "anna@example.com", "agent")
	if err := s.CreateUser(ctx, store.User{ID: store.NewID(), Email: "ANNA@example.com", Role: "agent"}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("same e-mail in other case: %v, want ErrExists", err)
	}
	if err := s.CreateUser(ctx, store.User{ID: u.ID, Email: "other@example.com", Role: "agent"}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("same id: %v, want ErrExists", err)
	}
	if err := s.CreateUser(ctx, store.User{ID: store.NewID(), Email: "x@example.com", Role: "boss"}); err == nil {
		t.Fatal("a role outside admin/agent/editor was stored")
	}
	if n, _ := s.CountUsers(ctx); n != 1 {
		t.Fatalf("%d users after refused creates, want 1", n)
	}
}

func testUserNotFound(t *testing.T, s store.Users) {
	ctx := t.Context()
	missing := store.NewID()
	checks := map[string]error{}
	_, checks["User"] = s.User(ctx, missing)
	_, checks["UserByEmail"] = s.UserByEmail(ctx, "nobody@example.com")
	checks["UpdateUser"] = s.UpdateUser(ctx, store.User{ID: missing, Email: "x@example.com", Role: "agent"})
	checks["SetPassword"] = s.SetPassword(ctx, missing, "$argon2id$x", "")
	_, checks["LoginFailed"] = s.LoginFailed(ctx, missing, userAt, 5, time.Minute)
	checks["LoginSucceeded"] = s.LoginSucceeded(ctx, missing, userAt)
	_, checks["Session"] = s.Session(ctx, missing)
	checks["TouchSession"] = s.TouchSession(ctx, missing, userAt)
	checks["CreateSession of unknown user"] = s.CreateSession(ctx, store.Session{ID: store.NewID(), UserID: missing, ExpiresAt: userAt.Add(time.Hour)})
	_, checks["Invite"] = s.Invite(ctx, missing)
	_, checks["UseInvite"] = s.UseInvite(ctx, missing, store.InviteUse{PasswordHash: "$argon2id$x", At: userAt})
	checks["CreateInvite of unknown user"] = s.CreateInvite(ctx, store.Invite{ID: store.NewID(), Kind: store.InviteReset, UserID: missing, ExpiresAt: userAt.Add(time.Hour)})
	for name, err := range checks {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
	if err := s.DeleteSession(ctx, missing); err != nil {
		t.Errorf("DeleteSession of an unknown id: %v, want nil", err)
	}
}

func testUpdateUser(t *testing.T, s store.Users) {
	ctx := t.Context()
	u := addUser(t, s, "anna@example.com", "agent")
	other := addUser(t, s, "bo@example.com", store.AdminRole) // so Anna, made admin, may be disabled
	s1, s2 := addSession(t, s, u.ID), addSession(t, s, u.ID)
	keep := addSession(t, s, other.ID)

	u.Name, u.Role, u.Teams = "Anna B", "admin", []string{"billing"}
	if err := s.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, _ := s.User(ctx, u.ID)
	if got.Name != "Anna B" || got.Role != "admin" || !slices.Equal(got.Teams, []string{"billing"}) || got.PasswordHash != u.PasswordHash {
		t.Fatalf("after update %+v", got)
	}
	if sessionGone(t, s, s1.ID) {
		t.Fatal("a change that is not disabling ended a session")
	}

	got.Disabled, got.Teams = true, nil
	if err := s.UpdateUser(ctx, got); err != nil {
		t.Fatal(err)
	}
	got, _ = s.User(ctx, u.ID)
	if !got.Disabled || len(got.Teams) != 0 {
		t.Fatalf("after disabling %+v", got)
	}
	if !sessionGone(t, s, s1.ID) || !sessionGone(t, s, s2.ID) {
		t.Fatal("disabling a user left their sessions")
	}
	if sessionGone(t, s, keep.ID) {
		t.Fatal("disabling one user ended another's session")
	}
}

func activeAdmins(t *testing.T, s store.Users) int {
	t.Helper()
	us, err := s.ListUsers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, u := range us {
		if u.Role == store.AdminRole && !u.Disabled {
			n++
		}
	}
	return n
}

func testUpdateUserKeepsLastAdmin(t *testing.T, s store.Users) {
	ctx := t.Context()
	boss := addUser(t, s, "boss@example.com", store.AdminRole)
	agent := addUser(t, s, "agent@example.com", "agent")
	sess := addSession(t, s, boss.ID)

	for name, change := range map[string]func(u *store.User){
		"demote":  func(u *store.User) { u.Role = "agent" },
		"disable": func(u *store.User) { u.Disabled = true },
	} {
		u := boss
		change(&u)
		if err := s.UpdateUser(ctx, u); !errors.Is(err, store.ErrLastAdmin) {
			t.Fatalf("%s the last active admin: %v, want ErrLastAdmin", name, err)
		}
		if got, _ := s.User(ctx, boss.ID); got.Role != store.AdminRole || got.Disabled {
			t.Fatalf("%s the last active admin was written: %+v", name, got)
		}
	}
	if sessionGone(t, s, sess.ID) {
		t.Fatal("a refused disable ended the admin's session")
	}
	// Other changes of the last admin, and of others, go through.
	boss.Name = "The Boss"
	if err := s.UpdateUser(ctx, boss); err != nil {
		t.Fatalf("renaming the last admin: %v", err)
	}
	agent.Disabled = true
	if err := s.UpdateUser(ctx, agent); err != nil {
		t.Fatalf("disabling an agent: %v", err)
	}
	// A disabled admin does not count; a second active one does.
	agent.Disabled, agent.Role = false, store.AdminRole
	if err := s.UpdateUser(ctx, agent); err != nil {
		t.Fatal(err)
	}
	boss.Role = "editor"
	if err := s.UpdateUser(ctx, boss); err != nil {
		t.Fatalf("demoting one of two admins: %v", err)
	}
	if n := activeAdmins(t, s); n != 1 {
		t.Fatalf("%d active admins, want 1", n)
	}
	// A store that never had an active admin is not held to one.
	if err := s.UpdateUser(ctx, boss); err != nil {
		t.Fatalf("changing a non-admin: %v", err)
	}
}

// testUpdateUserLastAdminRace: two admins demote (or disable) each other at
// the same moment, round after round; exactly one change wins each time.
func testUpdateUserLastAdminRace(t *testing.T, s store.Users) {
	a := addUser(t, s, "a@example.com", store.AdminRole)
	b := addUser(t, s, "b@example.com", store.AdminRole)
	for round := range 30 {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, u := range []store.User{a, b} {
			if round%2 == 0 {
				u.Role = "agent"
			} else {
				u.Disabled = true
			}
			wg.Go(func() { errs[i] = s.UpdateUser(t.Context(), u) })
		}
		wg.Wait()
		refused := 0
		for _, err := range errs {
			if errors.Is(err, store.ErrLastAdmin) {
				refused++
			} else if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if n := activeAdmins(t, s); n != 1 || refused != 1 {
			t.Fatalf("round %d: %d active admins, %d refused, want 1 and 1", round, n, refused)
		}
		for _, u := range []store.User{a, b} {
			if err := s.UpdateUser(t.Context(), u); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func testSetPassword(t *testing.T, s store.Users) {
	ctx := t.Context()
	u := addUser(t, s, "anna@example.com", "agent")
	if _, err := s.LoginFailed(ctx, u.ID, userAt, 1, time.Hour); err != nil {
		t.Fatal(err)
	}
	s1, s2, s3 := addSession(t, s, u.ID), addSession(t, s, u.ID), addSession(t, s, u.ID)
	if err := s.SetPassword(ctx, u.ID, "$argon2id$new", s2.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := s.User(ctx, u.ID)
	if got.PasswordHash != "$argon2id$new" || !got.LockedUntil.IsZero() || got.FailedLogins != 0 {
		t.Fatalf("after SetPassword %+v", got)
	}
	if !sessionGone(t, s, s1.ID) || sessionGone(t, s, s2.ID) || !sessionGone(t, s, s3.ID) {
		t.Fatal("SetPassword must end every session but the one kept")
	}
	if err := s.SetPassword(ctx, u.ID, "", ""); err == nil {
		t.Fatal("an empty hash was stored")
	}
}

func testLoginFailedLocks(t *testing.T, s store.Users) {
	ctx := t.Context()
	u := addUser(t, s, "anna@example.com", "agent")
	for i := 1; i <= 2; i++ {
		got, err := s.LoginFailed(ctx, u.ID, userAt.Add(time.Duration(i)*time.Second), 3, 15*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if got.FailedLogins != i || !got.LockedUntil.IsZero() {
			t.Fatalf("after %d failures: count %d, locked until %v", i, got.FailedLogins, got.LockedUntil)
		}
	}
	third := userAt.Add(time.Minute)
	got, err := s.LoginFailed(ctx, u.ID, third, 3, 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !sameTime(got.LockedUntil, third.Add(15*time.Minute)) || got.FailedLogins != 0 {
		t.Fatalf("third failure: locked until %v (want %v), count %d (want 0)", got.LockedUntil, third.Add(15*time.Minute), got.FailedLogins)
	}
	if again, _ := s.User(ctx, u.ID); !sameTime(again.LockedUntil, got.LockedUntil) {
		t.Fatalf("lock not stored: %v", again.LockedUntil)
	}
	if _, err := s.LoginFailed(ctx, u.ID, third, 1, time.Minute); err != nil {
		t.Fatal(err)
	}
	login := userAt.Add(time.Hour)
	if err := s.LoginSucceeded(ctx, u.ID, login); err != nil {
		t.Fatal(err)
	}
	got, _ = s.User(ctx, u.ID)
	if got.FailedLogins != 0 || !got.LockedUntil.IsZero() || !sameTime(got.LastLoginAt, login) {
		t.Fatalf("after success %+v", got)
	}
	if _, err := s.LoginFailed(ctx, u.ID, userAt, 0, time.Minute); err == nil {
		t.Fatal("maxFailures 0 was accepted")
	}
}

func testConcurrentLoginFailures(t *testing.T, s store.Users) {
	u := addUser(t, s, "anna@example.com", "agent")
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			if _, err := s.LoginFailed(t.Context(), u.ID, userAt, 1000, time.Minute); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got, _ := s.User(t.Context(), u.ID); got.FailedLogins != n {
		t.Fatalf("%d concurrent failures counted as %d", n, got.FailedLogins)
	}
}

func testSessions(t *testing.T, s store.Users) {
	ctx := t.Context()
	u := addUser(t, s, "anna@example.com", "agent")
	other := addUser(t, s, "bo@example.com", "agent")
	in := addSession(t, s, u.ID)
	got, err := s.Session(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != in.ID || got.UserID != u.ID || !sameTime(got.CreatedAt, userAt) || !sameTime(got.LastSeenAt, userAt) ||
		!sameTime(got.ExpiresAt, in.ExpiresAt) || got.IP != in.IP || got.UserAgent != in.UserAgent {
		t.Fatalf("read back %+v, stored %+v", got, in)
	}
	if err := s.CreateSession(ctx, in); !errors.Is(err, store.ErrExists) {
		t.Fatalf("same session id twice: %v, want ErrExists", err)
	}
	if err := s.CreateSession(ctx, store.Session{ID: store.NewID(), UserID: u.ID}); err == nil {
		t.Fatal("a session without expiry was stored")
	}
	seen := userAt.Add(time.Hour)
	if err := s.TouchSession(ctx, in.ID, seen); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Session(ctx, in.ID); !sameTime(got.LastSeenAt, seen) || !sameTime(got.ExpiresAt, in.ExpiresAt) {
		t.Fatalf("after touch %+v", got)
	}
	if err := s.DeleteSession(ctx, in.ID); err != nil {
		t.Fatal(err)
	}
	if !sessionGone(t, s, in.ID) {
		t.Fatal("DeleteSession left the session")
	}

	a, b, c := addSession(t, s, u.ID), addSession(t, s, u.ID), addSession(t, s, u.ID)
	theirs := addSession(t, s, other.ID)
	if n, err := s.DeleteUserSessions(ctx, u.ID, b.ID); err != nil || n != 2 {
		t.Fatalf("DeleteUserSessions keeping one = %d, %v; want 2", n, err)
	}
	if !sessionGone(t, s, a.ID) || sessionGone(t, s, b.ID) || !sessionGone(t, s, c.ID) || sessionGone(t, s, theirs.ID) {
		t.Fatal("DeleteUserSessions ended the wrong sessions")
	}
	if n, err := s.DeleteUserSessions(ctx, u.ID, ""); err != nil || n != 1 || !sessionGone(t, s, b.ID) {
		t.Fatalf("DeleteUserSessions of all = %d, %v; want 1", n, err)
	}
}

func testDeleteExpired(t *testing.T, s store.Users) {
	ctx := t.Context()
	u := addUser(t, s, "anna@example.com", "agent")
	old := store.Session{ID: store.NewID(), UserID: u.ID, CreatedAt: userAt, ExpiresAt: userAt.Add(time.Hour)}
	if err := s.CreateSession(ctx, old); err != nil {
		t.Fatal(err)
	}
	fresh := addSession(t, s, u.ID) // expires after a day
	oldInv := addInvite(t, s, store.InviteSetup, "", time.Hour)
	freshInv := addInvite(t, s, store.InviteSetup, "", 48*time.Hour)
	n, err := s.DeleteExpiredSessions(ctx, userAt.Add(2*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("DeleteExpiredSessions = %d, %v; want 1", n, err)
	}
	if !sessionGone(t, s, old.ID) || sessionGone(t, s, fresh.ID) {
		t.Fatal("DeleteExpiredSessions removed the wrong sessions")
	}
	if _, err := s.Invite(ctx, oldInv.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired invite: %v, want ErrNotFound", err)
	}
	if _, err := s.Invite(ctx, freshInv.ID); err != nil {
		t.Fatalf("unexpired invite: %v", err)
	}
}

func testInviteRoundTrip(t *testing.T, s store.Users) {
	ctx := t.Context()
	u := addUser(t, s, "anna@example.com", "agent")
	for _, kind := range []string{store.InviteSetup, store.InviteNew, store.InviteReset} {
		userID := u.ID
		if kind == store.InviteSetup {
			userID = ""
		}
		in := addInvite(t, s, kind, userID, time.Hour)
		got, err := s.Invite(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != in.ID || got.Kind != kind || got.UserID != userID || got.CreatedBy != "admin-1" ||
			!sameTime(got.CreatedAt, userAt) || !sameTime(got.ExpiresAt, in.ExpiresAt) || !got.UsedAt.IsZero() {
			t.Fatalf("%s: read back %+v, stored %+v", kind, got, in)
		}
	}
	for name, bad := range map[string]store.Invite{
		"unknown kind":     {ID: store.NewID(), Kind: "magic", ExpiresAt: userAt},
		"setup with user":  {ID: store.NewID(), Kind: store.InviteSetup, UserID: u.ID, ExpiresAt: userAt},
		"reset for nobody": {ID: store.NewID(), Kind: store.InviteReset, ExpiresAt: userAt},
		"no expiry":        {ID: store.NewID(), Kind: store.InviteSetup},
	} {
		if err := s.CreateInvite(ctx, bad); err == nil {
			t.Errorf("%s: stored", name)
		}
	}
}

func testNewInviteReplacesOld(t *testing.T, s store.Users) {
	ctx := t.Context()
	u := addUser(t, s, "anna@example.com", "agent")
	other := addUser(t, s, "bo@example.com", "agent")
	first := addInvite(t, s, store.InviteNew, u.ID, time.Hour)
	theirs := addInvite(t, s, store.InviteReset, other.ID, time.Hour)
	second := addInvite(t, s, store.InviteReset, u.ID, time.Hour)
	if _, err := s.Invite(ctx, first.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the replaced link: %v, want ErrNotFound", err)
	}
	for _, id := range []string{second.ID, theirs.ID} {
		if _, err := s.Invite(ctx, id); err != nil {
			t.Fatalf("a current link is gone: %v", err)
		}
	}
}

func testUseInviteOnce(t *testing.T, s store.Users) {
	ctx := t.Context()
	u := addUser(t, s, "anna@example.com", "agent")
	inv := addInvite(t, s, store.InviteNew, u.ID, time.Hour)
	at := userAt.Add(time.Minute)
	got, err := s.UseInvite(ctx, inv.ID, store.InviteUse{PasswordHash: "$argon2id$chosen", Name: "Anna Berg", At: at})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != u.ID || got.PasswordHash != "$argon2id$chosen" || got.Name != "Anna Berg" || !got.HasPassword {
		t.Fatalf("after UseInvite %+v", got)
	}
	if stored, _ := s.Invite(ctx, inv.ID); !sameTime(stored.UsedAt, at) {
		t.Fatalf("UsedAt = %v, want %v", stored.UsedAt, at)
	}
	if _, err := s.UseInvite(ctx, inv.ID, store.InviteUse{PasswordHash: "$argon2id$again", At: at}); !errors.Is(err, store.ErrTokenUsed) {
		t.Fatalf("second use: %v, want ErrTokenUsed", err)
	}
	if got, _ := s.User(ctx, u.ID); got.PasswordHash != "$argon2id$chosen" {
		t.Fatal("a refused second use changed the password")
	}
	if _, err := s.UseInvite(ctx, inv.ID, store.InviteUse{At: at}); err == nil {
		t.Fatal("UseInvite without a password hash succeeded")
	}
}

func testUseInviteRace(t *testing.T, s store.Users) {
	u := addUser(t, s, "anna@example.com", "agent")
	inv := addInvite(t, s, store.InviteNew, u.ID, time.Hour)
	const n = 16
	results := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, results[i] = s.UseInvite(t.Context(), inv.ID, store.InviteUse{PasswordHash: fmt.Sprintf("$argon2id$p%d", i), At: userAt})
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range results {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("uses %d and %d both succeeded", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, store.ErrTokenUsed):
			t.Fatalf("use %d: %v, want ErrTokenUsed", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no use succeeded")
	}
	if got, _ := s.User(t.Context(), u.ID); got.PasswordHash != fmt.Sprintf("$argon2id$p%d", winner) {
		t.Fatalf("password %q, want the winner's (%d)", got.PasswordHash, winner)
	}
}

func testUseInviteExpired(t *testing.T, s store.Users) {
	u := addUser(t, s, "anna@example.com", "agent")
	inv := addInvite(t, s, store.InviteReset, u.ID, time.Hour)
	if _, err := s.UseInvite(t.Context(), inv.ID, store.InviteUse{PasswordHash: "$argon2id$x", At: inv.ExpiresAt}); !errors.Is(err, store.ErrTokenExpired) {
		t.Fatalf("use at expiry: %v, want ErrTokenExpired", err)
	}
	if got, _ := s.User(t.Context(), u.ID); got.PasswordHash != u.PasswordHash {
		t.Fatal("an expired token changed the password")
	}
	if got, _ := s.Invite(t.Context(), inv.ID); !got.UsedAt.IsZero() {
		t.Fatal("an expired token was marked used")
	}
}

func testUseInviteDisabled(t *testing.T, s store.Users) {
	u := addUser(t, s, "anna@example.com", "agent")
	inv := addInvite(t, s, store.InviteReset, u.ID, time.Hour)
	u.Disabled = true
	if err := s.UpdateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseInvite(t.Context(), inv.ID, store.InviteUse{PasswordHash: "$argon2id$x", At: userAt}); !errors.Is(err, store.ErrUserDisabled) {
		t.Fatalf("reset of a disabled user: %v, want ErrUserDisabled", err)
	}
	if got, _ := s.User(t.Context(), u.ID); got.PasswordHash != u.PasswordHash {
		t.Fatal("a disabled user's password changed")
	}
}

func testSetupFirstUserOnly(t *testing.T, s store.Users) {
	ctx := t.Context()
	first := addInvite(t, s, store.InviteSetup, "", time.Hour)
	second := addInvite(t, s, store.InviteSetup, "", time.Hour)
	admin := store.User{ID: store.NewID(), Email: "Boss@Example.com", Name: "Boss", Role: "admin"}
	got, err := s.UseInvite(ctx, first.ID, store.InviteUse{PasswordHash: "$argon2id$boss", NewUser: admin, At: userAt})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != admin.ID || got.Email != "boss@example.com" || got.Role != "admin" || got.PasswordHash != "$argon2id$boss" || !sameTime(got.CreatedAt, userAt) {
		t.Fatalf("first admin %+v", got)
	}
	other := store.User{ID: store.NewID(), Email: "mallory@example.com", Role: "admin"}
	if _, err := s.UseInvite(ctx, second.ID, store.InviteUse{PasswordHash: "$argon2id$m", NewUser: other, At: userAt}); !errors.Is(err, store.ErrTokenUsed) {
		t.Fatalf("a second setup link after the first admin: %v, want ErrTokenUsed", err)
	}
	if n, _ := s.CountUsers(ctx); n != 1 {
		t.Fatalf("%d users, want only the first admin", n)
	}
}

func testResetEndsSessions(t *testing.T, s store.Users) {
	ctx := t.Context()
	u := addUser(t, s, "anna@example.com", "agent")
	if _, err := s.LoginFailed(ctx, u.ID, userAt, 1, time.Hour); err != nil {
		t.Fatal(err)
	}
	sess := addSession(t, s, u.ID)
	inv := addInvite(t, s, store.InviteReset, u.ID, time.Hour)
	got, err := s.UseInvite(ctx, inv.ID, store.InviteUse{PasswordHash: "$argon2id$new", At: userAt})
	if err != nil {
		t.Fatal(err)
	}
	if !got.LockedUntil.IsZero() || got.Name != u.Name {
		t.Fatalf("after reset %+v (lock must be cleared, an empty name keeps the old)", got)
	}
	if !sessionGone(t, s, sess.ID) {
		t.Fatal("a password reset left an old session")
	}
}
