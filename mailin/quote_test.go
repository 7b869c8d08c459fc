package mailin

import "testing"

func TestStripQuoted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Thanks, that worked!\n", "Thanks, that worked!"},
		{"gmail english", `Yes, order 1234.

On Mon, 2 Feb 2026 at 10:00, Support <reply+abc.0123456789abcdef@reply.example.com> wrote:

> Anna replied to your question:
>
> Which order is it?
`, "Yes, order 1234."},
		{"gmail english wrapped attribution", `Yes, order 1234.

On Mon, Feb 2, 2026 at 10:00 AM Support Team of Example Incorporated <
reply+abc.0123456789abcdef@reply.example.com> wrote:

> Which order is it?
`, "Yes, order 1234."},
		{"gmail swedish", `Ja, order 1234.

Den mån 2 feb. 2026 kl 10:00 skrev Support <reply+abc.0123456789abcdef@reply.example.com>:

> Anna har svarat på din fråga:
`, "Ja, order 1234."},
		{"gmail swedish wrapped", `Ja tack.

Den tis 3 feb. 2026 kl 09:15 skrev Support Team of Example Incorporated <
reply+abc.0123456789abcdef@reply.example.com>:
> Vilken order?
`, "Ja tack."},
		{"apple mail english", `Sure, it is 1234.

Sent from my iPhone

> On 2 Feb 2026, at 10:00, Support <reply+abc.0123456789abcdef@reply.example.com> wrote:
>
> Which order is it?
`, "Sure, it is 1234."},
		{"apple mail swedish", `Det är 1234.

Skickat från min iPhone

> 2 feb. 2026 kl. 10:00 skrev Support <reply+abc.0123456789abcdef@reply.example.com>:
>
> Vilken order?
`, "Det är 1234."},
		{"apple mail html-converted without quote marks", `Det är 1234.

2 feb. 2026 kl. 10:00 skrev Support <support@example.com>:

Vilken order?
`, "Det är 1234."},
		{"outlook english", `Order 1234, thanks.

________________________________
From: Support <reply+abc.0123456789abcdef@reply.example.com>
Sent: Monday, February 2, 2026 10:00 AM
To: Visitor <visitor@example.com>
Subject: Anna replied to your question

Which order is it?
`, "Order 1234, thanks."},
		{"outlook swedish", `Order 1234, tack.

Från: Support <reply+abc.0123456789abcdef@reply.example.com>
Skickat: den 2 februari 2026 10:00
Till: Besökare <visitor@example.com>
Ämne: Anna har svarat på din fråga

Vilken order?
`, "Order 1234, tack."},
		{"outlook original message", "Fine.\n\n-----Original Message-----\nFrom: Support\nWhich order?\n", "Fine."},
		{"outlook ursprungligt meddelande", "Bra.\r\n\r\n-----Ursprungligt meddelande-----\r\nFrån: Support\r\n", "Bra."},
		{"bottom posted", `On Mon, 2 Feb 2026 at 10:00, Support <support@example.com> wrote:
> Which order is it?

It is 1234.
`, "It is 1234."},
		{"inline", `> Which order is it?
1234
> And when did you buy it?
Last week.
`, "1234\nLast week."},
		{"signature", "Order 1234.\n\n-- \nVisitor Name\nExample Ltd\n", "Order 1234."},
		{"signature without the trailing space", "Order 1234.\n--\nVisitor\n", "Order 1234."},
		{"our own footer quoted", "ok\n\n> Anna replied:\n> hi\n> -- \n> You receive this because\n", "ok"},
		{"a sentence that ends in wrote", "Here is what my colleague wrote:\nthe invoice is wrong.\n", "Here is what my colleague wrote:\nthe invoice is wrong."},
		{"sent from my iphone kept in the middle", "Sent from my iPhone is what it says\nat the bottom of my mails.\n", "Sent from my iPhone is what it says\nat the bottom of my mails."},
		{"only the quote", "\n\nOn Mon, 2 Feb 2026 at 10:00, Support <support@example.com> wrote:\n> Which order?\n", ""},
		{"only a footer", "Sent from my iPhone\n", ""},
		{"blank lines collapse", "one\n\n\n\n\ntwo\n", "one\n\ntwo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := stripQuoted(tt.in); got != tt.want {
				t.Errorf("stripQuoted:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}
