package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/andon-chat/andon/store"
	"github.com/jackc/pgx/v5"
)

var _ store.Users = (*Store)(nil)

const userColumns = `id, email, name, role, teams, disabled, password_hash, failed_logins, locked_until, last_login_at, created_at, updated_at`

func userOptTime(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromMicros(v)
}

func userBool(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

type userQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) pgx.Row
}

func scanUser(row interface{ Scan(...any) error }) (store.User, error) {
	var (
		u                                   store.User
		teams                               sql.NullString
		disabled, failed                    int64
		locked, last, created, updatedMicro int64
	)
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &teams, &disabled, &u.PasswordHash, &failed, &locked, &last, &created, &updatedMicro); err != nil {
		return u, err
	}
	if err := decodeJSON(teams, &u.Teams); err != nil {
		return u, fmt.Errorf("couldn't decode teams: %w", err)
	}
	u.Disabled = disabled != 0
	u.HasPassword = u.PasswordHash != ""
	u.FailedLogins = int(failed)
	u.LockedUntil = userOptTime(locked)
	u.LastLoginAt = userOptTime(last)
	u.CreatedAt, u.UpdatedAt = fromMicros(created), fromMicros(updatedMicro)
	return u, nil
}

func readUser(ctx context.Context, q userQuerier, where string, arg any) (store.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.User{}, fmt.Errorf("user %q: %w", arg, store.ErrNotFound)
	}
	if err != nil {
		return store.User{}, fmt.Errorf("couldn't read user %q: %w", arg, err)
	}
	return u, nil
}

