package knowledge

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want []string
	}{
		{"Hello, World!", []string{"hello", "world"}},
		{"I don't know what's up", []string{"i", "dont", "know", "whats", "up"}},
		{"Café crème", []string{"cafe", "creme"}},
		{"Lösenordet är GLÖMT", []string{"lösenordet", "är", "glömt"}},
		{"e-mail 2fa 123", []string{"e", "mail", "2fa", "123"}},
		{"  ?! ", nil},
	}
	for _, c := range cases {
		if got := words(c.in); !slices.Equal(got, c.want) {
			t.Errorf("words(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestDetectLang(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"how do I reset my password":        "en",
		"hur återställer jag mitt lösenord": "sv",
		"kan jag byta lösenord":             "sv",
		"när har ni öppet":                  "sv",
		"what are your opening hours":       "en",
		"password":                          "en",
	}
	for in, want := range cases {
		if got := detectLang(words(in)); got != want {
			t.Errorf("detectLang(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestStemsMatchInflections(t *testing.T) {
	t.Parallel()
	a := newAnalyzer()
	pairs := []struct{ x, y, lang string }{
		{"lösenordet", "lösenord", "sv"},
		{"lösenorden", "lösenord", "sv"},
		{"fakturorna", "fakturor", "sv"},
		{"fakturan", "faktura", "sv"},
		{"kortet", "kort", "sv"},
		{"lösenordets", "lösenord", "sv"},
		{"kursen", "kurs", "sv"},
		{"leveransen", "leverans", "sv"},
		{"säkerheten", "säkerhet", "sv"},
		{"passwords", "password", "en"},
		{"resetting", "reset", "en"},
		{"invoices", "invoice", "en"},
	}
	for _, p := range pairs {
		if sx, sy := a.stem(p.x, p.lang), a.stem(p.y, p.lang); sx != sy {
			t.Errorf("stem(%s)=%s, stem(%s)=%s: want equal", p.x, sx, p.y, sy)
		}
	}
}

func TestHashEmbedder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := NewHashEmbedder(HashOptions{})
	corpus := []string{"reset your password", "opening hours", "download an invoice", "remove a team member",
		"återställ ditt lösenord", "öppettider", "the password is wrong", "change the billing address"}
	e = e.Fit(corpus).(*HashEmbedder)
	vs, err := e.Embed(ctx, []string{"forgot my password", "forgot my pasword", "opening hours on holidays", "glömt lösenordet", "glömt lösenord", "", "forgot my password"})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vs[:5] {
		if len(v) != 512 {
			t.Fatalf("vector %d has length %d", i, len(v))
		}
		if n := dot32(v, v); n < 0.999 || n > 1.001 {
			t.Errorf("vector %d has squared norm %f", i, n)
		}
	}
	if !isZero(vs[5]) {
		t.Error("empty text did not give a zero vector")
	}
	if !slices.Equal(vs[0], vs[6]) {
		t.Error("same text, different vectors")
	}
	misspelt, unrelated := dot32(vs[0], vs[1]), dot32(vs[0], vs[2])
	if misspelt < 0.6 || misspelt < 2*unrelated {
		t.Errorf("cos(forgot password, forgot pasword) = %.2f, with unrelated %.2f", misspelt, unrelated)
	}
	if c := dot32(vs[3], vs[4]); c < 0.7 {
		t.Errorf("cos(glömt lösenordet, glömt lösenord) = %.2f", c)
	}
}

func TestHashEmbedderIDAndState(t *testing.T) {
	t.Parallel()
	a, b := NewHashEmbedder(HashOptions{}), NewHashEmbedder(HashOptions{Dim: 256})
	if a.ID() == b.ID() {
		t.Error("different dimensions, same ID")
	}
	unfitted := a.ID()
	fitted := a.Fit([]string{"one text", "another text"})
	if a.ID() != unfitted {
		t.Error("Fit changed the receiver")
	}
	if fitted.ID() == unfitted {
		t.Error("Fit did not change the ID")
	}
	a = fitted.(*HashEmbedder)
	state, err := a.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewHashEmbedder(HashOptions{}).WithState(state)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID() != a.ID() {
		t.Errorf("restored ID %s, want %s", c.ID(), a.ID())
	}
	va, _ := a.Embed(context.Background(), []string{"another one"})
	vc, _ := c.Embed(context.Background(), []string{"another one"})
	if !slices.Equal(va[0], vc[0]) {
		t.Error("restored embedder embeds differently")
	}
	if _, err := c.WithState([]byte("junk")); err == nil {
		t.Error("junk state accepted")
	}
}

func TestSplitChunks(t *testing.T) {
	t.Parallel()
	body := "Intro text.\n\n# First\n\nAlpha.\n\n```\n# not a heading\n```\n\n## Second ##\n\nBeta.\n\n### Empty\n\n#nospace is text"
	got := splitChunks(body, 1200)
	want := []chunk{
		{Heading: "", Text: "Intro text."},
		{Heading: "First", Text: "Alpha.\n\n```\n# not a heading\n```"},
		{Heading: "Second", Text: "Beta."},
		{Heading: "Empty", Text: "#nospace is text"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("splitChunks =\n%q\nwant\n%q", got, want)
	}
	long := ""
	for range 40 {
		long += "This sentence is about forty characters. "
	}
	parts := splitChunks("# Long\n\n"+long, 300)
	if len(parts) < 5 {
		t.Fatalf("long section gave %d chunks", len(parts))
	}
	for _, p := range parts {
		if len(p.Text) > 300 || p.Heading != "Long" {
			t.Errorf("chunk of %d chars under %q", len(p.Text), p.Heading)
		}
	}
	// A code block with blank lines stays in one chunk, whole.
	code := "```sh\n" + strings.Repeat("echo one\n\necho two\n", 12) + "```"
	parts = splitChunks("# Code\n\n"+long[:250]+"\n\n"+code+"\n\nAfter the code.", 300)
	found := false
	for _, p := range parts {
		if strings.Count(p.Text, "```")%2 != 0 {
			t.Errorf("chunk leaves a code fence open: %q", p.Text)
		}
		found = found || strings.Contains(p.Text, code)
	}
	if !found {
		t.Errorf("no chunk holds the whole code block: %q", parts)
	}
}

func dot32(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
