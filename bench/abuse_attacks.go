package bench

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/smtp"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/andon-chat/andon/mailin"
	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/sqlite"
)

// Sizes of the replay attack's conversation: about 9 MiB of text.
const (
	replayMessages = 3000
	replayBytes    = 3000
	replayResumes  = 10
)

func abuseAttacks(opts AbuseOptions) []attack {
	return []attack{
		{name: "idle", what: fmt.Sprintf("idle keep-alive flood (%d)", opts.Conns),
			run: func(ctx context.Context, e *abuseEnv) (string, error) {
				return holdConns(ctx, e.srv.Addr, opts.Conns, "GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n", ""), nil
			}},
		{name: "slowbody", what: fmt.Sprintf("slow request body (%d)", opts.Conns/10),
			run: func(ctx context.Context, e *abuseEnv) (string, error) {
				return holdConns(ctx, e.srv.Addr, opts.Conns/10,
					"POST /api/login HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{", " "), nil
			}},
		{name: "hello", what: "hello flood without token", run: helloFlood},
		{name: "replay", what: fmt.Sprintf("%d non-reading resumes of %d MiB", replayResumes, replayMessages*replayBytes>>20),
			setup: largeConversation, run: nonReadingResumes},
		{name: "burst", what: "frame burst over the rate", run: frameBurst},
		{name: "mail", what: "e-mail flood into one conversation", setup: mailConversation, run: mailFlood},
	}
}

// countRows counts conversations and the messages outside conversation
// skip (the normal visitor's) in the server's database, read-only beside
// it (WAL: readers never block the writer).
func countRows(dataDir, skip string) (convs, msgs int64, err error) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dataDir, "andon.db")+"?_pragma=query_only(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	if err := db.QueryRow("SELECT count(*) FROM conversations").Scan(&convs); err != nil {
		return 0, 0, fmt.Errorf("couldn't count conversations: %w", err)
	}
	if err := db.QueryRow("SELECT count(*) FROM messages WHERE conversation_id != ?", skip).Scan(&msgs); err != nil {
		return 0, 0, fmt.Errorf("couldn't count messages: %w", err)
	}
	return convs, msgs, nil
}

func dialAttacker(addr string) (*websocket.Conn, error) {
	d := dialer
	d.NetDialContext = (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(attackerIP)}, Timeout: 5 * time.Second}).DialContext
	conn, _, err := d.Dial("ws://"+addr+"/ws/visitor", map[string][]string{"Origin": {"http://" + addr}})
	return conn, err
}

// helloFlood opens sockets from one address as fast as it can, says hello
// without a token on each and closes it.
func helloFlood(ctx context.Context, e *abuseEnv) (string, error) {
	var welcomed atomic.Int64
	var refused refusals
	attrs := map[string]string{}
	for i := range 8 {
		attrs[fmt.Sprintf("attr%d", i)] = strings.Repeat("v", 500)
	}
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				conn, err := dialAttacker(e.srv.Addr)
				if err != nil {
					refused.add(err)
					continue
				}
				_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
				err = conn.WriteJSON(map[string]any{"type": "hello", "locale": "en",
					"page": "https://example.com/" + strings.Repeat("a", 2000), "attributes": attrs})
				for err == nil {
					var f frame
					if f, err = readFrame(conn); err == nil && f.Type == "error" {
						err = fmt.Errorf("%s: %s", f.Code, f.Message)
					} else if f.Type == "welcome" {
						break
					}
				}
				if err == nil {
					welcomed.Add(1)
				} else {
					refused.add(err)
				}
				conn.Close()
			}
		}()
	}
	wg.Wait()
	return fmt.Sprintf("%d welcomed, %s", welcomed.Load(), &refused), nil
}

// refusals counts what the server refused and keeps the first reason.
type refusals struct {
	n     atomic.Int64
	first atomic.Value
}

func (r *refusals) add(err error) {
	r.n.Add(1)
	r.first.CompareAndSwap(nil, err.Error())
}

func (r *refusals) String() string {
	s := fmt.Sprintf("%d refused", r.n.Load())
	if why, ok := r.first.Load().(string); ok {
		s += " (first: " + why + ")"
	}
	return s
}

// startConversation makes a conversation as a visitor would (hello, one
// message) and remembers its ID and token.
func startConversation(e *abuseEnv, extra ...map[string]any) error {
	id, token, err := newConversation(e, extra...)
	e.convID, e.token = id, token
	return err
}

// newConversation makes a conversation from the normal visitor's address
// and returns its ID and resume token.
func newConversation(e *abuseEnv, extra ...map[string]any) (id, token string, err error) {
	v, err := dialVisitor(e.srv.Addr, "", 0)
	if err != nil {
		return "", "", err
	}
	defer v.conn.Close()
	v.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := v.send("first", "hello"); err != nil {
		return "", "", err
	}
	for _, f := range extra {
		if err := v.conn.WriteJSON(f); err != nil {
			return "", "", err
		}
	}
	if len(extra) > 0 {
		// Frames are handled in order: once this is acknowledged, so are they.
		if _, err := v.send("after", "thanks"); err != nil {
			return "", "", err
		}
	}
	id, err = conversationOf(e.dataDir)
	return id, v.token, err
}

