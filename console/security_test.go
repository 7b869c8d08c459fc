package console

import (
	"github.com/andon-chat/andon/internal/apierr"
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/andon-chat/andon/auth"
)

// request splits a route pattern into method and a concrete path.
func request(pattern, id string) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	return method, strings.ReplaceAll(path, "{id}", id)
}

// bodyFor is a valid body for a route, so that a refusal is about the
// session, the role or CSRF and not about the input.
func bodyFor(path string, other string) any {
	switch {
	case strings.HasSuffix(path, "/messages"), strings.HasSuffix(path, "/notes"):
		return map[string]string{"text": "hello"}
	case strings.HasSuffix(path, "/transfer"):
		return map[string]string{"to_agent_id": other, "note": "over to you"}
	case strings.HasSuffix(path, "/resolve"):
		return map[string]string{"category": "billing"}
	case strings.HasSuffix(path, "/presence"):
		return map[string]string{"status": "online"}
	}
	return map[string]string{}
}

// TestEveryRouteNeedsSession walks the console's route list, so that a
// route added later is checked without anyone remembering to.
func TestEveryRouteNeedsSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	anon := &client{e: e, hc: &http.Client{}}
	routes := e.con.routes()
	if len(routes) < 15 {
		t.Fatalf("only %d routes listed", len(routes))
	}
	for _, rt := range routes {
		method, path := request(rt.pattern, "c1")
		t.Run(rt.pattern, func(t *testing.T) {
			st, raw := anon.do(t, method, path, bodyFor(path, "u1"))
			checkError(t, rt.pattern, st, raw, http.StatusUnauthorized, apierr.CodeUnauthorized)
		})
	}
	t.Run("GET /ws/agent", func(t *testing.T) {
		_, res, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.srv.URL, "http")+"/ws/agent", nil)
		if err == nil || res == nil || res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("ws without session: err %v, response %v", err, res)
		}
	})
	// Also a route in the mux that is not in the list is refused: an
	// unknown /api path is not served by anything open.
	st, _ := anon.do(t, "GET", "/api/queue/extra", nil)
	if st != http.StatusNotFound && st != http.StatusUnauthorized {
		t.Fatalf("unknown api path: %d", st)
	}
}

// TestRolesAreEnforced: agents cannot reach admin or editor routes,
// editors reach only editor routes, admins reach everything.
func TestRolesAreEnforced(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	agent := e.login(t, auth.RoleAgent)
	editor := e.login(t, auth.RoleEditor)
	admin := e.login(t, auth.RoleAdmin)
	for _, rt := range e.con.routes() {
		method, path := request(rt.pattern, "c1")
		body := bodyFor(path, agent.user.ID)
		t.Run(rt.pattern, func(t *testing.T) {
			if rt.role == auth.RoleEditor {
				// The editors' routes: agents are refused, editors reach them.
				st, raw := agent.do(t, method, path, body)
				checkError(t, "agent "+rt.pattern, st, raw, http.StatusForbidden, apierr.CodeForbidden)
				if st, _ := editor.do(t, method, path, body); st == http.StatusForbidden || st == http.StatusUnauthorized {
					t.Fatalf("editor refused %s: %d", rt.pattern, st)
				}
			} else {
				st, raw := editor.do(t, method, path, body)
				checkError(t, "editor "+rt.pattern, st, raw, http.StatusForbidden, apierr.CodeForbidden)
			}
			if rt.role == auth.RoleAdmin {
				st, raw := agent.do(t, method, path, body)
				checkError(t, "agent "+rt.pattern, st, raw, http.StatusForbidden, apierr.CodeForbidden)
			}
			st, _ := admin.do(t, method, path, body)
			if st == http.StatusForbidden || st == http.StatusUnauthorized {
				t.Fatalf("admin refused %s: %d", rt.pattern, st)
			}
		})
	}
	u := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/ws/agent"
	h := http.Header{}
	for _, ck := range editor.hc.Jar.Cookies(mustURL(e.srv.URL)) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	_, res, err := websocket.DefaultDialer.Dial(u, h)
	if err == nil || res == nil || res.StatusCode != http.StatusForbidden {
		t.Fatalf("editor on the agent ws: err %v, response %v", err, res)
	}
}

// TestCSRF: every state-changing route refuses a request without the
// token, with a wrong one, and from another site's page.
func TestCSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	admin := e.login(t, auth.RoleAdmin)
	n := 0
	for _, rt := range e.con.routes() {
		method, path := request(rt.pattern, "c1")
		if method == http.MethodGet {
			continue
		}
		n++
		body := bodyFor(path, admin.user.ID)
		t.Run(rt.pattern, func(t *testing.T) {
			st, raw := admin.send(t, method, path, body, false)
			checkError(t, "no token", st, raw, http.StatusForbidden, apierr.CodeCSRF)

			forged := &client{e: e, hc: admin.hc, csrf: "forged" + admin.csrf[6:]}
			st, raw = forged.do(t, method, path, body)
			checkError(t, "wrong token", st, raw, http.StatusForbidden, apierr.CodeCSRF)
		})
	}
	if n < 7 {
		t.Fatalf("only %d state-changing routes checked", n)
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/presence", strings.NewReader(`{"status":"online"}`))
	req.Header.Set(auth.CSRFHeader, admin.csrf)
	req.Header.Set("Origin", "https://evil.example")
	res, err := admin.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d", res.StatusCode)
	}

	// The WebSocket is refused to another site's page even with the cookie,
	// and an origin is scheme, host and port: another port of the same host,
	// or https for this http console, is another site.
	u := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/ws/agent"
	srv := mustURL(e.srv.URL)
	otherPort := "http://" + srv.Hostname() + ":1"
	if srv.Port() == "1" {
		otherPort = "http://" + srv.Hostname() + ":2"
	}
	for _, origin := range []string{"https://evil.example", otherPort, "https://" + srv.Host} {
		h := http.Header{"Origin": {origin}}
		for _, ck := range admin.hc.Jar.Cookies(srv) {
			h.Add("Cookie", ck.Name+"="+ck.Value)
		}
		_, wres, err := websocket.DefaultDialer.Dial(u, h)
		if err == nil || wres == nil || wres.StatusCode != http.StatusForbidden {
			t.Fatalf("ws from %s: err %v, response %v", origin, err, wres)
		}
	}
}

// TestConsolePage: the UI is served without a session (it shows the login
// form), with a CSP that forbids inline script.
func TestConsolePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	for _, p := range []string{"/console/", "/console/console.js", "/console/console.css", "/console/desk.js", "/console/strings.js", "/console/markdown.js"} {
		res, err := http.Get(e.srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'self'") || res.Header.Get("ETag") == "" {
			t.Fatalf("%s: %d %v", p, res.StatusCode, res.Header)
		}
	}
	res, err := http.Get(e.srv.URL + "/console/missing.js")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("missing asset: %d", res.StatusCode)
	}
}
