package mailin

import (
	"net/mail"
	"strings"
	"testing"
)

// crlf writes a mail the way it travels: lines end in CRLF.
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

func TestReadContent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		mail        string
		want        string // after stripQuoted
		attachments int
	}{
		{"plain without content type", `From: v@example.com
Subject: Re: hi

Thanks!
`, "Thanks!", 0},
		{"plain utf-8 8bit", `Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Tack så mycket, det fungerar! ✓
`, "Tack så mycket, det fungerar! ✓", 0},
		{"quoted-printable utf-8 with soft breaks", `Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

Hej! Ordern =C3=A4r 1234 och den kom aldrig fram, kan ni kolla vad som h=
=C3=A4nt?

Den m=C3=A5n 2 feb. 2026 kl 10:00 skrev Support <support@example.com>:
> Vilken order?
`, "Hej! Ordern är 1234 och den kom aldrig fram, kan ni kolla vad som hänt?", 0},
		{"latin1 quoted-printable", `Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

R=E4kningen =E4r fel, jag betalade 100 =A3.
`, "Räkningen är fel, jag betalade 100 £.", 0},
		{"latin1 8bit", "Content-Type: text/plain; charset=latin1\n\nH\xe4lsningar fr\xe5n G\xf6teborg\n",
			"Hälsningar från Göteborg", 0},
		{"windows-1252", "Content-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: quoted-printable\n\n=93It=92s broken=94 =96 still.\n",
			"“It’s broken” – still.", 0},
		{"undeclared latin1 bytes", "Content-Type: text/plain\n\nR\xe4kning\n", "Räkning", 0},
		{"base64 utf-8", "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nVGFjayBmw7ZyIGhq\nw6RscGVuIQ==\n",
			"Tack för hjälpen!", 0},
		{"format flowed", `Content-Type: text/plain; charset=utf-8; format=flowed; delsp=no

This is one long line that the client has wrapped for transport but it is 
one paragraph.

> On Mon wrote quoted and 
> wrapped
`, "This is one long line that the client has wrapped for transport but it is one paragraph.", 0},
		{"multipart alternative prefers plain", `MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Plain words.

On Mon, 2 Feb 2026 at 10:00, Support <support@example.com> wrote:
> quoted
--b1
Content-Type: text/html; charset=utf-8

<div>HTML words.</div>
--b1--
`, "Plain words.", 0},
		{"gmail html only", `MIME-Version: 1.0
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

<div dir=3D"ltr">Yes, order <b>1234</b>.<br>Thanks &amp; regards</div><br><div c=
lass=3D"gmail_quote"><div dir=3D"ltr" class=3D"gmail_attr">On Mon, 2 Feb 2026 a=
t 10:00, Support &lt;<a href=3D"mailto:support@example.com">support@example.com</a>=
&gt; wrote:<br></div><blockquote class=3D"gmail_quote" style=3D"margin:0px">Whic=
h order is it?<blockquote>older</blockquote>still quoted</blockquote></div>
`, "Yes, order 1234.\nThanks & regards", 0},
		{"outlook html", `Content-Type: text/html; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

<html><head><style>p{margin:0}</style></head><body>
<div>Order 1234, tack.</div>
<hr>
<div id=3D"divRplyFwdMsg"><b>Fr=E5n:</b> Support &lt;support@example.com&gt;<br>
<b>Skickat:</b> den 2 februari 2026 10:00<br><b>Till:</b> Bes=F6kare<br></div>
<div>Vilken order?</div></body></html>
`, "Order 1234, tack.", 0},
		{"mixed with an attachment and nested alternative", `MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

See the screenshot =E2=80=93 order 1234.
--inner
Content-Type: text/html; charset=utf-8

<p>See the screenshot</p>
--inner--

--outer
Content-Type: image/png; name="shot.png"
Content-Disposition: attachment; filename="shot.png"
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--outer
Content-Type: text/plain; name="log.txt"
Content-Disposition: attachment; filename="log.txt"

not the reply
--outer--
`, "See the screenshot – order 1234.", 2},
		{"inline image counts as ignored", `Content-Type: multipart/related; boundary="r"

--r
Content-Type: text/html; charset=utf-8

<p>Here:</p><img src="cid:x">
--r
Content-Type: image/png
Content-ID: <x>

png
--r--
`, "Here:", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			msg, err := mail.ReadMessage(strings.NewReader(crlf(tt.mail)))
			if err != nil {
				t.Fatal(err)
			}
			c, err := readContent(msg.Header, msg.Body)
			if err != nil {
				t.Fatalf("readContent: %v", err)
			}
			text, err := c.text()
			if err != nil {
				t.Fatalf("text: %v", err)
			}
			if got := stripQuoted(text); got != tt.want {
				t.Errorf("text:\n got %q\nwant %q\n(full %q)", got, tt.want, text)
			}
			if c.attachments != tt.attachments {
				t.Errorf("attachments = %d, want %d", c.attachments, tt.attachments)
			}
		})
	}
}

func TestReadContentRefuses(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"unknown charset":    "Content-Type: text/plain; charset=x-no-such-charset\n\n\xf0\xd2\xc9\xd7\xc5\xd4\n",
		"no text at all":     "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: image/png\n\npng\n--b--\n",
		"multipart no bound": "Content-Type: multipart/mixed\n\nx\n",
		"broken multipart":   "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nnever closed",
	}
	for name, raw := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			msg, err := mail.ReadMessage(strings.NewReader(crlf(raw)))
			if err != nil {
				t.Fatal(err)
			}
			c, err := readContent(msg.Header, msg.Body)
			if err == nil {
				_, err = c.text()
			}
			if err == nil {
				t.Errorf("read %q without an error", raw)
			}
		})
	}
}

// Any charset golang.org/x/text names is read, not only the Latin-1
// family: KOI8-R (which was refused before), Shift_JIS, and the spellings
// mail clients use for Latin-9 and Windows-1252.
func TestDecodeCharsetByName(t *testing.T) {
	t.Parallel()
	tests := []struct{ charset, in, want string }{
		{"koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", "Привет"},
		{"Shift_JIS", "\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd", "こんにちは"},
		{"latin9", "\xa4 5", "€ 5"},
		{"iso-8859-15", "\xa4 5", "€ 5"},
		{"cp1252", "\x80 5 \x93ok\x94", "€ 5 “ok”"},
		{"windows-1252", "\xe5\xe4\xf6", "åäö"},
		{"iso-8859-1", "\xe5\xe4\xf6", "åäö"},
		{"utf-8", "\xe5\xe4\xf6", "åäö"}, // not UTF-8 after all: read as Latin-1
	}
	for _, tt := range tests {
		got, err := decodeCharset(tt.charset, []byte(tt.in))
		if err != nil || got != tt.want {
			t.Errorf("decodeCharset(%q, %q) = %q, %v; want %q", tt.charset, tt.in, got, err, tt.want)
		}
	}
}

func TestFromAddress(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"visitor@example.com", "visitor@example.com", true},
		{`"Visitor, Anna" <Anna@Example.com>`, "Anna@Example.com", true},
		{"=?utf-8?q?Bes=C3=B6kare?= <v@example.se>", "v@example.se", true},
		{"=?windows-1252?q?Bes=F6kare?= <v@example.se>", "v@example.se", true},
		{"a@example.com, b@example.com", "", false},
		{"", "", false},
		{"Visitor", "", false},
	}
	for _, tt := range tests {
		got, ok := fromAddress(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("fromAddress(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