// insertUser writes u inside the writer's transaction.
func (s *Store) insertUser(ctx context.Context, conn rebound, u store.User) error {
	if u.ID == "" || strings.TrimSpace(u.Email) == "" {
		return errors.New("empty id or e-mail")
	}
	teams, err := jsonColumn(u.Teams, len(u.Teams) == 0)
	if err != nil {
		return fmt.Errorf("couldn't encode teams: %w", err)
	}
	created := storedTime(u.CreatedAt, s.now)
	updated := created
	if !u.UpdatedAt.IsZero() {
		updated = storedTime(u.UpdatedAt, s.now)
	}
	res, err := conn.ExecContext(ctx, `INSERT INTO users (`+userColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?)
		ON CONFLICT DO NOTHING`,
		u.ID, strings.ToLower(strings.TrimSpace(u.Email)), u.Name, u.Role, teams, userBool(u.Disabled), u.PasswordHash,
		micros(created), micros(updated))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("user %q (%s): %w", u.ID, u.Email, store.ErrExists)
	}
	return nil
}

// CreateUser stores u; a used id or e-mail is store.ErrExists.
func (s *Store) CreateUser(ctx context.Context, u store.User) error {
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		return s.insertUser(ctx, w.conn, u)
	})
	if err != nil {
		return fmt.Errorf("couldn't create user: %w", err)
	}
	return nil
}

// User returns user id or store.ErrNotFound.
func (s *Store) User(ctx context.Context, id string) (store.User, error) {
	return readUser(ctx, s.reader(), `id = ?`, id)
}

// UserByEmail finds a user by e-mail, case-insensitively.
func (s *Store) UserByEmail(ctx context.Context, email string) (store.User, error) {
	return readUser(ctx, s.reader(), `email = ?`, strings.ToLower(strings.TrimSpace(email)))
}

// ListUsers returns every user ordered by e-mail.
func (s *Store) ListUsers(ctx context.Context) ([]store.User, error) {
	rows, err := s.reader().QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("couldn't list users: %w", err)
	}
	defer rows.Close()
	var us []store.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("couldn't list users: %w", err)
		}
		us = append(us, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("couldn't list users: %w", err)
	}
	return us, nil
}

// CountUsers returns the number of users.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("couldn't count users: %w", err)
	}
	return n, nil
}

// userExecOne runs an UPDATE that must touch one row; none is store.ErrNotFound.
func userExecOne(ctx context.Context, conn rebound, what string, query string, args ...any) error {
	res, err := conn.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}

// UpdateUser stores u's name, role, teams and disabled flag; disabling ends
// the user's sessions in the same transaction. The last active admin is
// kept by the UPDATE's own condition: one statement checks and writes, so
// two admins demoting each other at once cannot both see the other one.
func (s *Store) UpdateUser(ctx context.Context, u store.User) error {
	teams, err := jsonColumn(u.Teams, len(u.Teams) == 0)
	if err != nil {
		return fmt.Errorf("couldn't encode teams: %w", err)
	}
	now := micros(storedTime(s.now(), s.now))
	staysAdmin := u.Role == store.AdminRole && !u.Disabled
	err = s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		if err := lockUsers(ctx, q); err != nil {
			return err
		}
		res, err := w.conn.ExecContext(ctx, `UPDATE users
			SET name = ?, role = ?, teams = ?, disabled = ?, updated_at = ?
			WHERE id = ? AND (? = 1 OR NOT (role = ? AND disabled = 0) OR EXISTS (
				SELECT 1 FROM users AS other WHERE other.role = ? AND other.disabled = 0 AND other.id <> users.id))`,
			u.Name, u.Role, teams, userBool(u.Disabled), now,
			u.ID, userBool(staysAdmin), store.AdminRole, store.AdminRole)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			if _, err := readUser(ctx, w.conn, `id = ?`, u.ID); err != nil {
				return err // ErrNotFound
			}
			return fmt.Errorf("user %q: %w", u.ID, store.ErrLastAdmin)
		}
		if u.Disabled {
			_, err := w.conn.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID)
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("couldn't update user: %w", err)
	}
	return nil
}

// setPassword runs inside the writer's transaction.
func setPassword(ctx context.Context, conn rebound, userID, hash, keepSession string, at int64) error {
	if hash == "" {
		return errors.New("empty password hash")
	}
	if err := userExecOne(ctx, conn, fmt.Sprintf("user %q", userID), `UPDATE users
		SET password_hash = ?, failed_logins = 0, locked_until = 0, updated_at = ? WHERE id = ?`,
		hash, at, userID); err != nil {
		return err
	}
	_, err := conn.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, keepSession)
	return err
}

// SetPassword stores a new hash, clears a lockout and ends the user's other
// sessions.
func (s *Store) SetPassword(ctx context.Context, userID, hash, keepSession string) error {
	now := micros(storedTime(s.now(), s.now))
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		return setPassword(ctx, w.conn, userID, hash, keepSession, now)
	})
	if err != nil {
		return fmt.Errorf("couldn't set password: %w", err)
	}
	return nil
}

// LoginFailed counts a failed attempt and locks the account on the
// maxFailures-th in a row.
func (s *Store) LoginFailed(ctx context.Context, userID string, at time.Time, maxFailures int, lockFor time.Duration) (store.User, error) {
	if maxFailures < 1 {
		return store.User{}, fmt.Errorf("couldn't count a failed login: maxFailures is %d", maxFailures)
	}
	at = storedTime(at, s.now)
	until := micros(at.Add(lockFor))
	var u store.User
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		// One statement, so concurrent failures cannot overwrite each other's count.
		if err := userExecOne(ctx, w.conn, fmt.Sprintf("user %q", userID), `UPDATE users SET
			locked_until  = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END,
			failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END
			WHERE id = ?`, maxFailures, until, maxFailures, userID); err != nil {
			return err
		}
		var err error
		u, err = readUser(ctx, w.conn, `id = ?`, userID)
		return err
	})
	if err != nil {
		return store.User{}, fmt.Errorf("couldn't count a failed login: %w", err)
	}
	return u, nil
}

// LoginSucceeded clears the failure count and records the login.
func (s *Store) LoginSucceeded(ctx context.Context, userID string, at time.Time) error {
	at = storedTime(at, s.now)
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		return userExecOne(ctx, w.conn, fmt.Sprintf("user %q", userID),
			`UPDATE users SET failed_logins = 0, locked_until = 0, last_login_at = ? WHERE id = ?`, micros(at), userID)
	})
	if err != nil {
		return fmt.Errorf("couldn't record a login: %w", err)
	}
	return nil
}

const sessionColumns = `id, user_id, created_at, last_seen_at, expires_at, ip, user_agent`

// CreateSession stores a session; its user must exist.
func (s *Store) CreateSession(ctx context.Context, sess store.Session) error {
	if sess.ID == "" || sess.UserID == "" {
		return errors.New("couldn't create session: empty id or user")
	}
	created := storedTime(sess.CreatedAt, s.now)
	seen := created
	if !sess.LastSeenAt.IsZero() {
		seen = storedTime(sess.LastSeenAt, s.now)
	}
	if sess.ExpiresAt.IsZero() {
		return errors.New("couldn't create session: no expiry")
	}
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		if _, err := readUser(ctx, w.conn, `id = ?`, sess.UserID); err != nil {
			return err
		}
		res, err := w.conn.ExecContext(ctx, `INSERT INTO sessions (`+sessionColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			sess.ID, sess.UserID, micros(created), micros(seen), micros(storedTime(sess.ExpiresAt, s.now)), sess.IP, sess.UserAgent)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("session: %w", store.ErrExists)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("couldn't create session: %w", err)
	}
	return nil
}

// Session returns one session or store.ErrNotFound.
func (s *Store) Session(ctx context.Context, id string) (store.Session, error) {
	var (
		sess                   store.Session
		created, seen, expires int64
	)
	err := s.reader().QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = ?`, id).
		Scan(&sess.ID, &sess.UserID, &created, &seen, &expires, &sess.IP, &sess.UserAgent)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Session{}, fmt.Errorf("session: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Session{}, fmt.Errorf("couldn't read session: %w", err)
	}
	sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = fromMicros(created), fromMicros(seen), fromMicros(expires)
	return sess, nil
}

