package widget

import (
	"github.com/andon-chat/andon/internal/apierr"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeFrame: the decoder never panics, and whatever it accepts is a
// known type with the fields that type needs, within the limits.
//
//	go test -run '^$' -fuzz FuzzDecodeFrame -fuzztime 60s -fuzzminimizetime 2s ./widget/
//
// (Without a short -fuzzminimizetime the progress line shows 0 execs/sec
// for up to a minute each time an input is being minimised.)
func FuzzDecodeFrame(f *testing.F) {
	for _, s := range []string{
		`{"type":"hello"}`,
		`{"type":"hello","token":"abc.def","last_seq":3,"locale":"sv-SE","page":"https://x/","attributes":{"plan":"pro"}}`,
		`{"type":"message","client_id":"c1","text":"hej"}`,
		`{"type":"typing","on":true}`,
		`{"type":"feedback","seq":2,"helpful":false}`,
		`{"type":"human"}`,
		`{"type":"contact","email":"a@b.se"}`,
		`{"type":"message","client_id":"c1","text":"\ud800"}`,
		`{"type":"message","text":null}`,
		"{\"type\":\"message\",\"client_id\":\"c\",\"text\":\"\xff\"}",
		`[]`, `null`, `{"type":1}`, `{"attributes":{"a":1},"type":"hello"}`,
	} {
		f.Add([]byte(s))
	}
	const maxText = 64
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, perr := decodeFrame(data, maxText)
		if perr != nil {
			if perr.Code == "" || perr.Message == "" {
				t.Fatalf("error without code or message: %+v", perr)
			}
			if perr.Code != apierr.CodeBadRequest && perr.Code != apierr.CodeTooLarge {
				t.Fatalf("unexpected code %s", perr.Code)
			}
			return
		}
		if !utf8.Valid(data) {
			t.Fatal("accepted invalid UTF-8")
		}
		switch fr.Type {
		case "hello":
			if len(fr.Token) > maxTokenBytes || (fr.LastSeq != nil && *fr.LastSeq < 0) || len(fr.Attributes) > maxAttributes {
				t.Fatalf("hello out of bounds: %+v", fr)
			}
		case "message":
			if fr.ClientID == "" || fr.Text == nil || len(*fr.Text) > maxText || strings.TrimSpace(*fr.Text) == "" {
				t.Fatalf("message accepted without its fields: %+v", fr)
			}
		case "typing":
			if fr.On == nil {
				t.Fatal("typing without on")
			}
		case "feedback":
			if fr.Seq == nil || *fr.Seq < 1 || fr.Helpful == nil {
				t.Fatal("feedback without seq or helpful")
			}
		case "contact":
			if fr.Email == nil {
				t.Fatal("contact without email")
			}
		case "human":
		default:
			t.Fatalf("accepted type %q", fr.Type)
		}
	})
}
