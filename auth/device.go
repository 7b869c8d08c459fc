package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// deviceCookiePrefix starts the name of the known-device cookie, one per
// account a browser has logged in to, so that people who share a browser
// each keep theirs.
const deviceCookiePrefix = "andon_device_"

// deviceCookieName is the known-device cookie's name for an account: a
// keyed hash of the e-mail, so the name does not show the address.
func (s *Service) deviceCookieName(account string) string {
	m := hmac.New(sha256.New, s.opts.Secret)
	m.Write([]byte("andon device name\x00" + account))
	return deviceCookiePrefix + hex.EncodeToString(m.Sum(nil))[:16]
}

func (s *Service) deviceMAC(account, id, issued string) string {
	m := hmac.New(sha256.New, s.opts.Secret)
	m.Write([]byte("andon device\x00" + account + "\x00" + id + "\x00" + issued))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// knownDevice returns the ID of the device the request's cookie names for
// account when it is one that logged in to that account before (signed by
// the server's secret, younger than DeviceTTL), or "".
func (s *Service) knownDevice(r *http.Request, account string) string {
	c, err := r.Cookie(s.deviceCookieName(account))
	if err != nil {
		return ""
	}
	id, rest, ok1 := strings.Cut(c.Value, ".")
	issued, mac, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || id == "" {
		return ""
	}
	if !hmac.Equal([]byte(mac), []byte(s.deviceMAC(account, id, issued))) {
		return ""
	}
	at, err := strconv.ParseInt(issued, 10, 64)
	if err != nil || s.now().Sub(time.Unix(at, 0)) > s.opts.DeviceTTL {
		return ""
	}
	return id
}

// setKnownDevice gives the browser that just logged in to account its
// known-device cookie (keeping its device ID when it had one): HttpOnly,
// SameSite=Strict, sent only to the login route, signed, for DeviceTTL.
func (s *Service) setKnownDevice(w http.ResponseWriter, r *http.Request, account, id string) {
	if id == "" {
		id = randomToken()[:22]
	}
	issued := strconv.FormatInt(s.now().Unix(), 10)
	http.SetCookie(w, &http.Cookie{
		Name:     s.deviceCookieName(account),
		Value:    id + "." + issued + "." + s.deviceMAC(account, id, issued),
		Path:     "/api/login",
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
		Secure:   s.secure || s.isTLS(r),
		MaxAge:   int(s.opts.DeviceTTL.Seconds()),
	})
}