// TouchSession moves the session's LastSeenAt.
func (s *Store) TouchSession(ctx context.Context, id string, at time.Time) error {
	at = storedTime(at, s.now)
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		return userExecOne(ctx, w.conn, "session", `UPDATE sessions SET last_seen_at = ? WHERE id = ?`, micros(at), id)
	})
	if err != nil {
		return fmt.Errorf("couldn't touch session: %w", err)
	}
	return nil
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		_, err := w.conn.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("couldn't delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends the user's sessions except keepSession.
func (s *Store) DeleteUserSessions(ctx context.Context, userID, keepSession string) (int, error) {
	var n int64
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		res, err := w.conn.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, keepSession)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("couldn't delete sessions: %w", err)
	}
	return int(n), nil
}

// DeleteExpiredSessions removes sessions and invites that expired before
// `before`.
func (s *Store) DeleteExpiredSessions(ctx context.Context, before time.Time) (int, error) {
	b := micros(storedTime(before, s.now))
	var n int64
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		res, err := w.conn.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, b)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = w.conn.ExecContext(ctx, `DELETE FROM invites WHERE expires_at < ?`, b)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("couldn't delete expired sessions: %w", err)
	}
	return int(n), nil
}

const inviteColumns = `id, kind, user_id, created_by, created_at, expires_at, used_at`