// conversationOf is the newest conversation in the database.
func conversationOf(dataDir string) (string, error) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dataDir, "andon.db")+"?_pragma=query_only(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		return "", err
	}
	defer db.Close()
	var id string
	if err := db.QueryRow("SELECT conversation_id FROM messages ORDER BY rowid DESC LIMIT 1").Scan(&id); err != nil {
		return "", fmt.Errorf("couldn't find the conversation: %w", err)
	}
	return id, nil
}

// largeConversation grows one conversation to replayMessages messages, as
// months of e-mail answers would: the server is stopped, the messages are
// appended through the store, and the server is started again.
func largeConversation(ctx context.Context, e *abuseEnv) error {
	if err := startConversation(e); err != nil {
		return err
	}
	e.srv.Kill()
	st, err := sqlite.Open(ctx, filepath.Join(e.dataDir, "andon.db"), sqlite.Options{Synchronous: "normal"})
	if err != nil {
		return err
	}
	text := strings.Repeat("A long answer by e-mail. ", replayBytes/25)
	var wg sync.WaitGroup
	errs := make(chan error, replayMessages)
	for i := range replayMessages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := st.AppendMessage(ctx, store.Message{ConversationID: e.convID, ClientID: fmt.Sprintf("grow-%d", i),
				From: store.FromVisitor, Text: text, At: time.Now()})
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		st.Close()
		return err
	}
	if err := st.Close(); err != nil {
		return err
	}
	return e.start(ctx)
}

// nonReadingResumes resumes the large conversation from seq 0 on sockets
// that never read, with a small receive buffer, and holds them.
func nonReadingResumes(ctx context.Context, e *abuseEnv) (string, error) {
	var conns []*websocket.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	d := dialer
	d.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(attackerIP)}}).DialContext(ctx, network, addr)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(4096)
		}
		return c, err
	}
	refused := 0
	for range replayResumes {
		conn, _, err := d.Dial("ws://"+e.srv.Addr+"/ws/visitor", map[string][]string{"Origin": {"http://" + e.srv.Addr}})
		if err != nil {
			refused++
			continue
		}
		conns = append(conns, conn)
		if err := conn.WriteJSON(map[string]any{"type": "hello", "token": e.token, "last_seq": 0}); err != nil {
			refused++
		}
	}
	<-ctx.Done()
	return fmt.Sprintf("%d resumes held, %d refused", len(conns), refused), nil
}

// frameBurst sends 1,000 messages on one socket as fast as it can and
// counts the answers: acknowledged, rate_limited, other errors, and
// whether the socket stayed open.
func frameBurst(ctx context.Context, e *abuseEnv) (string, error) {
	conn, err := dialAttacker(e.srv.Addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if err := conn.WriteJSON(map[string]any{"type": "hello", "locale": "en"}); err != nil {
		return "", err
	}
	var acked, limited, other atomic.Int64
	closed := make(chan error, 1)
	go func() {
		for {
			f, err := readFrame(conn)
			if err != nil {
				closed <- err
				return
			}
			switch {
			case f.Type == "message" && strings.HasPrefix(f.ClientID, "burst-"):
				acked.Add(1)
			case f.Type == "error" && f.Code == "rate_limited":
				limited.Add(1)
			case f.Type == "error":
				other.Add(1)
			}
		}
	}()
	sent := 0
	for i := range 1000 {
		if conn.WriteJSON(map[string]any{"type": "message", "client_id": fmt.Sprintf("burst-%d", i), "text": "spam"}) != nil {
			break
		}
		sent++
	}
	state := "socket still open"
	select {
	case err := <-closed:
		state = "socket closed: " + err.Error()
	case <-ctx.Done():
	}
	return fmt.Sprintf("%d sent: %d acknowledged, %d rate_limited, %d other errors; %s", sent, acked.Load(), limited.Load(), other.Load(), state), nil
}

const mailVisitor = "visitor@bench.invalid"

// mailConversation is a conversation whose visitor left an e-mail address,
// so that mail from it is an answer.
func mailConversation(ctx context.Context, e *abuseEnv) error {
	return startConversation(e, map[string]any{"type": "contact", "email": mailVisitor})
}

// mailFlood sends mails from the visitor's address to the conversation's
// signed reply address, on four SMTP connections, as fast as the server
// takes them.
func mailFlood(ctx context.Context, e *abuseEnv) (string, error) {
	to := mailin.NewSigner([]byte(abuseSecret), abuseMailDomain).Address(e.convID)
	var accepted atomic.Int64
	var refused refusals
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				c, err := smtp.Dial(e.mailAddr)
				if err != nil {
					refused.add(err)
					time.Sleep(100 * time.Millisecond)
					continue
				}
				for i := 0; ctx.Err() == nil; i++ {
					if err := sendMail(c, to, fmt.Sprintf("flood %d-%d", w, i)); err != nil {
						refused.add(err)
						break
					}
					accepted.Add(1)
				}
				c.Close()
			}
		}()
	}
	wg.Wait()
	return fmt.Sprintf("%d mails accepted, %s", accepted.Load(), &refused), nil
}

func sendMail(c *smtp.Client, to, text string) error {
	if err := c.Mail(mailVisitor); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "From: %s\r\nTo: %s\r\nSubject: Re: your question\r\nMessage-ID: <%d@bench.invalid>\r\n\r\n%s\r\n", mailVisitor, to, time.Now().UnixNano(), text)
	return w.Close()
}
