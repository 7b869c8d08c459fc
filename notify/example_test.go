package notify_test

import (
	"fmt"
	"io"
	"net/http"

	"github.com/andon-chat/andon/notify"
)

// A receiver verifies the signature over the raw body before it trusts the
// event, and drops a delivery ID it has already handled.
func ExampleVerify() {
	seen := map[string]bool{} // a real receiver keeps this in its database
	handler := func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil || !notify.Verify("the webhook's secret", body, r.Header.Get(notify.HeaderSignature)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		if id := r.Header.Get(notify.HeaderDelivery); !seen[id] {
			seen[id] = true
			// ... act on the event ...
		}
		w.WriteHeader(http.StatusNoContent)
	}
	_ = handler

	body := []byte(`{"id":"dlv_x","type":"handoff.created"}`)
	sig := notify.Sign("the webhook's secret", body)
	fmt.Println(notify.Verify("the webhook's secret", body, sig), notify.Verify("another secret", body, sig))
	// Output: true false
}
