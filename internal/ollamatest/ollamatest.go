// Package ollamatest is a fake Ollama server for tests. It speaks Ollama's
// HTTP protocol (/api/chat, /api/embed, /api/tags, /api/version, HEAD /),
// streams NDJSON and answers errors with Ollama's bodies and status codes,
// encoding everything with github.com/ollama/ollama/api's own types, so a
// client tested against it is tested against the real wire format.
package ollamatest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/ollama/ollama/api"
)

// Version is what /api/version reports.
const Version = "0.17.4"

// BusyMessage is Ollama's body text when its queue is full (503).
const BusyMessage = "server busy, please try again.  maximum pending requests exceeded"

// Server is a fake Ollama server. Its controls may be changed while it runs.
type Server struct {
	*httptest.Server

	mu        sync.Mutex
	embed     map[string]int      // embedding model -> vector length
	chat      map[string][]string // chat model -> the tokens it answers
	busy      bool
	fail      map[string]int // path -> status code of every answer
	gate      chan struct{}  // when set, each chat token waits for a receive
	interval  time.Duration  // when set, the time between chat tokens
	dieAfter  int            // > 0: the connection drops after this many tokens
	hold      chan struct{}  // when set, /api/ calls after the first holdFrom wait until it is closed
	holdFrom  int
	calls     int           // /api/ calls so far
	held      chan struct{} // gets a value each time a call starts waiting
	embedReqs []api.EmbedRequest
	chatReqs  []api.ChatRequest
}

// New starts a fake server with no models; Close it when done.
func New() *Server {
	s := &Server{embed: map[string]int{}, chat: map[string][]string{}, fail: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("HEAD /{$}", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "Ollama is running")
	})
	mux.HandleFunc("GET /api/version", s.version)
	mux.HandleFunc("GET /api/tags", s.tags)
	mux.HandleFunc("POST /api/embed", s.embedHandler)
	mux.HandleFunc("POST /api/chat", s.chatHandler)
	s.Server = httptest.NewServer(s.guard(mux))
	return s
}

// AddEmbedModel makes an embedding model of dim dimensions available.
func (s *Server) AddEmbedModel(name string, dim int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.embed[name] = dim
}

// AddChatModel makes a chat model available that answers with tokens.
func (s *Server) AddChatModel(name string, tokens ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chat[name] = tokens
}

// RemoveModel makes a model missing (404), as before `ollama pull`.
func (s *Server) RemoveModel(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.embed, name)
	delete(s.chat, name)
}

// SetBusy makes every /api/ call answer 503, as a full Ollama queue does.
func (s *Server) SetBusy(busy bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy = busy
}

// Fail makes every call to path answer status with an Ollama error body;
// status 0 stops it.
func (s *Server) Fail(path string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if status == 0 {
		delete(s.fail, path)
		return
	}
	s.fail[path] = status
}

// SetTokenGate makes each streamed chat token wait until the test sends on
// gate (nil: tokens go at once, or at the interval).
func (s *Server) SetTokenGate(gate chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gate = gate
}

// SetTokenInterval sets the time between streamed chat tokens, for
// benchmarks at a fixed token rate.
func (s *Server) SetTokenInterval(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.interval = d
}

// Hold makes every /api/ call wait until hold is closed (nil: no wait), as
// an overloaded or hung Ollama does.
func (s *Server) Hold(hold chan struct{}) { s.HoldAfter(0, hold) }

// HoldAfter is Hold for the calls after the next n. It returns a channel
// that gets a value (when nobody has taken the last) as a call starts
// waiting, so a test knows one is held.
func (s *Server) HoldAfter(n int, hold chan struct{}) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold, s.holdFrom, s.held = hold, s.calls+n, make(chan struct{}, 1)
	return s.held
}

// DieAfter makes the next chat streams drop their connection after n tokens
// (0: never), as an Ollama that crashes mid-answer does.
func (s *Server) DieAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dieAfter = n
}

// EmbedRequests returns the /api/embed requests received so far.
func (s *Server) EmbedRequests() []api.EmbedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]api.EmbedRequest(nil), s.embedReqs...)
}

// ChatRequests returns the /api/chat requests received so far.
func (s *Server) ChatRequests() []api.ChatRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]api.ChatRequest(nil), s.chatReqs...)
}

