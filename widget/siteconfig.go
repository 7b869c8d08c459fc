package widget

import (
	"encoding/json"
	"github.com/andon-chat/andon/internal/apierr"
	"net/http"
)

// publicConfig is what /widget/config.json tells the widget about its site:
// looks and words only, never the allowed origins or anything secret.
type publicConfig struct {
	Site            string            `json:"site"`
	Title           string            `json:"title,omitempty"`
	Color           string            `json:"color,omitempty"`
	Position        string            `json:"position,omitempty"`
	Greeting        map[string]string `json:"greeting,omitempty"`
	Locale          string            `json:"locale,omitempty"`
	MaxMessageBytes int               `json:"max_message_bytes"`
	// EmailFollowUp: an offline reply can be mailed, so the widget may
	// ask for an e-mail address.
	EmailFollowUp bool `json:"email_follow_up"`
}

// serveConfig answers GET /widget/config.json?site=SITE. Any page may read
// it (the widget fetches it cross-origin, without credentials).
func (h *Handler) serveConfig(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	s := h.site(r)
	if s == nil {
		writeError(w, http.StatusNotFound, apierr.CodeUnknownSite, "no site "+siteName(r))
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=60")
	_ = json.NewEncoder(w).Encode(s.config)
}
