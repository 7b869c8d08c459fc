package widget

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"github.com/andon-chat/andon/internal/apierr"
)

// Attribute names with a meaning to the server. A site passes user_id and
// user_hash; identity_verified is set by the server alone.
const (
	// AttrUserID is the site's own id of a signed-in customer.
	AttrUserID = "user_id"
	// AttrUserHash is hex(HMAC-SHA256(site identity secret, user_id)),
	// computed by the site's backend. It proves user_id and is never stored.
	AttrUserHash = "user_hash"
	// AttrIdentityVerified is "true" on a conversation whose user_id was
	// proven by user_hash. Visitors cannot set it: it is removed from every
	// hello before verification.
	AttrIdentityVerified = "identity_verified"
)

// IdentityHash is the user_hash a site's backend passes with user_id when
// the site has an identity secret: the hex HMAC-SHA256 of userID under
// secret. It is exported for tests and for sites written in Go.
func IdentityHash(secret, userID string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(userID))
	return hex.EncodeToString(m.Sum(nil))
}

// verifyIdentity returns the attributes to store for a hello: without
// user_hash and without any identity_verified the visitor sent, plus
// identity_verified = "true" when the site has a secret and user_hash proves
// user_id. A user_id with a missing or wrong hash on such a site is
// refused, so that nobody can pretend to be another customer. Attributes
// without user_id, or a site without a secret, pass unverified.
func verifyIdentity(secret string, attrs map[string]string) (map[string]string, *protoError) {
	if len(attrs) == 0 {
		return attrs, nil
	}
	out := make(map[string]string, len(attrs)+1)
	for k, v := range attrs {
		if k != AttrUserHash && k != AttrIdentityVerified {
			out[k] = v
		}
	}
	userID, claimed := attrs[AttrUserID]
	if secret == "" || !claimed || userID == "" {
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	}
	given, err := hex.DecodeString(attrs[AttrUserHash])
	want := hmac.New(sha256.New, []byte(secret))
	want.Write([]byte(userID))
	switch {
	case attrs[AttrUserHash] == "":
		return nil, &protoError{Code: apierr.CodeForbiddenIdentity, Field: "attributes",
			Message: "user_id needs user_hash: this site verifies identities; its backend must pass user_hash = hex(HMAC-SHA256(identity secret, user_id))"}
	case err != nil || !hmac.Equal(given, want.Sum(nil)):
		return nil, &protoError{Code: apierr.CodeForbiddenIdentity, Field: "attributes",
			Message: "user_hash does not match user_id: the identity could not be verified; nothing was stored"}
	}
	out[AttrIdentityVerified] = "true"
	return out, nil
}