// guard answers the busy and failing states before any handler.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		isAPI := strings.HasPrefix(r.URL.Path, "/api/")
		if isAPI {
			s.calls++
		}
		busy, status, hold, held := s.busy, s.fail[r.URL.Path], s.hold, s.held
		if s.calls <= s.holdFrom {
			hold = nil
		}
		s.mu.Unlock()
		if hold != nil && isAPI {
			select {
			case held <- struct{}{}:
			default:
			}
			select {
			case <-hold:
			case <-r.Context().Done():
				return
			}
		}
		switch {
		case status != 0:
			writeError(w, status, http.StatusText(status))
		case busy && r.URL.Path != "/":
			writeError(w, http.StatusServiceUnavailable, BusyMessage)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

func (s *Server) version(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, struct {
		Version string `json:"version"`
	}{Version})
}

func (s *Server) tags(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var lr api.ListResponse
	for name := range s.embed {
		lr.Models = append(lr.Models, api.ListModelResponse{Name: name + ":latest", Model: name + ":latest"})
	}
	for name := range s.chat {
		lr.Models = append(lr.Models, api.ListModelResponse{Name: name + ":latest", Model: name + ":latest"})
	}
	writeJSON(w, http.StatusOK, lr)
}

func (s *Server) embedHandler(w http.ResponseWriter, r *http.Request) {
	var req api.EmbedRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	s.embedReqs = append(s.embedReqs, req)
	dim, ok := s.embed[req.Model]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, notFound(req.Model))
		return
	}
	var texts []string
	switch in := req.Input.(type) {
	case string:
		texts = []string{in}
	case []any:
		for _, v := range in {
			t, ok := v.(string)
			if !ok {
				writeError(w, http.StatusBadRequest, "invalid input type")
				return
			}
			texts = append(texts, t)
		}
	default:
		writeError(w, http.StatusBadRequest, "invalid input type")
		return
	}
	resp := api.EmbedResponse{Model: req.Model, PromptEvalCount: len(texts)}
	for _, t := range texts {
		resp.Embeddings = append(resp.Embeddings, Vector(t, dim))
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) chatHandler(w http.ResponseWriter, r *http.Request) {
	var req api.ChatRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	s.chatReqs = append(s.chatReqs, req)
	tokens, ok := s.chat[req.Model]
	gate, interval, dieAfter := s.gate, s.interval, s.dieAfter
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, notFound(req.Model))
		return
	}
	if req.Stream != nil && !*req.Stream {
		var text string
		for _, t := range tokens {
			text += t
		}
		writeJSON(w, http.StatusOK, chunk(req.Model, text, true))
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	enc := json.NewEncoder(w)
	for i, t := range tokens {
		if dieAfter > 0 && i == dieAfter {
			panic(http.ErrAbortHandler) // drops the connection mid-stream
		}
		if gate != nil {
			select {
			case <-gate:
			case <-r.Context().Done():
				return
			}
		} else if interval > 0 && i > 0 {
			select {
			case <-time.After(interval):
			case <-r.Context().Done():
				return
			}
		}
		if enc.Encode(chunk(req.Model, t, false)) != nil {
			return
		}
		if flusher != nil {
			flusher.Flush()
		}
	}
	enc.Encode(chunk(req.Model, "", true))
}

func chunk(model, content string, done bool) api.ChatResponse {
	c := api.ChatResponse{
		Model:     model,
		CreatedAt: time.Now().UTC(),
		Message:   api.Message{Role: "assistant", Content: content},
		Done:      done,
	}
	if done {
		c.DoneReason = "stop"
	}
	return c
}

// Vector is the fake model's embedding of text: the same text gives the
// same vector, different texts (almost always) different ones.
func Vector(text string, dim int) []float32 {
	v := make([]float32, dim)
	h := fnv.New64a()
	for i := range v {
		h.Write([]byte(text))
		v[i] = float32(h.Sum64()%2001)/1000 - 1
	}
	return v
}

// notFound is Ollama's message for a model that was never pulled.
func notFound(model string) string {
	return fmt.Sprintf("model %q not found, try pulling it first", model)
}

// writeError writes Ollama's error body, {"error": msg}; api.StatusError
// is what the client makes of it.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, struct {
		Error string `json:"error"`
	}{msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
