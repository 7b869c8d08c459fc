// Package widget is the visitor side of andon: the visitor WebSocket
// (/ws/visitor), the embeddable widget script and its per-site config, and
// the demo page, all served from one Handler with the assets built into the
// binary.
//
// The protocol is DESIGN.md's "Visitor protocol"; where the contract leaves
// room, this server decides:
//
//   - A resume token is base64url(payload).base64url(HMAC-SHA256) over the
//     site, the conversation id and an expiry (Limits.TokenTTL, renewed by
//     every welcome). A forged or damaged token, one of another site, or one
//     of a conversation that no longer exists gets an error frame with code
//     bad_token; an expired one token_expired. The connection stays open and
//     a new conversation starts on it: the welcome that follows carries a
//     new conversation_id and token.
//   - After welcome, a conversation that is not with the bot gets a state
//     frame (with eta_seconds only when someone is on duty), then the replay.
//   - Every message reaches every tab of the conversation, the sender's
//     included, as a message frame with seq and client_id: that is the
//     acknowledgement, sent only after the commit. A retried client_id is
//     answered to the retrying tab alone with the original message.
//   - Error frames carry code, message, and where it helps field (the
//     offending field of a bad_request) and client_id (the message refused
//     with too_large, rate_limited or internal_error, which the client may
//     send again with the same client_id). Codes: bad_request, too_large,
//     rate_limited, bad_token, token_expired, forbidden_identity,
//     internal_error. A frame over Limits.MaxFrameBytes closes the
//     connection (1009); every other bad frame leaves it open.
//   - Refusals before the upgrade are HTTP statuses with a JSON body
//     {code, message}: 404 unknown_site, 403 forbidden_origin, 429
//     too_many_connections (per client IP), 503 server_busy or
//     shutting_down.
//   - Typing frames from a visitor go to the people and the bot side, not
//     back to the visitor's other tabs; the bot's "typing" shows while it
//     decides.
//   - On shutdown, every connection gets close code 1012 ("server shutting
//     down"): reconnect.
//   - Identity verification: on a site with an identity secret, a hello
//     whose attributes carry user_id must carry user_hash =
//     hex(HMAC-SHA256(secret, user_id)) (IdentityHash), compared in
//     constant time. A missing or wrong hash gets an error frame
//     forbidden_identity (field attributes) before anything is stored or
//     resumed, and the connection waits for another hello. A verified hello
//     is stored without user_hash and with identity_verified = "true";
//     identity_verified sent by a visitor is removed from every hello.
//   - ChatURL links an e-mail back to a conversation: the visitor's page when
//     it is on one of the site's origins, with #andon-resume=TOKEN, which
//     widget.js takes, removes from the address bar and resumes.
package widget
