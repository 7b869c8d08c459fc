package widget

import (
	"context"
	"github.com/andon-chat/andon/internal/apierr"
	"strings"
	"testing"

	"github.com/andon-chat/andon/store"
)

func TestChatURL(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Sites: []Site{
		{Name: "default"},
		{Name: "shop", AllowedOrigins: []string{"https://*.shop.example.com"}},
	}}, echoBot{})
	pub := "https://chat.example.com/support/"
	tests := []struct {
		name      string
		conv      store.Conversation
		publicURL string
		want      string // the link before the fragment; "" for none
	}{
		{"the page on the public origin", store.Conversation{ID: "c1", Site: "default", Page: "https://chat.example.com/help?x=1#top"}, pub,
			"https://chat.example.com/help?x=1"},
		{"a foreign page falls back to the public URL", store.Conversation{ID: "c1", Page: "https://evil.example.org/"}, pub,
			"https://chat.example.com/support/"},
		{"no page", store.Conversation{ID: "c1"}, "https://chat.example.com", "https://chat.example.com/"},
		{"a page that is not http", store.Conversation{ID: "c1", Page: "javascript:alert(1)"}, pub, "https://chat.example.com/support/"},
		{"nothing to link to", store.Conversation{ID: "c1", Page: "https://evil.example.org/"}, "", ""},
		{"a site's page", store.Conversation{ID: "c1", Site: "shop", Page: "https://www.shop.example.com/cart"}, pub,
			"https://www.shop.example.com/cart"},
		{"a site's page elsewhere", store.Conversation{ID: "c1", Site: "shop", Page: "https://shop.example.com.evil.org/"}, pub, ""},
		{"unknown site", store.Conversation{ID: "c1", Site: "gone", Page: "https://www.shop.example.com/"}, pub, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := e.h.ChatURL(tt.conv, tt.publicURL)
			base, token, ok := strings.Cut(got, "#"+ResumeFragment)
			switch {
			case tt.want == "" && got != "":
				t.Errorf("ChatURL = %q, want none", got)
			case tt.want != "" && (!ok || base != tt.want || token == ""):
				t.Errorf("ChatURL = %q, want %q#%sTOKEN", got, tt.want, ResumeFragment)
			}
		})
	}
}

// TestChatURLResumes follows the link of an e-mail: its token opens the
// conversation from the start, on the page's site.
func TestChatURLResumes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Sites: []Site{
		{Name: "default"},
		{Name: "shop", AllowedOrigins: []string{"https://www.shop.example.com"}},
	}}, echoBot{})
	c, _, err := e.dial("?site=shop", "https://www.shop.example.com")
	if err != nil {
		t.Fatal(err)
	}
	c.send(map[string]any{"type": "hello", "page": "https://www.shop.example.com/cart"})
	w := c.expect("welcome")
	c.message("m1", "where is my parcel")
	c.expect("message")
	c.expect("message")
	c.ws.Close()

	conv, err := e.st.Conversation(context.Background(), w.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	link := e.h.ChatURL(conv, e.srv.URL)
	page, token, ok := strings.Cut(link, "#"+ResumeFragment)
	if !ok || page != "https://www.shop.example.com/cart" {
		t.Fatalf("ChatURL = %q", link)
	}
	c2, _, err := e.dial("?site=shop", "https://www.shop.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if w2 := c2.hello(token, 0); w2.ConversationID != w.ConversationID {
		t.Fatalf("the link opened %s, want %s", w2.ConversationID, w.ConversationID)
	}
	if f := c2.expect("message"); f.Seq != 1 || f.Text != "where is my parcel" {
		t.Fatalf("replay: %+v", f)
	}
	// The token is the site's: the default site refuses it.
	c3 := e.mustDial()
	c3.send(map[string]any{"type": "hello", "token": token})
	c3.expectError(apierr.CodeBadToken, "token")
}
