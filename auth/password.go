package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters. They are written into every hash,
// so raising them later only affects new passwords and old hashes still
// verify.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// DefaultParams are OWASP's first recommendation for argon2id (19 MiB, two
// passes, one thread): about 30-50 ms per hash on a small server, which the
// login rate limit keeps from becoming a CPU lever.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
	// MinPasswordLength is the shortest password accepted (in characters).
	MinPasswordLength = 10
	// maxPasswordBytes bounds the work one request can ask argon2 to do.
	maxPasswordBytes = 1024
)

// errBadHash means a stored hash is not one this package wrote.
var errBadHash = errors.New("not an argon2id hash")

// HashPassword hashes password with argon2id and a random salt and encodes
// it in the PHC string format: $argon2id$v=19$m=M,t=T,p=P$SALT$KEY.
func HashPassword(password string, p Params) (string, error) {
	if p == (Params{}) {
		p = DefaultParams
	}
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 {
		return "", fmt.Errorf("couldn't hash password: incomplete parameters %+v", p)
	}
	salt := make([]byte, saltLen)
	rand.Read(salt) // never fails since Go 1.24
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches encoded (from
// HashPassword), comparing in constant time. An encoded value that is not
// an argon2id hash is an error, not a mismatch.
func VerifyPassword(encoded, password string) (bool, error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

func decodeHash(encoded string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, fmt.Errorf("%w: version %q", errBadHash, parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("%w: parameters %q", errBadHash, parts[3])
	}
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 || p.Memory > 4*1024*1024 || p.Time > 100 {
		return p, nil, nil, fmt.Errorf("%w: parameters out of range %q", errBadHash, parts[3])
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, fmt.Errorf("%w: salt", errBadHash)
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 128 {
		return p, nil, nil, fmt.Errorf("%w: key", errBadHash)
	}
	return p, salt, key, nil
}

// checkPassword returns a message for the person choosing password when it
// is not acceptable, or "".
func checkPassword(password, email string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLength:
		return fmt.Sprintf("The password must be at least %d characters long (it has %d).", MinPasswordLength, n)
	case len(password) > maxPasswordBytes:
		return fmt.Sprintf("The password must be at most %d bytes long.", maxPasswordBytes)
	case email != "" && strings.EqualFold(strings.TrimSpace(password), email):
		return "The password must not be your e-mail address."
	case strings.TrimSpace(password) == "":
		return "The password must not be only spaces."
	}
	return ""
}

// hash and verify run argon2id under the service's semaphore: each run
// takes Params.Memory (19 MiB by default), so a burst of logins from many
// addresses, which the per-IP limit does not stop, queues for CPU instead
// of allocating without bound.
func (s *Service) hash(ctx context.Context, password string) (string, error) {
	if err := s.acquire(ctx); err != nil {
		return "", err
	}
	defer s.release()
	return HashPassword(password, s.opts.Params)
}

func (s *Service) verify(ctx context.Context, encoded, password string) (bool, error) {
	if err := s.acquire(ctx); err != nil {
		return false, err
	}
	defer s.release()
	return VerifyPassword(encoded, password)
}

func (s *Service) acquire(ctx context.Context) error {
	select {
	case s.hashing <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("couldn't check the password: %w", ctx.Err())
	}
}

func (s *Service) release() { <-s.hashing }