// CreateInvite stores a one-time token; an invite or reset replaces the
// user's earlier unused ones.
func (s *Store) CreateInvite(ctx context.Context, inv store.Invite) error {
	switch inv.Kind {
	case store.InviteSetup:
		if inv.UserID != "" {
			return errors.New("couldn't create invite: a setup token has no user")
		}
	case store.InviteNew, store.InviteReset:
		if inv.UserID == "" {
			return fmt.Errorf("couldn't create invite: a %s token needs a user", inv.Kind)
		}
	default:
		return fmt.Errorf("couldn't create invite: unknown kind %q", inv.Kind)
	}
	if inv.ID == "" || inv.ExpiresAt.IsZero() {
		return errors.New("couldn't create invite: empty id or no expiry")
	}
	created := storedTime(inv.CreatedAt, s.now)
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		if inv.UserID != "" {
			if _, err := readUser(ctx, w.conn, `id = ?`, inv.UserID); err != nil {
				return err
			}
			if _, err := w.conn.ExecContext(ctx, `DELETE FROM invites WHERE user_id = ? AND used_at = 0`, inv.UserID); err != nil {
				return err
			}
		}
		res, err := w.conn.ExecContext(ctx, `INSERT INTO invites (`+inviteColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, 0) ON CONFLICT DO NOTHING`,
			inv.ID, inv.Kind, nullable(inv.UserID), inv.CreatedBy, micros(created), micros(storedTime(inv.ExpiresAt, s.now)))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("invite: %w", store.ErrExists)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("couldn't create invite: %w", err)
	}
	return nil
}

func readInvite(ctx context.Context, q userQuerier, id string) (store.Invite, error) {
	var (
		inv                    store.Invite
		user                   sql.NullString
		created, expires, used int64
	)
	err := q.QueryRowContext(ctx, `SELECT `+inviteColumns+` FROM invites WHERE id = ?`, id).
		Scan(&inv.ID, &inv.Kind, &user, &inv.CreatedBy, &created, &expires, &used)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Invite{}, fmt.Errorf("invite: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Invite{}, fmt.Errorf("couldn't read invite: %w", err)
	}
	inv.UserID = user.String
	inv.CreatedAt, inv.ExpiresAt, inv.UsedAt = fromMicros(created), fromMicros(expires), userOptTime(used)
	return inv, nil
}

// Invite returns a token's record or store.ErrNotFound.
func (s *Store) Invite(ctx context.Context, id string) (store.Invite, error) {
	return readInvite(ctx, s.reader(), id)
}

// UseInvite accepts a one-time token; see store.Users. The writer runs one
// operation at a time, and the token is marked used by a conditional UPDATE
// in the same transaction as the password, so of racing requests exactly
// one finds it unused.
func (s *Store) UseInvite(ctx context.Context, id string, use store.InviteUse) (store.User, error) {
	if use.PasswordHash == "" {
		return store.User{}, errors.New("couldn't use invite: empty password hash")
	}
	at := storedTime(use.At, s.now)
	var u store.User
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		if err := lockUsers(ctx, q); err != nil {
			return err
		}
		inv, err := readInvite(ctx, w.conn, id)
		if err != nil {
			return err
		}
		if !inv.UsedAt.IsZero() {
			return store.ErrTokenUsed
		}
		if !at.Before(inv.ExpiresAt) {
			return store.ErrTokenExpired
		}
		if err := userExecOne(ctx, w.conn, "invite", `UPDATE invites SET used_at = ? WHERE id = ? AND used_at = 0`, micros(at), id); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return store.ErrTokenUsed
			}
			return err
		}
		userID := inv.UserID
		if inv.Kind == store.InviteSetup {
			var n int
			if err := w.conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return fmt.Errorf("setup is done, a user exists: %w", store.ErrTokenUsed)
			}
			nu := use.NewUser
			nu.PasswordHash = use.PasswordHash
			nu.CreatedAt, nu.UpdatedAt = at, at
			if err := s.insertUser(ctx, w.conn, nu); err != nil {
				return err
			}
			userID = nu.ID
		} else {
			cur, err := readUser(ctx, w.conn, `id = ?`, userID)
			if err != nil {
				return err
			}
			if cur.Disabled {
				return store.ErrUserDisabled
			}
			if err := setPassword(ctx, w.conn, userID, use.PasswordHash, "", micros(at)); err != nil {
				return err
			}
			if use.Name != "" {
				if _, err := w.conn.ExecContext(ctx, `UPDATE users SET name = ? WHERE id = ?`, use.Name, userID); err != nil {
					return err
				}
			}
		}
		u, err = readUser(ctx, w.conn, `id = ?`, userID)
		return err
	})
	if err != nil {
		return store.User{}, fmt.Errorf("couldn't use invite: %w", err)
	}
	return u, nil
}

// usersLock is the advisory lock that writes which count admins or users
// (the last active admin, the first admin of a setup invite) take, so that
// two instances cannot both pass the count: on SQLite the single writer
// gives this order.
const usersLock = 0x616e646f6e01

func lockUsers(ctx context.Context, q querier) error {
	_, err := q.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(usersLock))
	return err
}
