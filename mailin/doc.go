// Package mailin lets a conversation continue by e-mail. When an agent
// answers a visitor who has left, notify mails the reply with a Reply-To
// address of the form reply+CONVERSATION.SIGNATURE@DOMAIN (Signer makes
// it); this package is the SMTP server that address leads to. It accepts
// mail only for valid reply addresses, reads the visitor's own words out of
// the answer (the plain text part, or the text of the HTML part, without the
// quoted earlier mail and the signature), checks that it comes from the
// address the conversation continues with, and posts it to the conversation
// as a visitor message, which agents see live. A mail delivered twice (same
// Message-ID) is stored once.
//
// It is a receiving server for one domain, not a relay: it never sends mail
// on and accepts no other recipients. Header From is what is compared, not
// the envelope sender, since forwarding rewrites the latter; DKIM and SPF
// are not checked, so the signed address is what keeps strangers out.
package mailin
