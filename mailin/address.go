package mailin

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
)

// replyPrefix starts the local part of every reply address.
const replyPrefix = "reply+"

// sigHexLen is the length of the signature in a reply address: 16 hex
// digits, 64 bits of HMAC-SHA256, far more than anyone can guess by sending
// mail.
const sigHexLen = 16

// ErrBadAddress is returned by Signer.Parse for an address that is not a
// valid reply address of the domain.
var ErrBadAddress = errors.New("not a reply address of this server")

// Signer makes and checks reply addresses,
// reply+CONVERSATION.SIGNATURE@DOMAIN. The signature is an HMAC of the
// conversation ID under the server secret, so that only someone who
// received a mail about a conversation can write into it: conversation IDs
// appear in console links and logs, the signature nowhere else.
type Signer struct {
	key    []byte
	domain string
}

// NewSigner returns a Signer for domain. The key is derived from secret for
// this one use, so a reply signature can never be mistaken for any other
// HMAC the server makes with the same secret.
func NewSigner(secret []byte, domain string) Signer {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("andon mail_in reply address v1"))
	return Signer{key: m.Sum(nil), domain: strings.ToLower(strings.TrimSpace(domain))}
}

// Domain is the domain of the reply addresses, lower case.
func (s Signer) Domain() string { return s.domain }

// Address is the reply address of conversation id.
func (s Signer) Address(id string) string {
	return replyPrefix + id + "." + s.sign(id) + "@" + s.domain
}

func (s Signer) sign(id string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil))[:sigHexLen]
}

// Parse returns the conversation ID of a reply address, or ErrBadAddress
// when addr is not one of the domain or its signature does not match. The
// comparison ignores case: some mail servers change the case of addresses,
// and IDs and signatures are lower case.
func (s Signer) Parse(addr string) (string, error) {
	addr = strings.ToLower(strings.Trim(strings.TrimSpace(addr), "<>"))
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || domain != s.domain || s.domain == "" {
		return "", ErrBadAddress
	}
	rest, ok := strings.CutPrefix(local, replyPrefix)
	if !ok {
		return "", ErrBadAddress
	}
	id, sig, ok := strings.Cut(rest, ".")
	if !ok || id == "" || len(sig) != sigHexLen {
		return "", ErrBadAddress
	}
	if !hmac.Equal([]byte(sig), []byte(s.sign(id))) {
		return "", ErrBadAddress
	}
	return id, nil
}
